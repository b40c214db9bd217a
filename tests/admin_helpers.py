"""Helpers for driving the admin like an editor does: open a form, change a few
fields, submit it with everything else as it was."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms import ModelMultipleChoiceField, SplitDateTimeWidget
from django.urls import reverse
from django.utils import timezone

from districts.models import District
from website.roles import DISTRICT_EDITORS, NEWSROOM_EDITORS, PUBLISHERS


def make_user(username, group=None, districts=(), superuser=False):
    user = get_user_model().objects.create_user(
        username, password="pw", is_staff=True, is_superuser=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    for slug in districts:
        District.objects.get(slug=slug).editors.add(user)
    return user


ROLES = {
    "superuser": {"superuser": True},
    "newsroom": {"group": NEWSROOM_EDITORS},
    "publisher": {"group": PUBLISHERS},
    "district": {"group": DISTRICT_EDITORS, "districts": ["shangcheng"]},
}


def login_as(client, role):
    user = make_user(role, **ROLES[role])
    client.force_login(user)
    return user


def admin_url(obj_or_model, action, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def _field_data(name, bound_field):
    widget = bound_field.field.widget
    value = bound_field.value()
    if isinstance(widget, SplitDateTimeWidget):
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value)
            return {
                f"{name}_0": value.strftime("%Y-%m-%d"),
                f"{name}_1": value.strftime("%H:%M:%S"),
            }
        if isinstance(value, list):
            return {f"{name}_0": value[0] or "", f"{name}_1": value[1] or ""}
        return {f"{name}_0": "", f"{name}_1": ""}
    if name.endswith("tags"):
        return {name: widget.format_value(value) or ""}
    if isinstance(bound_field.field, ModelMultipleChoiceField):
        return {name: [str(v) for v in value or []]}
    if value is None:
        return {name: ""}
    if isinstance(value, bool):
        return {name: "on"} if value else {}
    if isinstance(value, list | tuple):
        return {name: [str(v) for v in value]}
    return {name: str(value)}


def form_data(response):
    """The POST data of the admin change form in `response`, as rendered."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        if form.fields[name].disabled:
            continue
        data.update(_field_data(form.add_prefix(name), form[name]))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for subform in formset.forms:
            for name in subform.fields:
                data.update(_field_data(subform.add_prefix(name), subform[name]))
    return data
