"""Re-index an item whenever it or one of its parts is saved or deleted."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.models import TaggedItem

from . import indexing
from .registry import KINDS, kind_of


def _reindex(obj):
    if obj is None or indexing.signals_are_paused():
        return
    indexing.index_object(obj)


def _parent(obj, attribute):
    try:
        return getattr(obj, attribute)
    except obj.__class__._meta.get_field(attribute).related_model.DoesNotExist:
        return None


def item_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(instance)


def item_deleted(sender, instance, **kwargs):
    indexing.remove_object(instance)


def part_changed(attribute):
    def handler(sender, instance, raw=False, **kwargs):
        if not raw:
            _reindex(_parent(instance, attribute))

    return handler


def relations_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and kind_of(instance):
        _reindex(instance)


def connect():
    for kind in KINDS.values():
        model = kind.model
        post_save.connect(item_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(item_deleted, sender=model, dispatch_uid=f"search-del-{model.__name__}")
        for part, attribute in kind.parts:
            handler = part_changed(attribute)
            post_save.connect(
                handler, sender=part, weak=False, dispatch_uid=f"search-part-{part.__name__}"
            )
            post_delete.connect(
                handler, sender=part, weak=False, dispatch_uid=f"search-partdel-{part.__name__}"
            )
        # Tags link every kind through one table.
        for through in (TaggedItem, *kind.relations):
            m2m_changed.connect(
                relations_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}"
            )
