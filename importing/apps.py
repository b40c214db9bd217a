from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "importing"
    verbose_name = "导入与导出"
