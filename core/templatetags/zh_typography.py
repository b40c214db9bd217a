from django import template
from django.conf import settings
from django.template.defaultfilters import stringfilter
from django.utils.safestring import mark_safe

from core.richtext import sanitize_html, typeset_html
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
def rich_text(html):
    """Render stored body HTML: cleaned again (whatever wrote it) and typeset."""
    cleaned = sanitize_html(str(html or ""))
    if getattr(settings, "ZH_FULLWIDTH_PUNCTUATION", True):
        cleaned = typeset_html(cleaned)
    return mark_safe(cleaned)
