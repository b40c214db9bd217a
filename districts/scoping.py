"""Who may touch which district's content.

Newsroom editors, publishers and superusers hold `districts.edit_all_districts`
and see everything. Everyone else is a district editor: they see and edit only
content of the districts they are assigned to (`District.editors`) and of the
districts those succeeded (上城区's editors also manage 江干区, merged into it in
2021), in the admin and in previews. Anything else answers 403 "无权访问此内容".
"""

from django.core.exceptions import PermissionDenied, ValidationError

from .models import District

OUT_OF_SCOPE_MESSAGE = "无权访问此内容"

ALL_DISTRICTS_PERMISSION = "districts.edit_all_districts"


def sees_all_districts(user):
    return user.is_active and (user.is_superuser or user.has_perm(ALL_DISTRICTS_PERMISSION))


def own_districts(user):
    return District.objects.filter(editors=user)


def own_district_ids(user):
    """The districts a district editor works on: their own, and every district
    those succeeded, however many mergers back (cached on the user object)."""
    if not hasattr(user, "_own_district_ids"):
        ids = set(own_districts(user).values_list("pk", flat=True))
        successions = District.successors.through.objects
        newest = ids
        while newest:
            predecessors = successions.filter(to_district_id__in=newest).values_list(
                "from_district_id", flat=True
            )
            newest = set(predecessors) - ids
            ids |= newest
        user._own_district_ids = ids
    return user._own_district_ids


def district_choice_error(user, chosen, before=(), what="内容"):
    """Why a district editor may not file `what` (稿件, 图片 …) under the districts
    `chosen`, or None: only their own districts may be added (links it already
    had, `before`, are kept), and it must stay in at least one of them."""
    if sees_all_districts(user):
        return None
    own = own_district_ids(user)
    elsewhere = [d.name for d in chosen if d.pk not in own and d.pk not in before]
    if elsewhere:
        return f"您不能把{what}归入其他城区：{'、'.join(elsewhere)}。"
    if not any(d.pk in own for d in chosen):
        return "请至少选择一个您负责的城区。"
    return None


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

    def get_object(self, request, object_id, from_field=None):
        """As the admin's, but an object that exists outside the user's scope is
        a 403 "无权访问此内容", not the admin's "不存在" (which is untrue)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not sees_all_districts(request.user):
            field = (
                self.model._meta.pk
                if from_field is None
                else self.model._meta.get_field(from_field)
            )
            try:
                value = field.to_python(object_id)
            except (ValidationError, ValueError):
                return None
            if self.model._default_manager.filter(**{field.name: value}).exists():
                raise PermissionDenied(OUT_OF_SCOPE_MESSAGE)
        return obj

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
