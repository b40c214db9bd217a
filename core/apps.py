from django.apps import AppConfig
from django.db.backends.signals import connection_created

from . import content_audit
from .pagecache import invalidation


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "标签"

    def ready(self):
        from . import checks  # noqa: F401 (registers the site-identity check)

        content_audit.track_deletion(self.get_model("Tag"))
        connection_created.connect(invalidation.watch_connection, dispatch_uid="pagecache-writes")
        invalidation.watch_all_connections()
