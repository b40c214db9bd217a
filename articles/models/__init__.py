from .article import Article, ArticleQuerySet, ArticleRedirect, ArticleSection, Byline
from .campaign import Campaign, KeyFigure, Programme, ProgrammeEvent, ProgrammeItem

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleSection",
    "Byline",
    "Campaign",
    "KeyFigure",
    "Programme",
    "ProgrammeEvent",
    "ProgrammeItem",
]
