from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DistrictsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "districts"
    verbose_name = "城区与专题"

    def ready(self):
        from .permissions import ensure_editor_groups

        # After migrate, once every app's permissions exist.
        post_migrate.connect(ensure_editor_groups, dispatch_uid="ensure_editor_groups")
