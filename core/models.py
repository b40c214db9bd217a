"""Tags, shared by every kind of content.

The tables keep the names they had when tags lived in the articles app
(migration core 0001 moved the models without touching the database).
"""

from django.db import models
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import GenericTaggedItemBase, TagBase

from .slugs import pinyin_slug
from .tagging import normalize_tag_name


class Tag(TagBase):
    """A tag shared by articles, programmes and districts, with an ASCII slug."""

    class Meta:
        db_table = "articles_tag"
        verbose_name = "标签"
        verbose_name_plural = "标签"
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.name = normalize_tag_name(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag, i=None):
        slug = pinyin_slug(tag, max_length=90, fallback="tag")
        return slug if i is None else f"{slug}-{i}"

    def get_absolute_url(self):
        return reverse("articles:tag_detail", args=[self.slug])


class TaggedItem(GenericTaggedItemBase):
    """One tagging of any content; a single table so items of every kind can be
    ranked together by shared tags."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_items")
    # The same type as every primary key here (BigAutoField): an integer column
    # would make PostgreSQL cast in each join and skip the index.
    object_id = models.BigIntegerField("对象编号", db_index=True)

    class Meta:
        db_table = "articles_taggeditem"
        verbose_name = "标签关联"
        verbose_name_plural = "标签关联"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "tag"], name="unique_tag_per_object"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="taggeditem_object_idx")]


def tag_manager(**kwargs):
    return TaggableManager(
        through=TaggedItem,
        blank=True,
        verbose_name="标签",
        help_text="多个标签用逗号分隔。",
        **kwargs,
    )
