"""Tags, shared by every kind of content.

The tables keep the names they had when tags lived in the articles app
(migration core 0001 moved the models without touching the database).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
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


NEW_OBJECT = ""


class AutosavedFormQuerySet(models.QuerySet):
    def of(self, user, model, object_id=None):
        """`user`'s autosave of the admin form of `model`'s object `object_id`
        (None: the add form of a new, unsaved one)."""
        return self.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            object_id=NEW_OBJECT if object_id is None else str(object_id),
        )


class AutosavedForm(models.Model):
    """What an editor had typed into an admin change form and not yet saved,
    kept on the server every few seconds (core.admin.autosave) so a closed tab,
    a crash or an expired session loses nothing. One per user and form: each
    autosave replaces the last. Not a version: the content's rows and its
    django-reversion history are never touched; saving or discarding the form
    deletes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        related_name="autosaved_forms",
        on_delete=models.CASCADE,
    )
    content_type = models.ForeignKey(ContentType, verbose_name="内容类型", on_delete=models.CASCADE)
    # The primary key as text, as the admin's log keeps it; empty (NEW_OBJECT)
    # for the add form. Not NULL: NULLs never clash in a unique index, so one
    # user could pile up add-form autosaves.
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    # {"fields": [[name, value], …] as the form would post them, inline rows and
    #  their management forms included, files left out;
    #  "labels": {select name: {value: shown text}} for choices loaded on demand}
    data = models.JSONField("表单内容")
    saved_at = models.DateTimeField("保存时间", default=timezone.now)

    objects = AutosavedFormQuerySet.as_manager()

    class Meta:
        verbose_name = "自动保存的表单"
        verbose_name_plural = "自动保存的表单"
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="unique_autosave_per_user_form"
            )
        ]

    def __str__(self):
        target = self.object_id or "新建"
        saved_at = timezone.localtime(self.saved_at)
        return f"{self.user} · {self.content_type} {target} · {saved_at:%Y-%m-%d %H:%M}"
