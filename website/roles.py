"""The three editor groups and exactly what each may do.

Newsroom editors and publishers work on every district; district editors only
on their own (districts.scoping). This app sits on top of the others, so the
one list of every group's permissions can name any app's.
"""

from django.apps import apps as global_apps

NEWSROOM_EDITORS = "新闻编辑"
PUBLISHERS = "发布者"
DISTRICT_EDITORS = "城区编辑"

_CONTENT = [
    "articles.add_article",
    "articles.change_article",
    "articles.delete_article",
    "articles.view_article",
    "articles.add_articlesection",
    "articles.change_articlesection",
    "articles.delete_articlesection",
    "articles.view_articlesection",
    "articles.add_byline",
    "articles.change_byline",
    "articles.delete_byline",
    "articles.view_byline",
    "core.add_tag",
    "core.view_tag",
    "districts.view_district",
    "articles.view_campaign",
    "articles.add_programme",
    "articles.change_programme",
    "articles.view_programme",
    "articles.add_programmeitem",
    "articles.change_programmeitem",
    "articles.delete_programmeitem",
    "articles.view_programmeitem",
    "articles.add_keyfigure",
    "articles.change_keyfigure",
    "articles.delete_keyfigure",
    "articles.view_keyfigure",
    "articles.add_programmeevent",
    "articles.change_programmeevent",
    "articles.delete_programmeevent",
    "articles.view_programmeevent",
    # The proofreading word list: everyone reads it, publishers keep it.
    "proofreading.view_term",
    "documents.add_document",
    "documents.change_document",
    "documents.view_document",
    # The image library: everyone uploads and edits; newsroom editors delete.
    "images.add_image",
    "images.change_image",
    "images.view_image",
]
_NEWSROOM = [
    *_CONTENT,
    # districts.scoping.ALL_DISTRICTS_PERMISSION
    "districts.edit_all_districts",
    "core.change_tag",
    "articles.delete_programme",
    "documents.delete_document",
    "districts.change_district",
    "districts.add_districtalias",
    "districts.change_districtalias",
    "districts.delete_districtalias",
    "districts.view_districtalias",
    "images.delete_image",
]
GROUP_PERMISSIONS = {
    NEWSROOM_EDITORS: _NEWSROOM,
    PUBLISHERS: [
        *_NEWSROOM,
        "articles.publish_article",
        "articles.publish_programme",
        "articles.change_campaign",
        "articles.publish_campaign",
        "core.delete_tag",
        "proofreading.add_term",
        "proofreading.change_term",
        "proofreading.delete_term",
        # Lifting a sign-in lock (django-axes) for a colleague.
        "accounts.view_loginlock",
        "accounts.delete_loginlock",
        # Column update expectations (网站健康) for the inspection.
        "website.view_columnexpectation",
        "website.add_columnexpectation",
        "website.change_columnexpectation",
    ],
    DISTRICT_EDITORS: _CONTENT,
}


def ensure_editor_groups(apps=global_apps, **kwargs):
    """Create or refresh the three editor groups with exactly their permissions.
    Idempotent; runs after every migrate and from `manage.py setup_editor_groups`."""
    # post_migrate hands over the app registry; the models come from it, so
    # this module can be imported before the apps are loaded.
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
