"""Chinese typesetting of whole responses, in one place.

Every piece of Chinese text a reader or a crawler gets passes through
`TypesettingMiddleware` on its way out: the text of HTML pages (and the
attributes readers and crawlers read: meta descriptions, Open Graph and
Twitter cards, title, alt, aria-label, placeholder), the titles and
descriptions of the RSS and Atom feeds, and the text values of the public
search's JSON. Templates and views need no filter for it; the rule itself is
core.typography.fullwidth_punctuation.

The middleware sits inside the page cache (config/settings.py), so a cached
page is stored typeset and a hit costs nothing more; and inside CommonMiddleware
and ConditionalGetMiddleware, so Content-Length and the ETag describe the
typeset bytes (full-width marks are longer in UTF-8).

The HTML is read with one regular expression that splits tags from text, not
a parser: it only has to find text and attribute values, and it costs about
1.5 ms on the largest page (the report, 32 KB), once per cache miss. Text
split by inline markup (<a>, <mark>, <strong> …) is typeset as one run, so
`<a>高新区</a>,在` and `“<a>七大“课程”</a>”` are seen whole; block
boundaries end a run, so an unbalanced quote cannot reach past its paragraph.
"""

import json
import re

from django.conf import settings
from django.urls import reverse

from .typography import fullwidth_punctuation

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
# Their text is code or what a user typed, never typeset.
_RAW = {"script", "style", "pre", "code", "textarea"}
# Inline markup: text on both sides reads as one sentence.
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
    "u", "var",
}  # fmt: skip
# Attributes read as text (tooltips, screen readers, image descriptions).
_TEXT_ATTRIBUTES = re.compile(
    r"""(\s(?:title|alt|aria-label|aria-description|placeholder)\s*=\s*)("[^"]*"|'[^']*')""",
    re.I,
)
_META_CONTENT = re.compile(r"""(\scontent\s*=\s*)("[^"]*"|'[^']*')""", re.I)
_META_NAME = re.compile(r"""\s(?:name|property)\s*=\s*["']?([^"'\s>]+)""", re.I)
# Meta tags whose content is prose. Not keywords: their ASCII commas separate
# the words for crawlers. Not URLs or types.
_PROSE_META = {
    "description",
    "og:title",
    "og:description",
    "og:site_name",
    "og:image:alt",
    "twitter:title",
    "twitter:description",
    "twitter:image:alt",
    # What Chinese government sites carry for their crawlers (core.seo).
    "sitename",
    "columnname",
    "articletitle",
    "contentsource",
    "author",
}


def typeset_html(html):
    """`html` with its text typeset: text nodes (outside script, style, pre,
    code and textarea) and the attributes readers and crawlers read. Markup,
    URLs and Latin text are left as they are; typesetting twice changes nothing."""
    if not html or not _HAN.search(html):
        return html
    parts = _TAG.split(html)
    run = []  # indexes of the text parts that read as one
    raw = None  # the element whose text is left alone, while inside it
    raw_depth = 0
    for index in range(1, len(parts), 2):
        tag = parts[index]
        name_match = _TAG_NAME.match(tag)
        closing, name = (name_match[1], name_match[2].lower()) if name_match else ("", "")
        if raw is not None:
            if name == raw:
                raw_depth += -1 if closing else 1
                if raw_depth == 0:
                    raw = None
            continue
        run.append(index - 1)
        if name not in _INLINE:
            _typeset_run(parts, run)
            run = []
        if not closing and name and _HAN.search(tag):
            parts[index] = _typeset_tag(tag, name)
        if name in _RAW and not closing and not tag.endswith("/>"):
            raw, raw_depth = name, 1
    if raw is None:
        run.append(len(parts) - 1)
        _typeset_run(parts, run)
    return "".join(parts)


def _typeset_run(parts, run):
    """Typeset the text parts at `run` as one text, each keeping its length."""
    if len(run) == 1:
        parts[run[0]] = fullwidth_punctuation(parts[run[0]])
        return
    texts = [parts[i] for i in run]
    joined = "".join(texts)
    typeset = fullwidth_punctuation(joined)
    if typeset == joined:
        return
    if len(typeset) != len(joined):  # not one for one: each part on its own
        for i in run:
            parts[i] = fullwidth_punctuation(parts[i])
        return
    start = 0
    for i, text in zip(run, texts, strict=True):
        parts[i] = typeset[start : start + len(text)]
        start += len(text)


def _typeset_tag(tag, name):
    tag = _TEXT_ATTRIBUTES.sub(_typeset_attribute, tag)
    if name == "meta":
        meta_name = _META_NAME.search(tag)
        if meta_name and meta_name[1].lower() in _PROSE_META:
            tag = _META_CONTENT.sub(_typeset_attribute, tag)
    return tag


def _typeset_attribute(match):
    quoted = match[2]
    return f"{match[1]}{quoted[0]}{fullwidth_punctuation(quoted[1:-1])}{quoted[0]}"


# The elements of RSS 2.0 and Atom that hold prose.
_FEED_TEXT = re.compile(r"(<(title|description|summary|subtitle)\b[^>]*>)(.*?)(</\2>)", re.S)


def typeset_feed(xml):
    """An RSS or Atom document with the text of its titles, descriptions and
    summaries typeset (escaped HTML in a description stays escaped)."""
    return _FEED_TEXT.sub(lambda m: f"{m[1]}{fullwidth_punctuation(m[3])}{m[4]}", xml)


# JSON values that are addresses, codes or dates, not prose.
_JSON_LITERAL_KEYS = {"url", "type", "date", "kind", "slug"}


def typeset_json(value, key=None):
    """A decoded JSON value with its prose strings typeset (HTML ones as HTML)."""
    if isinstance(value, str):
        return value if key in _JSON_LITERAL_KEYS else typeset_html(value)
    if isinstance(value, list):
        return [typeset_json(item, key) for item in value]
    if isinstance(value, dict):
        return {k: typeset_json(v, k) for k, v in value.items()}
    return value


def _kind(response):
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "text/html":
        return "html"
    if content_type in ("application/rss+xml", "application/atom+xml"):
        return "feed"
    if content_type == "application/json":
        return "json"
    return None


class TypesettingMiddleware:
    """Typesets each public HTML page, feed and search JSON on its way out
    (settings.ZH_FULLWIDTH_PUNCTUATION off: nothing changes). The admin,
    downloads, static and media files are left alone."""

    untouched_prefixes = ("/admin/", "/files/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(settings, "ZH_FULLWIDTH_PUNCTUATION", True):
            return response
        if response.streaming or response.get("Content-Encoding"):
            return response
        kind = _kind(response)
        if kind is None or not self.public(request.path, kind):
            return response
        charset = response.charset or "utf-8"
        try:
            text = response.content.decode(charset)
        except (UnicodeDecodeError, LookupError):
            return response
        if kind != "json" and not _HAN.search(text):  # JSON may spell it \uXXXX
            return response
        if kind == "html":
            typeset = typeset_html(text)
        elif kind == "feed":
            typeset = typeset_feed(text)
        else:
            try:
                typeset = json.dumps(typeset_json(json.loads(text)), ensure_ascii=False)
            except ValueError:
                return response
        if typeset != text:
            response.content = typeset.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response

    def public(self, path, kind):
        if kind == "json":
            # Only the public search answers JSON to readers.
            return path == reverse("search_json")
        prefixes = (*self.untouched_prefixes, settings.STATIC_URL, settings.MEDIA_URL)
        return not path.startswith(tuple(p for p in prefixes if p and p.startswith("/")))
