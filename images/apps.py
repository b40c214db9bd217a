from django.apps import AppConfig


class ImagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "images"
    verbose_name = "图片库"

    def ready(self):
        from core.richtext import register_figure_renderer

        from .body_figures import render_figures

        register_figure_renderer(render_figures)

        from .media_check import register_media_check

        register_media_check()
