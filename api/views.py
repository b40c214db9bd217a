"""The API's operations. Every queryset starts from the one visibility rule
(`.published()`, core.publication), so lists, details, filters and counts show
only what readers may see now; an article's old slug answers 301 as its page
does. Parameters are checked against the schema (pydantic) before a view runs;
a value outside it is a 400 with the parameter's Chinese message (api.errors)."""

from datetime import datetime
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import ValidationError

from articles.models import (
    Article,
    ArticleRedirect,
    ArticleSection,
    Campaign,
    Programme,
)
from articles.tags import tags_for_index, visible_tags
from core.query_forms import (
    DISTRICT_SLUG_LENGTH,
    PAGE_MAX,
    QUERY_MAX_LENGTH,
    TAG_SLUG_LENGTH,
    YEAR_MAX,
    YEAR_MIN,
)
from districts.models import District
from search import service
from search.forms import SearchQuery
from search.views import run_search, search_params

from . import schemas, serialize
from .docs import LocalSwagger
from .errors import (
    LIMIT_MAX,
    PAGE_PAST_THE_END,
    PARAMETER_MESSAGES,
    ApiError,
    error_response,
    not_found,
    parameter_problem,
)
from .pictures import lead_image, prefetch_lead_images
from .render import TypesetJSONRenderer

SLUG = r"^[-a-zA-Z0-9_]+$"
SLUG_LENGTH = 100
NO_NUL = r"^[^\x00]*$"
# RFC 3339 with its offset, in words a JSON Schema validator checks: every
# string it admits is a real time (29 February is left out, not every year has one).
_DAY = r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
_CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
TIME = rf"^(?:19|20|21)[0-9]{{2}}-{_DAY}T{_CLOCK}:[0-5][0-9](?:\.[0-9]{{1,6}})?(?:Z|[+-]{_CLOCK})$"
DEFAULT_LIMIT = 20

api = NinjaAPI(
    title="杭州党史学习教育专题 API",
    version="1",
    description=(
        "只读 JSON 接口：稿件、城区、专题、举措、标签和搜索，只含读者现在可见的内容。"
        "错误以 JSON 返回：code 为稳定的错误代码，message 为中文说明。"
        "每个 GET 接口也接受 HEAD 请求：响应头与 GET 相同（含 ETag 和 Content-Length），没有响应体。"
    ),
    urls_namespace=serialize.NAMESPACE,
    openapi_url="/openapi.json",
    docs_url="/docs/",
    docs=LocalSwagger(),
    renderer=TypesetJSONRenderer(),
)

ERRORS = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}
REDIRECT = {301: None}


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error_response(exc.status, exc.code, exc.message)


@api.exception_handler(ValidationError)
def _invalid_parameters(request, exc):
    code, message = parameter_problem(exc.errors)
    return error_response(400, code, message)


def _slug_path(what):
    return Path(..., pattern=SLUG, max_length=SLUG_LENGTH, description=f"{what}的网址名。")


def _slug_query(what, max_length=SLUG_LENGTH, example=""):
    return Query(
        None,
        pattern=SLUG,
        max_length=max_length,
        description=f"只列出与此{what}相关的内容（{what}的网址名{example}）。",
    )


def _page():
    return Query(1, ge=1, le=PAGE_MAX, description="页码，从1开始。")


def _limit():
    return Query(
        DEFAULT_LIMIT,
        ge=1,
        le=LIMIT_MAX,
        description=f"每页条数，1至{LIMIT_MAX}，默认{DEFAULT_LIMIT}。",
    )


def _page_url(request, page):
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(request, rows, page, limit, serialize_row, prepare=None):
    """One page of `rows` (a queryset or list) with the count and the links;
    `prepare(request, rows)` loads what the page's rows need all at once."""
    count = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    last = max(1, -(-count // limit))
    if page > last:
        raise PAGE_PAST_THE_END
    start = (page - 1) * limit
    shown = list(rows[start : start + limit])
    if prepare is not None:
        prepare(request, shown)
    return {
        "count": count,
        "page": page,
        "limit": limit,
        "next": _page_url(request, page + 1) if page < last else None,
        "previous": _page_url(request, page - 1) if page > 1 else None,
        "results": [serialize_row(request, row) for row in shown],
    }


def _found(queryset, what, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise not_found(what) from None


def _parse_time(text):
    """A time the TIME pattern admitted (pydantic checked it)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:  # the pattern admits only real times; this is a second guard
        raise ApiError(400, "invalid_parameter", PARAMETER_MESSAGES["updated_since"]) from None


# --- articles -------------------------------------------------------------

articles = Router(tags=["稿件"])

ARTICLE_DETAIL_LOOKUPS = (
    Prefetch("sections", queryset=ArticleSection.objects.select_related("district")),
    "bylines",
    "districts",
    Prefetch("programmes", queryset=Programme.objects.published().select_related("district")),
    "tags",
    "corrections",
    "attachments",
)


@articles.get(
    "/",
    response={200: schemas.ArticleList, **ERRORS},
    url_name="article_list",
    summary="稿件列表",
    description="读者现在可见的稿件，可按城区、标签、举措、专题、年份、更新时间和搜索词筛选；"
    "筛选条件可以组合。",
)
def list_articles(
    request,
    district: str | None = _slug_query("城区", DISTRICT_SLUG_LENGTH, "，如shangcheng"),
    tag: str | None = _slug_query("标签", TAG_SLUG_LENGTH),
    programme: str | None = _slug_query("举措"),
    campaign: str | None = _slug_query("专题", 60, "，如2021-dang-shi-xue-xi-jiao-yu"),
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description="发布年份，如2021。"),
    updated_since: str | None = Query(
        None,
        max_length=40,
        pattern=TIME,
        description="只列出此时间之后保存过的稿件（带时区的ISO 8601时间，如2021-03-11T07:23:49+08:00）。",
    ),
    q: str | None = Query(
        None,
        max_length=QUERY_MAX_LENGTH,
        pattern=NO_NUL,
        description="搜索词，与网站搜索相同的中文分词；结果仍按发布时间排列。",
    ),
    ordering: Literal["-published_at", "published_at"] = Query(
        "-published_at", description="排序：-published_at 从新到旧（默认），published_at 从旧到新。"
    ),
    page: int = _page(),
    limit: int = _limit(),
):
    rows = Article.objects.published().for_listing().select_related("lead_image")
    if district:
        rows = rows.filter(districts=_found(District.objects, "城区", slug=district))
    if tag:
        rows = rows.filter(tags=_found(visible_tags(), "标签", slug=tag))
    if programme:
        rows = rows.filter(programmes=_found(Programme.objects.published(), "举措", slug=programme))
    if campaign:
        rows = rows.filter(campaign=_found(Campaign.objects.published(), "专题", slug=campaign))
    if year:
        rows = rows.filter(published_at__year=year)
    if updated_since:
        rows = rows.filter(updated_at__gt=_parse_time(updated_since))
    if q is not None and q.strip():
        ids = service.matching_ids("article", q, include_unpublished=False)
        rows = rows.filter(pk__in=ids or [])
    if ordering == "published_at":
        rows = rows.order_by("published_at", "pk")
    return paginate(request, rows, page, limit, serialize.article, prefetch_lead_images)


@articles.get(
    "/{slug}/",
    response={200: schemas.ArticleDetail, **REDIRECT, **ERRORS},
    url_name="article_detail",
    summary="稿件全文",
    description="一篇稿件的完整结构。改过网址名的稿件，旧网址名以301跳转到新地址。",
)
def article_detail(request, slug: str = _slug_path("稿件")):
    row = (
        Article.objects.published()
        .select_related("campaign", "lead_image")
        .prefetch_related(*ARTICLE_DETAIL_LOOKUPS)
        .filter(slug=slug)
        .first()
    )
    if row is None:
        redirect = ArticleRedirect.objects.filter(old_slug=slug).select_related("article").first()
        if redirect and redirect.article.is_public:
            return HttpResponsePermanentRedirect(
                reverse(f"{serialize.NAMESPACE}:article_detail", args=[redirect.article.slug])
            )
        raise not_found("稿件")
    prefetch_lead_images(request, [row])
    return serialize.article_detail(request, row)


# --- districts ------------------------------------------------------------

districts = Router(tags=["城区"])
DISTRICT_LOOKUPS = ("aliases", "successors", "predecessors", "tags")


@districts.get(
    "/",
    response={200: schemas.DistrictList, **ERRORS},
    url_name="district_list",
    summary="城区列表",
    description="全部城区，含已撤销的（如江干区），带别称、撤销日期和承继关系。",
)
def list_districts(request, page: int = _page(), limit: int = _limit()):
    rows = District.objects.prefetch_related(*DISTRICT_LOOKUPS)
    return paginate(request, rows, page, limit, serialize.district)


@districts.get(
    "/{slug}/",
    response={200: schemas.DistrictDetail, **ERRORS},
    url_name="district_detail",
    summary="城区",
    description="一个城区：别称、简介、区划调整（撤销日期、承继城区、并入的城区）、已发布的举措。",
)
def district_detail(request, slug: str = _slug_path("城区")):
    row = _found(
        District.objects.prefetch_related(
            *DISTRICT_LOOKUPS,
            Prefetch(
                "programmes", queryset=Programme.objects.published().select_related("district")
            ),
        ),
        "城区",
        slug=slug,
    )
    return {
        **serialize.district(request, row),
        "article_count": Article.objects.published().filter(districts=row).count(),
        "programmes": [serialize.programme_ref(request, p) for p in row.programmes.all()],
    }


# --- campaigns and programmes ---------------------------------------------

campaigns = Router(tags=["专题与举措"])
PROGRAMME_LOOKUPS = ("items", "figures", "events", "tags")


def _programmes():
    return (
        Programme.objects.published()
        .select_related("district", "campaign", "lead_image")
        .prefetch_related(*PROGRAMME_LOOKUPS)
    )


@campaigns.get(
    "/campaigns/{slug}/",
    response={200: schemas.Campaign, **ERRORS},
    url_name="campaign_detail",
    summary="专题报道（数据）",
    description="专题报道页的数据：导语、各城区的举措及其条目、关键数据和时间节点。",
)
def campaign_detail(request, slug: str = _slug_path("专题")):
    row = _found(
        Campaign.objects.published()
        .select_related("report_article", "lead_image")
        .prefetch_related("tags", Prefetch("programmes", queryset=_programmes())),
        "专题",
        slug=slug,
    )
    programmes = list(row.programmes.all())
    prefetch_lead_images(request, [row, *programmes])
    return {
        **serialize.campaign_ref(request, row),
        "page_url": serialize.page_url(request, row),
        "slogan": row.slogan,
        "lead": row.summary,
        "lead_image": lead_image(request, row.lead_image),
        "report_article": serialize.article_ref(request, row.report_article),
        "programmes": [serialize.programme(request, p) for p in programmes],
        "tags": [serialize.tag_ref(tag) for tag in row.tags.all()],
    }


@campaigns.get(
    "/programmes/",
    response={200: schemas.ProgrammeList, **ERRORS},
    url_name="programme_list",
    summary="举措列表",
    description="已发布的举措，含条目、关键数据和时间节点；可按城区和专题筛选。",
)
def list_programmes(
    request,
    district: str | None = _slug_query("城区", DISTRICT_SLUG_LENGTH, "，如shangcheng"),
    campaign: str | None = _slug_query("专题", 60, "，如2021-dang-shi-xue-xi-jiao-yu"),
    page: int = _page(),
    limit: int = _limit(),
):
    rows = _programmes()
    if district:
        rows = rows.filter(district=_found(District.objects, "城区", slug=district))
    if campaign:
        rows = rows.filter(campaign=_found(Campaign.objects.published(), "专题", slug=campaign))
    return paginate(request, rows, page, limit, serialize.programme, prefetch_lead_images)


@campaigns.get(
    "/programmes/{slug}/",
    response={200: schemas.Programme, **ERRORS},
    url_name="programme_detail",
    summary="举措",
    description="一项已发布的举措，含条目、关键数据和时间节点。",
)
def programme_detail(request, slug: str = _slug_path("举措")):
    row = _found(_programmes(), "举措", slug=slug)
    prefetch_lead_images(request, [row])
    return serialize.programme(request, row)


# --- tags and search ------------------------------------------------------

others = Router(tags=["标签与搜索"])


@others.get(
    "/tags/",
    response={200: schemas.TagList, **ERRORS},
    url_name="tag_list",
    summary="标签列表",
    description="读者可见的标签，带可见稿件、已发布举措和城区的数目，稿件多的在前。",
)
def list_tags(request, page: int = _page(), limit: int = _limit()):
    def tag(request, row):
        return {
            **serialize.tag_ref(row),
            "article_count": row.article_count,
            "programme_count": row.programme_count,
            "district_count": row.district_count,
            "page_url": request.build_absolute_uri(reverse("articles:tag_detail", args=[row.slug])),
        }

    return paginate(request, tags_for_index(), page, limit, tag)


@others.get(
    "/search/",
    response={200: schemas.SearchResults, **ERRORS},
    url_name="search",
    summary="搜索",
    description="与网站搜索（/search/）相同：中文分词，多个词须同时出现，引号内的词组须原样出现；"
    "每页10条。",
)
def search(
    request,
    q: str | None = Query(
        None, max_length=QUERY_MAX_LENGTH, pattern=NO_NUL, description="搜索词。"
    ),
    district: str | None = _slug_query("城区", DISTRICT_SLUG_LENGTH, "，如shangcheng"),
    tag: str | None = _slug_query("标签", TAG_SLUG_LENGTH),
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description="年份，如2021。"),
    type: Literal["article", "programme", "district"] | None = Query(
        None, description="只搜一类：article（稿件）、programme（举措）或 district（城区）。"
    ),
    page: int = Query(1, ge=1, le=service.MAX_PAGE, description="页码，从1开始，最多100。"),
):
    given = {"q": q, "district": district, "tag": tag, "year": year, "type": type, "page": page}
    query = SearchQuery({name: value for name, value in given.items() if value is not None})
    if not query.is_valid():
        raise ApiError(400, "invalid_parameter", query.problem())
    results = run_search(search_params(query))
    if results is None:
        raise PAGE_PAST_THE_END
    return {
        "query": results.query.text,
        "count": min(results.total, service.backends.COUNT_CAP),
        "count_is_capped": results.total_is_capped,
        "page": results.page,
        "num_pages": results.num_pages,
        "next": _page_url(request, results.page + 1) if results.has_next else None,
        "previous": _page_url(request, results.page - 1) if results.has_previous else None,
        "results": [_hit(request, hit) for hit in results.hits],
    }


def _iso(moment):
    if isinstance(moment, datetime):
        moment = serialize.local(moment)
    return moment.isoformat() if moment else None


def _hit(request, hit):
    match = hit.attachment
    return {
        "type": hit.kind,
        "title": str(hit.obj),
        "url": request.build_absolute_uri(hit.url),
        "title_html": str(hit.title_html),
        "snippet_html": str(hit.snippet_html),
        "date": _iso(hit.date),
        "districts": list(hit.district_names),
        "attachment": None
        if match is None
        else {
            "title": match.title,
            "url": request.build_absolute_uri(match.url),
            "snippet": match.snippet,
            "snippet_html": str(match.snippet_html),
        },
    }


api.add_router("/articles/", articles)
api.add_router("/districts/", districts)
api.add_router("/", campaigns)
api.add_router("/", others)
