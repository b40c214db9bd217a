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
