"""The statuses content moves through, from draft to archive."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已发布"
    UNPUBLISHED = "unpublished", "已撤下"
    ARCHIVED = "archived", "已归档"


# Statuses only a publisher may set, or move an object out of.
PUBLISHER_STATUSES = frozenset({Status.PUBLISHED, Status.UNPUBLISHED, Status.ARCHIVED})
# What an editor without the publish permission may choose.
EDITOR_STATUSES = (Status.DRAFT, Status.REVIEW)
