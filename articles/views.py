from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import DetailView, ListView, TemplateView

from config.seo import PageMeta, PageMetaMixin, article_page_meta, describe
from districts.models import Campaign, District, Programme
from districts.permissions import scoped_articles

from .models import Article, ArticleRedirect, ArticleSection, Tag
from .preview import PreviewMixin
from .related import related_items


def tags_with_article_counts():
    """Tags used by at least one published article, with that count, in one query."""
    return (
        Tag.on_published_articles()
        .annotate(article_count=Count("tagged_items", distinct=True))
        .order_by("-article_count", "name")
    )


class HomeView(PageMetaMixin, TemplateView):
    template_name = "home.html"
    page_column = "首页"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = (
            Campaign.objects.published()
            .filter(report_article__in=Article.objects.published())
            .select_related("report_article")
        )
        context["latest_articles"] = Article.objects.published().for_listing()[:10]
        context["districts"] = District.objects.prefetch_related("successors")
        context["popular_tags"] = tags_with_article_counts()[:20]
        return context


class ArticleListView(PageMetaMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20
    page_column = "新闻"
    filter_names = ("district", "tag", "year")

    def get_queryset(self):
        articles = Article.objects.published().for_listing()
        params = self.request.GET
        self.filters = {}
        if slug := params.get("district"):
            self.filters["district"] = get_object_or_404(District, slug=slug)
            articles = articles.filter(districts=self.filters["district"])
        if slug := params.get("tag"):
            self.filters["tag"] = get_object_or_404(Tag, slug=slug)
            articles = articles.filter(tags=self.filters["tag"])
        if year := params.get("year"):
            if not year.isdigit() or len(year) != 4:
                raise Http404("年份格式不正确")
            self.filters["year"] = int(year)
            articles = articles.filter(published_at__year=int(year))
        return articles

    def filter_query(self):
        """The active filters as a query string, for shareable page links."""
        return urlencode(
            [
                (name, self.request.GET[name])
                for name in self.filter_names
                if self.request.GET.get(name)
            ]
        )

    def canonical_path(self):
        query = self.filter_query()
        page = self.request.GET.get("page")
        if page and page != "1":
            query = f"{query}&page={page}" if query else f"page={page}"
        return f"{self.request.path}?{query}" if query else self.request.path

    def get_page_meta(self, context):
        parts = ["新闻"]
        if district := self.filters.get("district"):
            parts.append(district.name)
        if tag := self.filters.get("tag"):
            parts.append(f"标签：{tag.name}")
        if year := self.filters.get("year"):
            parts.append(f"{year}年")
        return PageMeta(title=" · ".join(parts), description=f"{settings.SITE_NAME}的全部稿件。")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["districts"] = District.objects.all()
        context["years"] = Article.objects.published().dates("published_at", "year", order="DESC")
        context["filter_query"] = self.filter_query()
        return context


def article_detail_queryset(articles):
    return articles.prefetch_related(
        Prefetch("sections", queryset=ArticleSection.objects.select_related("district")),
        "bylines",
        "districts",
        Prefetch("programmes", queryset=Programme.objects.published().select_related("district")),
        "tags",
    )


def back_link(request, default_url, default_label):
    """返回: the site page the reader came from (a list, a tag, a district), or
    `default_url`. Only same-site referrers are followed."""
    referrer = request.META.get("HTTP_REFERER", "")
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referrer)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path != request.path:
            return path, "返回上一页"
    return default_url, default_label


class ArticleDetailView(PageMetaMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    page_column = "新闻"

    def get_queryset(self):
        return article_detail_queryset(Article.objects.published())

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # An old slug of a renamed article moves permanently to its new URL.
            redirect = (
                ArticleRedirect.objects.filter(old_slug=kwargs["slug"])
                .select_related("article")
                .first()
            )
            if redirect and redirect.article.is_public:
                return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
            raise

    def get_page_meta(self, context):
        article = self.object
        body = " ".join(section.body for section in article.sections.all())
        return article_page_meta(
            article,
            description=article.summary or describe(body),
            keywords=[tag.name for tag in article.tags.all()],
        )

    def neighbours(self):
        """The previous (older) and next (newer) published articles."""
        article = self.object
        if article.published_at is None:
            return None, None
        published = Article.objects.published().only("title", "slug", "published_at")
        older = (
            published.filter(published_at__lt=article.published_at)
            .order_by("-published_at", "-pk")
            .first()
        )
        newer = (
            published.filter(published_at__gt=article.published_at)
            .order_by("published_at", "pk")
            .first()
        )
        return older, newer

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["previous_article"], context["next_article"] = self.neighbours()
        context["related"] = related_items(self.object)
        context["back_url"], context["back_label"] = back_link(
            self.request, reverse("articles:article_list"), "返回新闻列表"
        )
        return context


class ArticlePreviewView(PreviewMixin, ArticleDetailView):
    """Any article, published or not, on the public template, for staff who may
    view it (district editors: their districts only)."""

    permission_required = "articles.view_article"
    get = DetailView.get  # no old-slug redirects here: previews address articles by id

    def get_queryset(self):
        return article_detail_queryset(scoped_articles(self.request.user))

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


class TagIndexView(PageMetaMixin, ListView):
    template_name = "articles/tag_index.html"
    context_object_name = "tags"
    page_column = "标签"

    def get_queryset(self):
        return tags_with_article_counts()

    def get_page_meta(self, context):
        return PageMeta(title="标签", description=f"{settings.SITE_NAME}的全部标签及稿件数。")


class TagDetailView(PageMetaMixin, DetailView):
    template_name = "articles/tag_detail.html"
    context_object_name = "tag"
    model = Tag
    articles_shown = 20
    page_column = "标签"

    def get_page_meta(self, context):
        tag = self.object
        return PageMeta(
            title=f"标签：{tag.name}",
            description=f"标记为“{tag.name}”的稿件、举措和城区。",
            keywords=[tag.name],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tag = self.object
        articles = Article.objects.published().for_listing().filter(tags=tag)
        context["articles"] = articles[: self.articles_shown]
        context["programmes"] = (
            Programme.objects.published().filter(tags=tag).select_related("district", "campaign")
        )
        context["districts"] = District.objects.filter(tags=tag)
        return context
