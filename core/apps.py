from django.apps import AppConfig

from . import content_audit


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "标签"

    def ready(self):
        content_audit.track_deletion(self.get_model("Tag"))
