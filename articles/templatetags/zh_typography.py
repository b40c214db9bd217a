from django import template
from django.conf import settings
from django.template.defaultfilters import stringfilter

from articles.typography import fullwidth_punctuation

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def zh(text):
    """Render Chinese text with full-width punctuation (settings.ZH_FULLWIDTH_PUNCTUATION)."""
    if not getattr(settings, "ZH_FULLWIDTH_PUNCTUATION", True):
        return text
    return fullwidth_punctuation(text)
