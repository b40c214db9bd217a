"""What each page says about itself: <title>, description, canonical URL, Open
Graph, and the meta tags Chinese government sites carry for their crawlers
(SiteName, ColumnName, ArticleTitle, PubDate …)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .breadcrumbs import trail
from .context_processors import absolute_url

DESCRIPTION_LENGTH = 120


@dataclass
class PageMeta:
    title: str
    description: str = ""
    column: str = ""
    canonical: str = ""
    og_type: str = "website"
    keywords: list = field(default_factory=list)
    article_title: str = ""
    pub_date: str = ""
    content_source: str = ""
    author: str = ""
    # The share picture's absolute URL (og:image), when the page has one.
    image: str = ""
    # 当前位置 (core.breadcrumbs.Trail), set by PageMetaMixin.
    breadcrumbs: object = None

    @property
    def full_title(self):
        if not self.title or self.title == settings.SITE_NAME:
            return settings.SITE_NAME
        return f"{self.title} - {settings.SITE_NAME}"


def describe(text):
    """A one-line description from body text or HTML."""
    plain = " ".join(strip_tags(text or "").split())
    return Truncator(plain).chars(DESCRIPTION_LENGTH)


def pub_date(value, time_known=True):
    """PubDate as government sites write it: YYYY-MM-DD HH:MM (no invented time)."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M" if time_known else "%Y-%m-%d")


class PageMetaMixin:
    """Views set `page_column` and override `get_page_meta`; templates read `page`."""

    page_column = ""

    def canonical_path(self):
        return self.request.path

    def get_page_meta(self, context):
        return PageMeta(title=settings.SITE_NAME)

    def get_breadcrumbs(self, context, meta):
        """(name, path) pairs from below 首页 down to this page (whose path is
        not used: the canonical one is). Only from objects the view holds."""
        return [] if meta.title == settings.SITE_NAME else [(meta.title, None)]

    def render_to_response(self, context, **kwargs):
        # Here, not in get_context_data: by now every view has filled the context.
        context["page"] = self.build_page_meta(context)
        return super().render_to_response(context, **kwargs)

    def build_page_meta(self, context):
        meta = self.get_page_meta(context)
        meta.column = meta.column or self.page_column
        path = self.canonical_path()
        meta.canonical = absolute_url(self.request, path)
        meta.breadcrumbs = trail(
            self.request, self.get_breadcrumbs(context, meta), path, meta.canonical
        )
        if not meta.description:
            meta.description = (
                f"{settings.SITE_NAME}：杭州市各城区党史学习教育的报道、举措与城区资料。"
            )
        return meta


def article_page_meta(article, **fields):
    """PageMeta for a page built on an article (the article page, a report).
    An `author` given in `fields` spares reading the bylines."""
    if "author" not in fields:
        fields["author"] = " ".join(byline.name for byline in article.authors)
    return PageMeta(
        **{
            "title": article.title,
            "og_type": "article",
            "article_title": article.title,
            "pub_date": pub_date(article.published_at, article.published_time_known),
            "content_source": article.source,
            **fields,
        }
    )
