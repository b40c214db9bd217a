"""District editors see and change only their own districts' content in the admin."""

from .models import District
from .permissions import own_district_ids, sees_all_districts


class DistrictScopedAdminMixin:
    """For a ModelAdmin of content linked to districts.

    `district_scope` names the link: "districts" (many-to-many; the queryset
    offers `for_districts()`, as articles do) or "district" (a foreign key,
    programmes). Lists, search, bulk actions, the
    change/delete views and the district choices all follow the user's scope.
    """

    district_scope = "district"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_all_districts(request.user):
            return queryset
        ids = own_district_ids(request.user)
        if self.district_scope == "districts":
            return queryset.for_districts(ids)
        return queryset.filter(district__in=ids)

    def in_scope(self, request, obj):
        if obj is None or sees_all_districts(request.user):
            return True
        ids = own_district_ids(request.user)
        if self.district_scope == "districts":
            return any(d.pk in ids for d in obj.districts.all())
        return obj.district_id in ids

    def version_in_scope(self, request, version):
        """For a saved version (of a deleted object, say): whether its districts,
        as that version recorded them, include one of the user's."""
        if sees_all_districts(request.user):
            return True
        ids = {str(pk) for pk in own_district_ids(request.user)}
        data = version.field_dict
        if self.district_scope == "districts":
            return any(str(pk) in ids for pk in data.get("districts") or ())
        return str(data.get("district_id")) in ids

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def _own_districts(self, request):
        return District.objects.filter(pk__in=own_district_ids(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not sees_all_districts(request.user):
            kwargs["queryset"] = self._own_districts(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def districts_outside_scope(self, request, obj):
        """The object's current districts that this user cannot choose."""
        if sees_all_districts(request.user) or self.district_scope != "districts":
            return []
        ids = own_district_ids(request.user)
        return [d for d in obj.districts.all() if d.pk not in ids]
