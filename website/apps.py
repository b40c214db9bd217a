from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .roles import ensure_editor_groups


class WebsiteConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "website"
    verbose_name = "网站"

    def ready(self):
        # After migrate, once every app's permissions exist.
        post_migrate.connect(ensure_editor_groups, dispatch_uid="ensure_editor_groups")
