"""The article body's rich text: what editors may type, and how it is read back.

Section bodies are HTML limited to paragraphs, sub-headings, bold/italic,
links and lists. The same allow-list drives the editor's toolbar and nh3's
server-side cleaning (django-prose-editor derives one from the other), so
whatever reaches the database has no script, no event handler and no
`javascript:` link, whoever typed it.
"""

import re
from functools import cache
from html import escape
from html.parser import HTMLParser

from django_prose_editor.fields import create_sanitizer

from .typography import fullwidth_punctuation

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
}


@cache
def _sanitizer():
    # Built on first use: it reads the prose editor's settings.
    return create_sanitizer(BODY_EXTENSIONS)


def sanitize_html(html):
    """Clean `html` down to what the body editor can produce."""
    return _sanitizer()(html or "")


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


_TAG = re.compile(r"(<[^>]*>)")


def typeset_html(html):
    """Apply Chinese display punctuation to the text between tags only."""
    return "".join(
        part if part.startswith("<") else fullwidth_punctuation(part)
        for part in _TAG.split(html or "")
    )
