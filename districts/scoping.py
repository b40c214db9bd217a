"""Who may touch which district's content.

Newsroom editors, publishers and superusers hold `districts.edit_all_districts`
and see everything. Everyone else is a district editor: they see and edit only
content of the districts they are assigned to (`District.editors`), in the
admin and in previews.
"""

from .models import District

ALL_DISTRICTS_PERMISSION = "districts.edit_all_districts"


def sees_all_districts(user):
    return user.is_active and (user.is_superuser or user.has_perm(ALL_DISTRICTS_PERMISSION))


def own_districts(user):
    return District.objects.filter(editors=user)


def own_district_ids(user):
    """The districts a district editor works on (cached on the user object)."""
    if not hasattr(user, "_own_district_ids"):
        user._own_district_ids = set(own_districts(user).values_list("pk", flat=True))
    return user._own_district_ids


def limit_to_own_districts(queryset, user, link="district"):
    """`queryset` cut to what `user` may touch. `link` names the field that ties
    the content to districts: a foreign key ("district", programmes) or a
    many-to-many ("districts", articles: in one of the user's districts)."""
    if sees_all_districts(user):
        return queryset
    ids = own_district_ids(user)
    field = queryset.model._meta.get_field(link)
    if not field.many_to_many:
        return queryset.filter(**{f"{link}__in": ids})
    # A subquery on the link table, not a join: no duplicate rows to remove.
    links = field.remote_field.through.objects.filter(
        **{f"{field.m2m_reverse_field_name()}__in": ids}
    )
    return queryset.filter(pk__in=links.values(f"{field.m2m_field_name()}_id"))


class DistrictScopedAdminMixin:
    """For a ModelAdmin of content linked to districts.

    `district_scope` names the link (see `limit_to_own_districts`). Lists,
    search, bulk actions, the change/delete views and the district choices all
    follow the user's scope.
    """

    district_scope = "district"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return limit_to_own_districts(queryset, request.user, self.district_scope)

    def _links_many(self):
        return self.model._meta.get_field(self.district_scope).many_to_many

    def _district_ids_of(self, obj):
        """The districts `obj` is linked to now."""
        if self._links_many():
            return {d.pk for d in getattr(obj, self.district_scope).all()}
        return {getattr(obj, f"{self.district_scope}_id")}

    def _district_ids_recorded(self, version):
        """The districts a saved version recorded (reversion keeps a foreign key
        under its column name and a many-to-many as a list of ids)."""
        data = version.field_dict
        if self._links_many():
            return set(data.get(self.district_scope) or ())
        return {data.get(f"{self.district_scope}_id")}

    def _touches_own_district(self, request, district_ids):
        own = {str(pk) for pk in own_district_ids(request.user)}
        return any(str(pk) in own for pk in district_ids)

    def in_scope(self, request, obj):
        if obj is None or sees_all_districts(request.user):
            return True
        return self._touches_own_district(request, self._district_ids_of(obj))

    def version_in_scope(self, request, version):
        """For a saved version (of a deleted object, say): whether its districts,
        as that version recorded them, include one of the user's."""
        if sees_all_districts(request.user):
            return True
        return self._touches_own_district(request, self._district_ids_recorded(version))

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
        if sees_all_districts(request.user) or not self._links_many():
            return []
        ids = own_district_ids(request.user)
        return [d for d in getattr(obj, self.district_scope).all() if d.pk not in ids]
