"""The query parameters of /articles/ (the rule is in core.query_forms)."""

from core.query_forms import FilteredQuery


class ArticleListQuery(FilteredQuery):
    """/articles/?district=…&tag=…&year=…&page=…"""
