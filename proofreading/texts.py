"""The texts of an article, labelled the way editors find them (标题, 正文第2节第3段),
whatever they come from: a saved article, an admin form or an imported file.

The one place those labels are made, so the admin, `manage.py proofread` and
the importer name a place in an article alike.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape

from django.utils.html import strip_tags

from core.richtext import paragraphs_from_html

TITLE = "标题"
SUMMARY = "摘要"
CLOSING_SLOGAN = "结尾口号"

# Sub-headings typed into a body (the rich-text editor offers h3 and h4);
# bodies are cleaned by nh3, so a pattern is enough to find them.
_SUBHEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class SectionText:
    """The plain texts of one body section."""

    district_label: str = ""
    heading: str = ""
    paragraphs: Sequence[str] = ()
    subheadings: Sequence[str] = ()  # inside the body

    @classmethod
    def from_html(cls, body, heading="", district_label=""):
        """A section whose body is rich text (HTML)."""
        return cls(
            district_label=district_label,
            heading=heading,
            paragraphs=paragraphs_from_html(body),
            subheadings=subheadings_from_html(body),
        )


def subheadings_from_html(html):
    """The text of each sub-heading in a body, in order."""
    found = (
        unescape(strip_tags(match.group(2))).strip() for match in _SUBHEADING.finditer(html or "")
    )
    return [text for text in found if text]


def district_place(number):
    """The district name heading the `number`th body section (1-based)."""
    return f"正文第{number}节城区"


def heading_place(number):
    """The heading of the `number`th body section, or a sub-heading in its body."""
    return f"正文第{number}节小标题"


def paragraph_place(number, paragraph):
    """The `paragraph`th paragraph of the `number`th body section: 正文第2节第3段."""
    return f"正文第{number}节第{paragraph}段"


def labelled_texts(title="", summary="", closing_slogan="", sections=()):
    """(label, text) pairs in reading order, empty texts left out. `sections`
    are SectionText, in order; they are counted from 1 as editors count them."""
    texts = [(TITLE, title), (SUMMARY, summary)]
    for number, section in enumerate(sections, 1):
        texts.append((district_place(number), section.district_label))
        texts.append((heading_place(number), section.heading))
        texts += [(heading_place(number), text) for text in section.subheadings]
        texts += [
            (paragraph_place(number, n), text) for n, text in enumerate(section.paragraphs, 1)
        ]
    texts.append((CLOSING_SLOGAN, closing_slogan))
    return [(label, text) for label, text in texts if text and text.strip()]
