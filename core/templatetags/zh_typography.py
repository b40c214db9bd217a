"""Template filters for Chinese text and the article body.

Typesetting (full-width punctuation, nested quotes) is not done here any more:
core.typesetting.TypesettingMiddleware applies it to every public page as a
whole, including text no filter reaches (meta descriptions, district
profiles, snippets). `zh` stays so templates that still write it keep
working; it changes nothing.
"""

import re

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.richtext import embed_figures, figures_of, sanitize_html

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def zh(text):
    """No longer needed: pages are typeset whole on the way out (core.typesetting)."""
    return text


# One rule for body text wherever it is shown (article page, report): the
# paragraphs of a body rendered here are indented as Chinese text is
# (static/css/site.css, `.body-text p`).
BODY_CLASS = "body-text"


@register.filter
def rich_text(html, figures=None):
    """Render stored body HTML: cleaned again (whatever wrote it), and its
    picture references replaced by the pictures. `figures` is what
    {% body_figures %} fetched for a whole page; without it this body's
    pictures are fetched on their own."""
    cleaned = sanitize_html(str(html or ""))
    body = embed_figures(cleaned, figures if isinstance(figures, dict) else None)
    return mark_safe(f'<div class="{BODY_CLASS}">{body}</div>')


_OPENING_PARAGRAPH = re.compile(r'^(<div class="body-text">\s*<p>)')


@register.filter(is_safe=True)
def dateline(html, text):
    """Set the dateline (Article.dateline, 杭州日报讯) off from the first
    sentence, as newspapers do: in bold, when the body's first paragraph opens
    with it. `html` is what `rich_text` made; anything else is returned as is.
    {{ section.body|rich_text:figures|dateline:article.dateline }}"""
    html = str(html or "")
    if not text:
        return mark_safe(html)
    opening = _OPENING_PARAGRAPH.match(html)
    escaped = escape(text)
    if opening is None or not html.startswith(escaped, opening.end()):
        return mark_safe(html)
    rest = html[opening.end() + len(escaped) :]
    return mark_safe(f'{opening[1]}<strong class="dateline">{escaped}</strong>{rest}')


@register.simple_tag
def body_figures(sections):
    """The pictures of all `sections` (objects with a `body`), fetched at once:
    {% body_figures article.sections.all as figures %} … {{ section.body|rich_text:figures }}"""
    return figures_of(section.body for section in sections)
