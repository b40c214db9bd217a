"""Who edits which district is a security setting: every change is audited."""

from django.db.models.signals import m2m_changed

from audit.log import Action, describe_m2m, record


def _editors_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # From the district's side `instance` is the district; from the user's, the user.
    label = "负责城区" if reverse else "城区编辑"
    record(Action.DISTRICT_EDITORS, instance, detail=label + describe_m2m(action, model, pk_set))


def connect(district_model):
    m2m_changed.connect(
        _editors_changed,
        sender=district_model.editors.through,
        dispatch_uid="audit_district_editors",
    )
