from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "稿件"

    def ready(self):
        from audit.tracking import track_deletion, track_publication

        from .models import Article, Tag
        from .search import signals

        signals.connect()
        track_publication(Article)
        track_deletion(Article)
        track_deletion(Tag)
