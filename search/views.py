from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.generic import TemplateView

from articles.tags import tags_with_article_counts
from core.middleware import bad_request
from core.seo import PageMeta, PageMetaMixin
from districts.models import District

from . import service
from .forms import SearchQuery
from .registry import choices

PER_PAGE = 10
PAST_THE_END = "没有这一页。"


def search_params(query):
    """The service's arguments from a valid SearchQuery form."""
    data = query.cleaned_data
    return {
        "text": data["q"],
        "district": data["district"] or None,
        "tag": data["tag"] or None,
        "year": data["year"],
        "kinds": [data["type"]] if data["type"] else None,
        "page": data["page"] or 1,
    }


def run_search(params):
    """Search with `params`; None when the page asked for is past the last one.

    The service would clamp such a page to one it can show; answering 404
    instead treats a page past the end as /articles/ does."""
    if params["page"] > service.MAX_PAGE:
        return None
    arguments = dict(params)
    results = service.search(arguments.pop("text"), per_page=PER_PAGE, **arguments)
    if params["page"] > results.num_pages:
        return None
    return results


class SearchView(PageMetaMixin, TemplateView):
    """/search/; the query parameters follow the rule in core.query_forms."""

    template_name = "search/search.html"
    page_column = "搜索"

    def get(self, request, *args, **kwargs):
        self.query = SearchQuery(request.GET)
        if not self.query.is_valid():
            return bad_request(request, self.query.problem())
        self.params = search_params(self.query)
        self.results = run_search(self.params)
        if self.results is None:
            raise Http404(PAST_THE_END)
        return super().get(request, *args, **kwargs)

    def get_page_meta(self, context):
        query = context["results"].query.text
        title = f"搜索：{query}" if query else "搜索"
        return PageMeta(title=title, description=f"在{settings.SITE_NAME}中搜索稿件、举措和城区。")

    def get_breadcrumbs(self, context, meta):
        return [("搜索", None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = self.results
        context.update(
            results=results,
            params=self.params,
            districts=District.objects.all(),
            search_types=choices(),
            page_query=urlencode(self.query.carried_query()),
            suggestions=tags_with_article_counts()[:12] if not results.hits else [],
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


def search_json(request):
    """/search.json?q=…: the same results as the search page, as JSON; a bad
    parameter is a 400 and a page past the end a 404, each with {"error": …}."""
    query = SearchQuery(request.GET)
    if not query.is_valid():
        return _json_error(query.problem(), status=400)
    results = run_search(search_params(query))
    if results is None:
        return _json_error(PAST_THE_END, status=404)
    return JsonResponse(
        {
            "query": results.query.text,
            "total": min(results.total, service.backends.COUNT_CAP),
            "total_is_capped": results.total_is_capped,
            "page": results.page,
            "num_pages": results.num_pages,
            "results": [
                {
                    "type": hit.kind,
                    "title": str(hit.obj),
                    "url": request.build_absolute_uri(hit.url),
                    "title_html": str(hit.title_html),
                    "snippet_html": str(hit.snippet_html),
                    "date": hit.date.isoformat() if hit.date else None,
                    "districts": hit.district_names,
                    "attachment": _attachment_json(request, hit.attachment),
                }
                for hit in results.hits
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _attachment_json(request, match):
    """The attachment a result was found by, or None."""
    if match is None:
        return None
    return {
        "title": match.title,
        "url": request.build_absolute_uri(match.url),
        "snippet": match.snippet,
        "snippet_html": str(match.snippet_html),
    }


def _json_error(message, status):
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )
