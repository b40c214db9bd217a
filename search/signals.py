"""Re-index an item whenever it, one of its parts, one of its links or a row it
reads (an article's attachments) is saved or deleted."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from core.models import TaggedItem

from . import indexing
from .registry import KINDS, kind_of


def _reindex(obj):
    if obj is None or indexing.signals_are_paused():
        return
    indexing.index_object(obj)


def _reindex_all(kind, ids):
    if not ids or indexing.signals_are_paused():
        return
    for obj in kind.indexing_queryset().filter(pk__in=ids).order_by("pk"):
        indexing.index_object(obj)


def _parent(obj, attribute):
    try:
        return getattr(obj, attribute)
    except obj.__class__._meta.get_field(attribute).related_model.DoesNotExist:
        return None


def _pending(instance):
    """What a receiver noted on `instance` before a change, for after it."""
    return instance.__dict__.setdefault("_search_pending", {})


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


def _field_through(model, through):
    """The name of `model`'s many-to-many field whose table is `through`."""
    for field in model._meta.many_to_many:
        if getattr(field.remote_field, "through", None) is through:
            return field.name
    return None


def relations_changed(sender, instance, action, reverse=False, model=None, pk_set=None, **kwargs):
    """A link was added or removed. Changed from the other side
    (document.articles.add(article), district.articles.clear()), the items
    whose entries read the link are those in `pk_set`, or for a clear those
    linked before it."""
    kind = kind_of(model) if reverse and model is not None else None
    owned = kind is not None and sender in kind.relations
    if action == "pre_clear" and owned:
        linked = model._default_manager.filter(**{_field_through(model, sender): instance})
        _pending(instance)[sender] = list(linked.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if kind_of(instance):
        _reindex(instance)
    if owned:
        cleared = _pending(instance).pop(sender, [])
        _reindex_all(kind, cleared if action == "post_clear" else pk_set)


def _reading(source_model):
    """[(kind, lookup)] of the kinds whose entries read rows of `source_model`."""
    return [
        (kind, lookup)
        for kind in KINDS.values()
        for model, lookup in kind.sources
        if issubclass(source_model, model)
    ]


def _linked_ids(kind, lookup, source):
    return list(kind.model._default_manager.filter(**{lookup: source}).values_list("pk", flat=True))


def source_saved(sender, instance, created=False, raw=False, **kwargs):
    """An attachment's title or file changed: its articles re-index. A new one
    is linked to nothing yet."""
    if raw or created or indexing.signals_are_paused():
        return
    for kind, lookup in _reading(sender):
        _reindex_all(kind, _linked_ids(kind, lookup, instance))


def source_deleting(sender, instance, **kwargs):
    # The links go with the row; note the items before they do.
    pending = _pending(instance)
    for kind, lookup in _reading(sender):
        pending[kind.name] = _linked_ids(kind, lookup, instance)


def source_deleted(sender, instance, **kwargs):
    pending = _pending(instance)
    for kind, _ in _reading(sender):
        _reindex_all(kind, pending.pop(kind.name, []))


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
        for source, _ in kind.sources:
            name = source.__name__
            post_save.connect(source_saved, sender=source, dispatch_uid=f"search-src-{name}")
            pre_delete.connect(source_deleting, sender=source, dispatch_uid=f"search-srcpre-{name}")
            post_delete.connect(source_deleted, sender=source, dispatch_uid=f"search-srcdel-{name}")
