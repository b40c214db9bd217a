"""Who may touch which district's content.

Newsroom editors, publishers and superusers hold `districts.edit_all_districts`
and see everything. Everyone else is a district editor: they see and edit
only articles and programmes of the districts they are assigned to
(`District.editors`).
"""

from django.contrib.auth.models import Group, Permission

ALL_DISTRICTS_PERMISSION = "districts.edit_all_districts"

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
    "articles.add_tag",
    "articles.view_tag",
    "districts.view_district",
    "districts.view_campaign",
    "districts.add_programme",
    "districts.change_programme",
    "districts.view_programme",
    "districts.add_programmeitem",
    "districts.change_programmeitem",
    "districts.delete_programmeitem",
    "districts.view_programmeitem",
    "districts.add_keyfigure",
    "districts.change_keyfigure",
    "districts.delete_keyfigure",
    "districts.view_keyfigure",
    "districts.add_programmeevent",
    "districts.change_programmeevent",
    "districts.delete_programmeevent",
    "districts.view_programmeevent",
]
_NEWSROOM = [
    *_CONTENT,
    ALL_DISTRICTS_PERMISSION,
    "articles.change_tag",
    "districts.delete_programme",
    "districts.change_district",
    "districts.add_districtalias",
    "districts.change_districtalias",
    "districts.delete_districtalias",
    "districts.view_districtalias",
]
GROUP_PERMISSIONS = {
    NEWSROOM_EDITORS: _NEWSROOM,
    PUBLISHERS: [
        *_NEWSROOM,
        "articles.publish_article",
        "districts.publish_programme",
        "districts.change_campaign",
        "articles.delete_tag",
        # Lifting a sign-in lock (django-axes) for a colleague.
        "accounts.view_loginlock",
        "accounts.delete_loginlock",
    ],
    DISTRICT_EDITORS: _CONTENT,
}


def ensure_editor_groups(**kwargs):
    """Create or refresh the three editor groups with exactly their permissions.
    Idempotent; runs after every migrate and from `manage.py setup_editor_groups`."""
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


def sees_all_districts(user):
    return user.is_active and (user.is_superuser or user.has_perm(ALL_DISTRICTS_PERMISSION))


def own_districts(user):
    from .models import District

    return District.objects.filter(editors=user)


def own_district_ids(user):
    """The districts a district editor works on (cached on the user object)."""
    if not hasattr(user, "_own_district_ids"):
        user._own_district_ids = set(own_districts(user).values_list("pk", flat=True))
    return user._own_district_ids


def scoped_articles(user):
    """Every article `user` may see in the admin and in previews."""
    from articles.models import Article

    if sees_all_districts(user):
        return Article.objects.all()
    return Article.objects.for_districts(own_district_ids(user))


def scoped_programmes(user):
    from .models import Programme

    if sees_all_districts(user):
        return Programme.objects.all()
    return Programme.objects.filter(district__in=own_district_ids(user))
