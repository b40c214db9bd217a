from .article import (
    Article,
    ArticleQuerySet,
    ArticleRedirect,
    ArticleSection,
    Byline,
    Correction,
    SectionImage,
    link_body_images,
)
from .campaign import Campaign, KeyFigure, Programme, ProgrammeEvent, ProgrammeItem
from .visits import ArticleVisitDay

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleSection",
    "ArticleVisitDay",
    "Byline",
    "Campaign",
    "Correction",
    "KeyFigure",
    "Programme",
    "ProgrammeEvent",
    "ProgrammeItem",
    "SectionImage",
    "link_body_images",
]
