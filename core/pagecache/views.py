"""Detail views whose page below the heading is cached fragments."""

from django.db.models import prefetch_related_objects
from django.utils.functional import SimpleLazyObject, cached_property

from .fragments import cached_value


class FragmentDetailMixin:
    """For a DetailView. `full_object` is the object with `detail_lookups`
    prefetched, loaded only when a fragment has to be built; templates get it
    lazily as `full_<context_object_name>`. `cached_for_object` keeps a value
    about the object (page meta) under the same rules, except in previews."""

    detail_lookups = ()

    @cached_property
    def full_object(self):
        prefetch_related_objects([self.object], *self.detail_lookups)
        return self.object

    def cached_for_object(self, name, build, context):
        if context.get("preview"):
            return build()
        return cached_value(name, [self.object.pk], build, self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[f"full_{self.context_object_name}"] = SimpleLazyObject(lambda: self.full_object)
        return context
