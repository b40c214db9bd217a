from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DistrictsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "districts"
    verbose_name = "城区与专题"

    def ready(self):
        from audit.tracking import track_deletion, track_publication

        from . import signals
        from .models import Campaign, District, Programme
        from .permissions import ensure_editor_groups

        for model in (Campaign, Programme):
            track_publication(model)
        for model in (Campaign, Programme, District):
            track_deletion(model)
        signals.connect()

        # After migrate, once every app's permissions exist.
        post_migrate.connect(ensure_editor_groups, dispatch_uid="ensure_editor_groups")
