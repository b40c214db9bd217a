"""ASCII slugs for Chinese text.

Django's `<slug:>` path converter accepts only ASCII, so Chinese titles and tag
names are spelt in pinyin: 党史学习教育 -> dang-shi-xue-xi-jiao-yu.
"""

from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin


def pinyin_slug(text, max_length=80, fallback="item"):
    """Return an ASCII slug for `text`, cut at a word boundary."""
    # errors="default" keeps non-Chinese runs (Latin letters, digits) as they are.
    words = lazy_pinyin(text, style=Style.NORMAL, errors="default", strict=False)
    slug = slugify(" ".join(words))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-") or fallback


def unique_slug(model, text, max_length=80, fallback="item", exclude_pk=None):
    """A pinyin slug for `text` not yet used by another row of `model`."""
    base = pinyin_slug(text, max_length=max_length - 4, fallback=fallback)
    candidates = model._default_manager.filter(slug__startswith=base).order_by()
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    taken = set(candidates.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug
