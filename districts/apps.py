from django.apps import AppConfig

from core import content_audit

from . import signals


class DistrictsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "districts"
    verbose_name = "城区"

    def ready(self):
        district = self.get_model("District")
        content_audit.track_deletion(district)
        signals.connect(district)
