"""当前位置 for pages no view describes (the 404 page)."""

from django import template

from core.breadcrumbs import trail

register = template.Library()


@register.simple_tag(takes_context=True)
def page_trail(context, name):
    """首页 › `name`, the current page at the requested path."""
    request = context.request
    return trail(request, [(name, None)], request.path)
