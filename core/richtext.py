"""The article body's rich text: what editors may type, and how it is read back.

Section bodies are HTML limited to paragraphs, sub-headings, bold/italic,
links and lists. The same allow-list drives the editor's toolbar and nh3's
server-side cleaning (django-prose-editor derives one from the other), so
whatever reaches the database has no script, no event handler and no
`javascript:` link, whoever typed it.

Pictures are not markup but references: `<figure data-image="42"></figure>`
names a library image by its number and nothing else (no src, no alt, no
caption), so the page always shows the image's current renditions, alt text
and caption. The image library renders them; it registers its renderer with
`register_figure_renderer` because it sits above this module.
"""

import re
from functools import cache
from html import escape
from html.parser import HTMLParser

from django.urls import reverse_lazy
from django_prose_editor.fields import create_sanitizer

from .typesetting import typeset_html as _typeset_html

BODY_EXTENSIONS = {
    "Paragraph": True,
    "HardBreak": True,
    "Heading": {"levels": [3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
    # The picture dialog's addresses (images.picker), resolved when the editor is drawn.
    "LibraryImage": {
        "pickerUrl": reverse_lazy("admin:images_image_picker"),
        "uploadUrl": reverse_lazy("admin:images_image_picker_upload"),
    },
}

FIGURE_ATTRIBUTE = "data-image"
_FIGURE = re.compile(r'<figure data-image="(\d{1,18})"></figure>')


def process_library_image(config, shared_config):
    """The sanitizer's share of the LibraryImage editor extension: a figure
    with one attribute, a picture's number; anything else in it is dropped."""
    shared_config["tags"].add("figure")
    shared_config["attributes"].setdefault("figure", set()).add(FIGURE_ATTRIBUTE)
    shared_config["attribute_filter"] = _only_numeric_figure_references


def _only_numeric_figure_references(tag, attribute, value):
    if tag == "figure" and attribute == FIGURE_ATTRIBUTE:
        return value if value.isascii() and value.isdigit() and len(value) <= 18 else None
    return value


@cache
def _sanitizer():
    # Built on first use: it reads the prose editor's settings.
    return create_sanitizer(BODY_EXTENSIONS)


def sanitize_html(html):
    """Clean `html` down to what the body editor can produce. A figure left
    without a valid picture number (or with content) is dropped whole."""
    cleaned = _sanitizer()(html or "")
    if "<figure" not in cleaned:
        return cleaned
    # Cleaned again: cutting a figure out may leave markup to tidy.
    return _sanitizer()(_STRAY_FIGURE.sub("", cleaned))


# A figure is only ever an empty reference; after cleaning, any other figure
# (no number, or text inside) is something the editor cannot make.
_STRAY_FIGURE = re.compile(r"<figure(?! data-image=\"\d+\"></figure>)[^>]*>.*?</figure>", re.S)


def figure_ids(html):
    """The picture numbers a body refers to, in order, each once."""
    return list(dict.fromkeys(int(number) for number in _FIGURE.findall(html or "")))


def figure_html(image_id):
    """How a body refers to picture `image_id`."""
    return f'<figure {FIGURE_ATTRIBUTE}="{int(image_id)}"></figure>'


_figure_renderers = []


def register_figure_renderer(renderer):
    """`renderer(ids)` returns {id: HTML} for the pictures that exist; called
    once per batch of bodies, so pictures cost no query each."""
    _figure_renderers[:] = [renderer]


def render_figures(ids):
    """{id: HTML} for the pictures `ids`, empty when no renderer is registered."""
    if not ids or not _figure_renderers:
        return {}
    return _figure_renderers[0](list(ids))


def figures_of(bodies):
    """{id: HTML} for the pictures of all `bodies`, fetched at once."""
    return render_figures(dict.fromkeys(pk for body in bodies for pk in figure_ids(body)))


def embed_figures(html, rendered=None):
    """Replace each figure reference in cleaned `html` by its picture; a
    reference to a picture that no longer exists shows nothing. `rendered` is
    a {id: HTML} already fetched for several bodies at once."""
    if "<figure" not in html:
        return html
    if rendered is None:
        rendered = render_figures(figure_ids(html))
    return _FIGURE.sub(lambda match: rendered.get(int(match.group(1)), ""), html)


_BLOCKS = {"p", "li", "blockquote", "h3", "h4", "h5", "h6", "div"}
_HEADINGS = {"h3", "h4", "h5", "h6"}


def html_from_paragraphs(paragraphs):
    """Plain paragraphs (as imported) as body HTML."""
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs)


class _BlockText(HTMLParser):
    """Collect the text of each block (paragraph, list item …) in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []  # (is_heading, text)
        self._stack = []
        self._text = []

    def _flush(self, is_heading=False):
        text = "".join(self._text)
        self._text = []
        for chunk in re.split(r"\n\s*\n", text) if not self._stack else [text]:
            if chunk.strip():
                self.blocks.append((is_heading, chunk.strip()))

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._flush()
            self._stack.append(tag)
        elif tag == "br":
            self._text.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS and tag in self._stack:
            self._flush(is_heading=tag in _HEADINGS)
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        self._text.append(data)

    def close(self):
        super().close()
        self._flush()


def paragraphs_from_html(html):
    """The body's paragraphs as plain text, in order, sub-headings left out."""
    parser = _BlockText()
    parser.feed(html or "")
    parser.close()
    return [text for is_heading, text in parser.blocks if not is_heading]


def typeset_html(html):
    """Apply Chinese display punctuation to the text of `html` (not its markup);
    the rule for whole pages, core.typesetting.typeset_html, applied to a part."""
    return _typeset_html(html or "")
