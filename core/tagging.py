"""Tag names as editors type them on a Chinese keyboard.

The tag input splits on `,` and also on the Chinese `，` and `、`; names are
normalised (full-width letters and digits to ASCII, runs of spaces to one)
so 党史 学习 and 党史　学习 or ＡＩ and AI never become two tags.
"""

import re
import unicodedata

from django.conf import settings
from taggit.utils import _parse_tags

_SEPARATORS = re.compile(r"[，、；;]")
_SPACES = re.compile(r"[\s\u3000]+")


def normalize_tag_name(name):
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip()


def parse_tags(tagstring):
    """taggit's parser (quotes, commas), after mapping Chinese separators to commas."""
    if not tagstring:
        return []
    names = _parse_tags(_SEPARATORS.sub(",", tagstring))
    seen, result = set(), []
    for name in map(normalize_tag_name, names):
        key = name.lower() if getattr(settings, "TAGGIT_CASE_INSENSITIVE", False) else name
        if name and key not in seen:
            seen.add(key)
            result.append(name)
    return sorted(result)


def edit_string_for_tags(tags):
    """Tags as the input shows them: joined with the Chinese comma."""
    names = []
    for tag in tags:
        name = tag.name
        if "，" in name or "," in name or "、" in name:
            name = f'"{name}"'
        names.append(name)
    return "，".join(sorted(names))
