from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "搜索"

    def ready(self):
        # The receivers need the content models, which exist only once apps are loaded.
        from . import signals

        signals.connect()
