"""The query parameters of /search/ and /search.json (the rule is in
core.query_forms)."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from core.query_forms import QUERY_MAX_LENGTH, FilteredQuery, StrippedChoiceField, error_messages

from . import kinds  # noqa: F401  (registers the kinds ?type= may name)
from .registry import choices


def _kinds_in_words():
    """稿件（article）、举措（programme）或城区（district）"""
    names = [f"{label}（{name}）" for name, label in choices()]
    return "、".join(names[:-1]) + "或" + names[-1] if len(names) > 1 else "".join(names)


class SearchQuery(FilteredQuery):
    """/search/ and /search.json: ?q=…&district=…&tag=…&year=…&type=…&page=…"""

    field_order = ["q", "district", "tag", "year", "type", "page"]

    q = forms.CharField(
        label="搜索词",
        required=False,
        max_length=QUERY_MAX_LENGTH,
        validators=[ProhibitNullCharactersValidator()],
        error_messages=error_messages(
            f"搜索词不能超过{QUERY_MAX_LENGTH}个字，也不能含有无效字符。"
        ),
    )
    type = StrippedChoiceField(
        label="类别",
        required=False,
        choices=[("", "全部"), *choices()],
        error_messages=error_messages(f"类别只能是{_kinds_in_words()}。"),
    )

    # The parameters a result page link carries over to the next page.
    carried = ("q", "district", "tag", "year", "type")

    def carried_query(self):
        """The cleaned search and filters as a query string, without the page."""
        data = self.cleaned_data
        return [(name, data[name]) for name in self.carried if data[name] not in (None, "")]
