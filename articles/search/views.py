from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.views.generic import TemplateView

from config.seo import PageMeta, PageMetaMixin
from districts.models import District

from . import service

PER_PAGE = 10


def search_params(request):
    """The query and filters from the URL, validated (bad values are ignored)."""
    params = request.GET
    year = params.get("year", "")
    kind = params.get("type", "")
    return {
        "text": params.get("q", ""),
        "district": params.get("district", "").strip()[:60] or None,
        "tag": params.get("tag", "").strip()[:100] or None,
        "year": int(year) if year.isdigit() and len(year) == 4 else None,
        "kinds": [kind] if kind in {"article", "programme", "district"} else None,
        "page": int(params["page"]) if params.get("page", "").isdigit() else 1,
    }


def run_search(request):
    params = search_params(request)
    return service.search(params.pop("text"), per_page=PER_PAGE, **params), params


class SearchView(PageMetaMixin, TemplateView):
    template_name = "search/search.html"
    page_column = "搜索"

    def get_page_meta(self, context):
        query = context["results"].query.text
        title = f"搜索：{query}" if query else "搜索"
        return PageMeta(title=title, description=f"在{settings.SITE_NAME}中搜索稿件、举措和城区。")

    def get_context_data(self, **kwargs):
        from articles.views import tags_with_article_counts

        context = super().get_context_data(**kwargs)
        results, params = run_search(self.request)
        keep = {
            k: v
            for k, v in self.request.GET.items()
            if k in {"q", "district", "tag", "year", "type"} and v
        }
        context.update(
            results=results,
            params=params,
            districts=District.objects.all(),
            page_query=urlencode(keep),
            suggestions=tags_with_article_counts()[:12] if not results.hits else [],
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


def search_json(request):
    """/search.json?q=…: the same results as the search page, as JSON."""
    results, _ = run_search(request)
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
                    "title": hit.obj.title if hit.kind == "article" else str(hit.obj),
                    "url": request.build_absolute_uri(hit.url),
                    "title_html": str(hit.title_html),
                    "snippet_html": str(hit.snippet_html),
                    "date": hit.date.isoformat() if hit.date else None,
                    "districts": _district_names(hit),
                }
                for hit in results.hits
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _district_names(hit):
    if hit.kind == "article":
        return [d.name for d in hit.obj.districts.all()]
    if hit.kind == "programme":
        return [hit.obj.district.name]
    return [hit.obj.name]
