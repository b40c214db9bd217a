"""Searching the image library by words, Chinese included.

Chinese is written without spaces, so splitting a query on whitespace (what
the admin's search_fields do) makes "上城区党员" one term that no caption
reading "上城区的党员在望江街道…" contains. The search app owns the word
segmenter but sits above this app, so it appends a splitter to
QUERY_SPLITTERS from its AppConfig.ready(): a function of the query text
returning its words. Without one, words are whatever whitespace separates.
"""

from django.db.models import Q

QUERY_SPLITTERS = []

# What the library is searched in; a related field ("tags__name") is matched
# through a subquery, so an image with several matching tags is listed once.
SEARCHED_FIELDS = ("title", "caption", "credit", "source", "alt_text", "tags__name")


def query_words(text):
    """The words of `text`, by the last registered splitter (the latest app
    wins), else by whitespace."""
    text = (text or "").strip()
    if not text:
        return []
    if QUERY_SPLITTERS:
        words = QUERY_SPLITTERS[-1](text)
        # A query of nothing but punctuation or particles still searches for something.
        return list(dict.fromkeys(words)) or text.split()
    return list(dict.fromkeys(text.split()))


def _matches(model, field, word):
    if "__" in field:
        return Q(pk__in=model._default_manager.filter(**{f"{field}__icontains": word}).values("pk"))
    return Q(**{f"{field}__icontains": word})


def search(queryset, text, fields=SEARCHED_FIELDS):
    """`queryset` narrowed to images where every word of `text` is in at least
    one of `fields` (each word may be in a different one), without duplicates."""
    for word in query_words(text):
        condition = Q()
        for field in fields:
            condition |= _matches(queryset.model, field, word)
        queryset = queryset.filter(condition)
    return queryset
