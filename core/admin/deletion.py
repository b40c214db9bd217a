"""The delete confirmation in words editors use.

Django lists the rows of automatic many-to-many tables among what a delete
removes ("Article-district关系: Article_districts object (1)"): code names, in
English, for links that are not objects an editor knows. They are left out of
the list; the links still go with the object.
"""

from django.utils.text import capfirst


class PlainDeleteSummaryMixin:
    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [
            through._meta
            for model in {type(obj) for obj in objs}
            for field in model._meta.get_fields(include_hidden=True)
            if field.many_to_many
            and (through := _through(field)) is not None
            and through._meta.auto_created
        ]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        names = {opts.verbose_name_plural for opts in links}
        counts = {name: count for name, count in counts.items() if name not in names}
        return _without(deleted, prefixes), counts, perms_needed, protected


def _through(field):
    """The link model of a many-to-many field or of its reverse relation."""
    if hasattr(field, "through"):
        return field.through
    return getattr(field.remote_field, "through", None)


def _without(items, prefixes):
    kept = []
    for item in items:
        if isinstance(item, list):
            kept.append(_without(item, prefixes))
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return [item for item in kept if item != []]
