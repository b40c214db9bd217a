from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from .roles import ensure_editor_groups


def _after_last_app_migrated(sender, apps=global_apps, **kwargs):
    """ensure_editor_groups once per migrate (and per test flush), not once per
    app: post_migrate is sent for each app with models, in order, and every
    app's permissions exist only after the last one's."""
    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        ensure_editor_groups(apps=apps)


class WebsiteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "website"
    verbose_name = "网站"

    def ready(self):
        post_migrate.connect(_after_last_app_migrated, dispatch_uid="ensure_editor_groups")
