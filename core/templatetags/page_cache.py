"""{% cachedfragment "name" value ... %}…{% endcachedfragment %}: the enclosed
HTML from the shared cache (core.pagecache.fragments), keyed by the name and
the values, which must name everything the HTML depends on besides content
(an object's pk, the page number, the font size)."""

from django import template

from ..pagecache.fragments import cached_fragment

register = template.Library()


class CachedFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        if context.get("preview"):
            # A preview shows unpublished content: never stored, never served a
            # reader's copy.
            return self.nodelist.render(context)
        return cached_fragment(
            self.name.resolve(context),
            [value.resolve(context) for value in self.vary],
            lambda: self.nodelist.render(context),
            request=context.get("request"),
        )


@register.tag
def cachedfragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% cachedfragment %} needs a name.")
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    return CachedFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
