"""The query parameters of the public pages: the one rule every view's form
follows, and the fields they share. Each view's own form subclasses these
(articles.forms.ArticleListQuery, search.forms.SearchQuery).

One rule for every public URL that reads its query string (/articles/,
/search/, /search.json):

- **Absent, empty or whitespace-only** means "not given": no filter, page 1.
- **Unknown parameters** (utm_source, size for the font switch, …) are ignored.
- **A value the parameter cannot take** answers 400 with the Chinese 400 page
  (/search.json: a JSON body ``{"error": …}``), saying which parameter was
  wrong. Nothing is silently dropped, so a reader never gets unfiltered
  results while believing a filter applies. Such values are: a year that is
  not a whole number from 1900 to 2100 (0000, ²²²², -1, 2021年); a page that
  is not a whole number from 1 to 10000; a district or tag that is not a slug
  (letters, digits, - and _) or is longer than the slug column; a type other
  than article, programme or district; a search text longer than
  `QUERY_MAX_LENGTH`; any NUL character (the NUL middleware refuses those
  first; the forms refuse them too, so they never depend on the middleware).
- **A well-formed value that names nothing**: an unknown district or tag on
  /articles/ is 404, like its own page; on /search/ it simply finds nothing.
- **A page past the end** is 404 on /articles/ and /search/, as Django's
  paginator answers.

Numbers are decimal digits of any script: fullwidth ２０２１ (what a Chinese
input method may type) is 2021, while superscripts such as ² are not digits.
Feeds read no query parameters; the slugs in their paths (and in tag and
district pages) are checked by the URL patterns' <slug:…> converter, so a
malformed one is a 404 before any view runs.
"""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

YEAR_MIN, YEAR_MAX = 1900, 2100
PAGE_MAX = 10_000
# The search reads only the first 200 characters; a longer paste is searched
# on its start rather than refused, up to a length no person types.
QUERY_MAX_LENGTH = 2000
DISTRICT_SLUG_LENGTH = 60  # District.slug
TAG_SLUG_LENGTH = 100  # Tag.slug

# Every way a value can be wrong gets the field's one message: the reader needs
# to know which parameter to fix, not which check refused it.
_ERROR_CODES = (
    "invalid",
    "invalid_choice",
    "min_value",
    "max_value",
    "max_length",
    "null_characters_not_allowed",
)


def error_messages(text):
    return dict.fromkeys(_ERROR_CODES, text)


class WholeNumberField(forms.IntegerField):
    """An integer written only with decimal digits: no sign, no decimal point,
    no exponent; surrounding whitespace is ignored."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        value = str(value)
        if not value.isdecimal():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return int(value)
        except ValueError:  # more digits than int() accepts from a string
            raise forms.ValidationError(
                self.error_messages["max_value"], code="max_value"
            ) from None


class StrippedChoiceField(forms.ChoiceField):
    """A choice where surrounding whitespace is ignored, as in the other fields."""

    def to_python(self, value):
        return super().to_python(value).strip()


class PublicQueryForm(forms.Form):
    def problem(self):
        """What was wrong, in Chinese, one sentence per bad parameter."""
        return " ".join(errors[0] for errors in self.errors.values())


class FilteredQuery(PublicQueryForm):
    """The filters and page number /articles/ and the search share."""

    district = forms.SlugField(
        label="城区",
        required=False,
        max_length=DISTRICT_SLUG_LENGTH,
        validators=[ProhibitNullCharactersValidator()],
        error_messages=error_messages("城区参数应为城区的网址名，如shangcheng。"),
    )
    tag = forms.SlugField(
        label="标签",
        required=False,
        max_length=TAG_SLUG_LENGTH,
        validators=[ProhibitNullCharactersValidator()],
        error_messages=error_messages("标签参数应为标签的网址名，如dang-shi-xue-xi-jiao-yu。"),
    )
    year = WholeNumberField(
        label="年份",
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages=error_messages(f"年份应为{YEAR_MIN}至{YEAR_MAX}之间的四位数字，如2021。"),
    )
    page = WholeNumberField(
        label="页码",
        required=False,
        min_value=1,
        max_value=PAGE_MAX,
        error_messages=error_messages(f"页码应为1至{PAGE_MAX}之间的整数。"),
    )
