"""Re-index an item whenever it or one of its parts is saved or deleted."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import indexing


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
    indexing.remove_object(indexing.kind_of(instance), instance.pk)


def part_changed(attribute):
    def handler(sender, instance, raw=False, **kwargs):
        if not raw:
            _reindex(_parent(instance, attribute))

    return handler


def relations_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and indexing.kind_of(instance):
        _reindex(instance)


def connect():
    from articles.models import Article, ArticleSection, TaggedItem
    from districts.models import (
        District,
        DistrictAlias,
        KeyFigure,
        Programme,
        ProgrammeEvent,
        ProgrammeItem,
    )

    for model in (Article, Programme, District):
        post_save.connect(item_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(item_deleted, sender=model, dispatch_uid=f"search-del-{model.__name__}")
    parts = [
        (ArticleSection, "article"),
        (ProgrammeItem, "programme"),
        (KeyFigure, "programme"),
        (ProgrammeEvent, "programme"),
        (DistrictAlias, "district"),
    ]
    for model, attribute in parts:
        handler = part_changed(attribute)
        post_save.connect(
            handler, sender=model, weak=False, dispatch_uid=f"search-part-{model.__name__}"
        )
        post_delete.connect(
            handler, sender=model, weak=False, dispatch_uid=f"search-partdel-{model.__name__}"
        )
    for through in (TaggedItem, Article.districts.through, Article.programmes.through):
        m2m_changed.connect(
            relations_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}"
        )
