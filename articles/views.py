from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from districts.models import Campaign, District, Programme
from districts.permissions import scoped_articles

from .models import Article, ArticleRedirect, ArticleSection, Tag
from .preview import PreviewMixin


def tags_with_article_counts():
    """Tags used by at least one published article, with that count, in one query."""
    article_ids = Article.objects.published().values("pk")
    return (
        Tag.objects.filter(
            tagged_items__content_type__app_label="articles",
            tagged_items__content_type__model="article",
            tagged_items__object_id__in=article_ids,
        )
        .annotate(article_count=Count("tagged_items", distinct=True))
        .order_by("-article_count", "name")
    )


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = (
            Campaign.objects.published()
            .filter(report_article__isnull=False)
            .select_related("report_article")
        )
        context["latest_articles"] = Article.objects.published().for_listing()[:10]
        context["districts"] = District.objects.prefetch_related("successors")
        context["popular_tags"] = tags_with_article_counts()[:20]
        return context


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["districts"] = District.objects.all()
        context["years"] = Article.objects.published().dates("published_at", "year", order="DESC")
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


def article_detail_queryset(articles):
    return articles.prefetch_related(
        Prefetch("sections", queryset=ArticleSection.objects.select_related("district")),
        "bylines",
        "districts",
        Prefetch("programmes", queryset=Programme.objects.published().select_related("district")),
        "tags",
    )


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

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


class TagIndexView(ListView):
    template_name = "articles/tag_index.html"
    context_object_name = "tags"

    def get_queryset(self):
        return tags_with_article_counts()


class TagDetailView(DetailView):
    template_name = "articles/tag_detail.html"
    context_object_name = "tag"
    model = Tag
    articles_shown = 20

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
