from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic import DetailView, ListView

from core.middleware import bad_request
from core.pagecache.views import FragmentDetailMixin
from core.preview import PreviewMixin
from core.seo import PageMeta, PageMetaMixin, article_page_meta, describe
from districts.models import District
from images.renditions import share_image_url

from .forms import ArticleListQuery
from .models import Article, ArticleRedirect, ArticleSection, Programme
from .related import related_items
from .scoping import scoped_articles
from .tags import tags_for_index, visible_tags
from .visits import total_subquery


class ArticleListView(PageMetaMixin, ListView):
    """/articles/, filtered by district, tag and year; the query parameters
    follow the rule in core.query_forms."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20
    page_column = "新闻"
    filter_names = ("district", "tag", "year")

    def get(self, request, *args, **kwargs):
        self.query = ArticleListQuery(request.GET)
        if not self.query.is_valid():
            return bad_request(request, self.query.problem())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        articles = Article.objects.published().for_listing()
        query = self.query.cleaned_data
        self.filters = {}
        if slug := query["district"]:
            self.filters["district"] = get_object_or_404(District, slug=slug)
            articles = articles.filter(districts=self.filters["district"])
        if slug := query["tag"]:
            self.filters["tag"] = get_object_or_404(visible_tags(), slug=slug)
            articles = articles.filter(tags=self.filters["tag"])
        if year := query["year"]:
            self.filters["year"] = year
            articles = articles.filter(published_at__year=year)
        return articles

    def paginate_queryset(self, queryset, page_size):
        # Django's own version reads the raw ?page= again; this one takes the
        # validated number, so only a page past the end is left to refuse.
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        try:
            page = paginator.page(self.query.cleaned_data["page"] or 1)
        except InvalidPage as exc:
            raise Http404("没有这一页。") from exc
        return paginator, page, page.object_list, page.has_other_pages()

    def filter_query(self):
        """The active filters as a query string, for shareable page links."""
        query = self.query.cleaned_data
        return urlencode([(name, query[name]) for name in self.filter_names if query[name]])

    def canonical_path(self):
        query = self.filter_query()
        page = self.query.cleaned_data["page"]
        if page and page != 1:
            query = f"{query}&page={page}" if query else f"page={page}"
        return f"{self.request.path}?{query}" if query else self.request.path

    def filter_labels(self):
        labels = []
        if district := self.filters.get("district"):
            labels.append(district.name)
        if tag := self.filters.get("tag"):
            labels.append(f"标签：{tag.name}")
        if year := self.filters.get("year"):
            labels.append(f"{year}年")
        return labels

    def get_page_meta(self, context):
        title = " · ".join(["新闻", *self.filter_labels()])
        return PageMeta(title=title, description=f"{settings.SITE_NAME}的全部新闻。")

    def get_breadcrumbs(self, context, meta):
        crumbs = [("新闻", reverse("articles:article_list"))]
        if labels := self.filter_labels():
            crumbs.append((" · ".join(labels), None))
        return crumbs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["districts"] = District.objects.all()
        context["years"] = Article.objects.published().dates("published_at", "year", order="DESC")
        context["filter_query"] = self.filter_query()
        return context


DETAIL_LOOKUPS = (
    Prefetch("sections", queryset=ArticleSection.objects.select_related("district")),
    "bylines",
    "districts",
    Prefetch("programmes", queryset=Programme.objects.published().select_related("district")),
    "tags",
    "attachments",
)


class ArticleDetailView(FragmentDetailMixin, PageMetaMixin, DetailView):
    """An article. Everything below its title is cached fragments
    (`{% cachedfragment %}`) built from `full_article`, the article with its
    relations, which is loaded only when a fragment has to be built: a page the
    page cache does not answer whole costs one query when its fragments are warm."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    page_column = "新闻"
    detail_lookups = DETAIL_LOOKUPS

    def get_queryset(self):
        # The visit count as of this build rides on the article's own query; the
        # page's script replaces it with the beacon's answer (articles.visits).
        return (
            Article.objects.published()
            .select_related("lead_image")
            .annotate(visit_count=total_subquery())
        )

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

        def described():
            full = self.full_object
            body = " ".join(section.body for section in full.sections.all())
            return {
                "description": article.summary or describe(body),
                "keywords": [tag.name for tag in full.tags.all()],
                "author": " ".join(byline.name for byline in full.authors),
                "image": share_image_url(self.request, article.lead_image),
            }

        fields = self.cached_for_object("article-page-meta", described, context)
        return article_page_meta(article, **fields)

    def get_breadcrumbs(self, context, meta):
        return [("新闻", reverse("articles:article_list")), (self.object.title, None)]

    @cached_property
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
        # Lazy: evaluated only by the fragments that are built on this request.
        context["previous_article"] = SimpleLazyObject(lambda: self.neighbours[0])
        context["next_article"] = SimpleLazyObject(lambda: self.neighbours[1])
        context["related"] = SimpleLazyObject(lambda: related_items(self.full_object))
        # The same for every reader, so the page can be cached; static/js/site.js
        # points it back at the site page the reader came from, if any.
        context["back_url"] = reverse("articles:article_list")
        context["back_label"] = "返回新闻列表"
        if not context.get("preview"):
            context["visit_url"] = reverse("articles:article_visit", args=[self.object.pk])
        return context


class ArticlePreviewView(PreviewMixin, ArticleDetailView):
    """Any article, published or not, on the public template, for staff who may
    view it (district editors: their districts only)."""

    permission_required = "articles.view_article"
    get = DetailView.get  # no old-slug redirects here: previews address articles by id

    def get_queryset(self):
        return scoped_articles(self.request.user)

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


class TagIndexView(PageMetaMixin, ListView):
    template_name = "articles/tag_index.html"
    context_object_name = "tags"
    page_column = "标签"

    def get_queryset(self):
        tags = list(tags_for_index())
        for tag in tags:
            # “3 篇 · 1 项举措 · 2 个城区”, the kinds this tag is used on.
            tag.count_label = " · ".join(
                f"{count} {unit}"
                for count, unit in (
                    (tag.article_count, "篇"),
                    (tag.programme_count, "项举措"),
                    (tag.district_count, "个城区"),
                )
                if count
            )
        return tags

    def get_page_meta(self, context):
        return PageMeta(
            title="标签", description=f"{settings.SITE_NAME}的全部标签及其稿件、举措和城区数。"
        )

    def get_breadcrumbs(self, context, meta):
        return [("标签", None)]


class TagDetailView(PageMetaMixin, DetailView):
    template_name = "articles/tag_detail.html"
    context_object_name = "tag"
    articles_shown = 20
    page_column = "标签"

    def get_queryset(self):
        return visible_tags()

    def get_page_meta(self, context):
        tag = self.object
        return PageMeta(
            title=f"标签：{tag.name}",
            description=f"标记为“{tag.name}”的稿件、举措和城区。",
            keywords=[tag.name],
        )

    def get_breadcrumbs(self, context, meta):
        return [("标签", reverse("articles:tag_index")), (self.object.name, None)]

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
