from django.apps import AppConfig

from core import content_audit


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "稿件与专题"

    def ready(self):
        for name in ("Article", "Campaign", "Programme"):
            model = self.get_model(name)
            content_audit.track_publication(model)
            content_audit.track_deletion(model)
