from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "importing"
    verbose_name = "导入与导出"

    def ready(self):
        # The 导入稿件 page lives under the article admin's URLs, but articles
        # may not import from importing (the layers in pyproject.toml): the
        # page is added from this side, once the admin has registered its models.
        from django.contrib import admin

        from articles.models import Article

        from .admin_views import add_import_url

        add_import_url(admin.site.get_model_admin(Article))
