from django.apps import AppConfig
from django.urls import reverse

from core import content_audit
from documents import usage as document_usage
from images import usage as image_usage


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "稿件与专题"

    def ready(self):
        lead_image_users = []
        for name in ("Article", "Campaign", "Programme"):
            model = self.get_model(name)
            content_audit.track_publication(model)
            content_audit.track_deletion(model)
            lead_image_users.append(model)
        image_usage.USAGE_FINDERS.append(_lead_image_finder(lead_image_users))
        image_usage.USAGE_FINDERS.append(_body_image_finder)
        image_usage.USED_IMAGE_FINDERS.append(_used_image_ids(lead_image_users))
        document_usage.register_usage_finder(_attachment_finder)


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _lead_image_finder(models):
    """Articles, programmes and campaigns that show an image as their 题图."""

    def find(image):
        return [
            (f"{model._meta.verbose_name}《{obj}》的题图", _change_url(obj))
            for model in models
            for obj in model._default_manager.filter(lead_image=image)
        ]

    return find


def _body_image_finder(image):
    """Articles whose text shows the image (a figure in a section's body)."""
    from .models import Article

    articles = Article.objects.filter(sections__image_links__image=image).distinct()
    return [(f"稿件《{article}》的正文", _change_url(article)) for article in articles]


def _used_image_ids(models):
    """The bulk form of the two finders above, for the whole library in one
    query: the ids of images that are a 题图 or shown in an article body."""

    def find():
        from .models import SectionImage

        in_bodies = SectionImage.objects.order_by().values_list("image_id", flat=True)
        as_lead_images = [
            model._default_manager.filter(lead_image__isnull=False)
            .order_by()
            .values_list("lead_image_id", flat=True)
            for model in models
        ]
        return set(in_bodies.union(*as_lead_images))

    return find


def _attachment_finder(document):
    """Articles that list the document among their 附件, as (name, admin URL)."""
    return [(f"稿件：{article}", _change_url(article)) for article in document.articles.all()]
