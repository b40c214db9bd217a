"""sitemap.xml: published content only, each entry with its last change."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles.models import Article, Campaign, Programme
from articles.tags import tags_on_published_articles
from districts.models import District


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "updated_at", "published_at").order_by("pk")

    def lastmod(self, article):
        return max(article.updated_at, article.published_at)


class CampaignSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return (
            Campaign.objects.published()
            .filter(report_article__in=Article.objects.published())
            .order_by("pk")
        )

    def lastmod(self, campaign):
        return campaign.updated_at


class ProgrammeSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return Programme.objects.published().order_by("pk")

    def lastmod(self, programme):
        return programme.updated_at


class DistrictSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return District.objects.order_by("pk")

    def lastmod(self, district):
        return district.updated_at


class TagSitemap(Sitemap):
    priority = 0.3

    def items(self):
        return tags_on_published_articles().distinct().order_by("pk")


class SectionSitemap(Sitemap):
    priority = 0.8
    changefreq = "daily"

    def items(self):
        return ["home", "articles:article_list", "website:district_list", "articles:tag_index"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        latest = Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return latest


SITEMAPS = {
    "sections": SectionSitemap,
    "campaigns": CampaignSitemap,
    "articles": ArticleSitemap,
    "programmes": ProgrammeSitemap,
    "districts": DistrictSitemap,
    "tags": TagSitemap,
}
