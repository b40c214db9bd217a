from django import template

register = template.Library()


@register.filter
def file_label(document):
    """{{ document|file_label }} → "PDF，1.2 MB", shown beside a link to it."""
    return document.label
