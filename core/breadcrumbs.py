"""当前位置: where a page sits on the site, from 首页 down to the page itself,
shown as navigation and given to search engines as BreadcrumbList JSON-LD.

A trail is built from objects the view already holds (names and URLs), never
from a query of its own, so it costs a page nothing in the database."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from .context_processors import absolute_url
from .typography import fullwidth_punctuation

HOME = "首页"
# Characters that could end the <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class Crumb:
    name: str
    path: str  # the link in the page
    url: str  # the same, absolute, for the JSON-LD
    current: bool = False


@dataclass
class Trail:
    crumbs: list = field(default_factory=list)

    def __iter__(self):
        return iter(self.crumbs)

    def __len__(self):
        return len(self.crumbs)

    @cached_property
    def json_ld(self):
        """The trail as schema.org BreadcrumbList, safe inside <script>. Names
        are typeset as the page's visible text is (core.typesetting does not
        touch scripts), so both say the same."""
        typeset = getattr(settings, "ZH_FULLWIDTH_PUNCTUATION", True)
        data = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": fullwidth_punctuation(crumb.name) if typeset else crumb.name,
                    "item": crumb.url,
                }
                for position, crumb in enumerate(self.crumbs, start=1)
            ],
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return mark_safe(text.translate(_SCRIPT_ESCAPES))


def trail(request, crumbs, current_path, current_url=None):
    """首页, then `crumbs` ((name, path) pairs), the last of which is the page
    itself, at `current_path` (absolute: `current_url`, the canonical URL);
    its own path in the pair is not used. With no crumbs the home page is the
    current one."""
    items = [(HOME, reverse("home")), *crumbs]
    built = []
    for position, (name, path) in enumerate(items, start=1):
        if position == len(items):
            url = current_url or absolute_url(request, current_path)
            built.append(Crumb(str(name), current_path, url, current=True))
        else:
            built.append(Crumb(str(name), path, absolute_url(request, path)))
    return Trail(built)
