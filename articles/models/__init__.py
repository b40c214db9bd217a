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

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleSection",
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
