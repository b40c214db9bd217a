from django import template
from django.conf import settings
from django.template.defaultfilters import stringfilter
from django.utils.safestring import mark_safe

from core.richtext import embed_figures, figures_of, sanitize_html, typeset_html
from core.typography import fullwidth_punctuation

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def zh(text):
    """Render Chinese text with full-width punctuation (settings.ZH_FULLWIDTH_PUNCTUATION)."""
    if not getattr(settings, "ZH_FULLWIDTH_PUNCTUATION", True):
        return text
    return fullwidth_punctuation(text)


@register.filter
def rich_text(html, figures=None):
    """Render stored body HTML: cleaned again (whatever wrote it), typeset, and
    its picture references replaced by the pictures. `figures` is what
    {% body_figures %} fetched for a whole page; without it this body's
    pictures are fetched on their own."""
    cleaned = sanitize_html(str(html or ""))
    if getattr(settings, "ZH_FULLWIDTH_PUNCTUATION", True):
        cleaned = typeset_html(cleaned)
    return mark_safe(embed_figures(cleaned, figures if isinstance(figures, dict) else None))


@register.simple_tag
def body_figures(sections):
    """The pictures of all `sections` (objects with a `body`), fetched at once:
    {% body_figures article.sections.all as figures %} … {{ section.body|rich_text:figures }}"""
    return figures_of(section.body for section in sections)
