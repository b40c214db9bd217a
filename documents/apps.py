from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "附件库"

    def ready(self):
        from .media_check import register_media_check

        register_media_check()
