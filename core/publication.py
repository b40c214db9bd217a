"""Publication: the statuses content moves through, and the one rule for what
readers may see.

The rule is written once, as a Q object (`visibility`). Querysets filter with
it, `Publishable.is_public` evaluates the same Q against one object in Python,
and the search backends compile it to SQL (search.service), so the four places
that ask "may a reader see this?" cannot drift apart.
"""

import operator

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .status import Status


def visibility(model, now=None, prefix=""):
    """What a reader may see now, as a Q object on `model` (or across a relation
    with `prefix`): published, and for scheduled content (`model.scheduled`)
    the publication time reached and the expiry time, if any, not yet reached.
    Evaluated at query time, so scheduled content appears and expires by itself."""
    rule = Q(**{f"{prefix}status": Status.PUBLISHED})
    if getattr(model, "scheduled", False):
        now = now or timezone.now()
        rule &= Q(**{f"{prefix}published_at__lte": now}) & (
            Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
        )
    return rule


# The lookups `visibility` uses, as SQL evaluates them: a comparison with NULL is false.
_LOOKUPS = {
    "exact": operator.eq,
    "lte": lambda value, bound: value is not None and value <= bound,
    "gt": lambda value, bound: value is not None and value > bound,
    "isnull": lambda value, flag: (value is None) == flag,
}


def matches(rule, obj):
    """Whether `obj` passes `rule` (a Q of plain field lookups), without a query."""
    results = (
        matches(child, obj) if isinstance(child, Q) else _lookup(obj, *child)
        for child in rule.children
    )
    passed = all(results) if rule.connector == Q.AND else any(results)
    return not passed if rule.negated else passed


def _lookup(obj, path, expected):
    name, _, lookup = path.partition("__")
    return _LOOKUPS[lookup or "exact"](getattr(obj, name), expected)


class PublishableQuerySet(models.QuerySet):
    def published(self, now=None):
        """What a reader may see now (see `visibility`)."""
        return self.filter(visibility(self.model, now))


class Publishable(models.Model):
    """Content that editors draft and publishers publish. Subclasses with
    publication and expiry times set `scheduled = True`."""

    scheduled = False

    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self):
        return matches(visibility(type(self)), self)

    def publication_label(self, now=None):
        """The status as the admin lists it: a published item not yet (or no
        longer) visible says so."""
        if self.status == Status.PUBLISHED and not matches(visibility(type(self), now), self):
            published_at = getattr(self, "published_at", None)
            if published_at is not None and published_at > (now or timezone.now()):
                return "定时发布"
            return "已到期下线"
        return self.get_status_display()
