"""Pages that combine several apps: the home page, the campaign report,
district and programme pages (each lists articles), and robots.txt."""

import datetime
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import strip_tags
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from articles.models import Article, Campaign, Programme, ProgrammeEvent
from articles.popular import POPULAR_DAYS, latest_and_popular
from articles.related import related_items
from articles.scoping import scoped_programmes
from articles.tags import tags_with_article_counts
from core.context_processors import absolute_url
from core.pagecache.views import FragmentDetailMixin
from core.preview import PreviewMixin
from core.richtext import figures_of
from core.seo import PageMeta, PageMetaMixin, article_page_meta, describe
from districts.models import District
from districts.scoping import ALL_DISTRICTS_PERMISSION


def programmes_with_details(programmes=None):
    """Programmes (published ones by default) with everything their cards show,
    in a fixed number of queries."""
    programmes = Programme.objects.published() if programmes is None else programmes
    return programmes.select_related("district", "campaign").prefetch_related(
        "items", "figures", "events", "tags", "district__successors"
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
        # Both lists from one query, made only if a fragment needs either.
        lists = SimpleLazyObject(
            lambda: latest_and_popular(Article.objects.published().for_listing())
        )
        context["latest_articles"] = SimpleLazyObject(lambda: lists[0])
        context["popular_articles"] = SimpleLazyObject(lambda: lists[1])
        context["popular_days"] = POPULAR_DAYS
        context["districts"] = District.objects.prefetch_related("successors")
        context["popular_tags"] = tags_with_article_counts()[:20]
        return context


class DistrictListView(PageMetaMixin, ListView):
    template_name = "districts/district_list.html"
    context_object_name = "districts"
    page_column = "城区"

    def get_page_meta(self, context):
        return PageMeta(
            title="城区", description="杭州市各城区的简介、举措与稿件，包括已撤并的历史城区。"
        )

    def get_breadcrumbs(self, context, meta):
        return [("城区", None)]

    def get_queryset(self):
        return District.objects.prefetch_related("successors", "aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        districts = list(context["districts"])
        context["current_districts"] = [d for d in districts if not d.is_dissolved]
        context["historical_districts"] = [d for d in districts if d.is_dissolved]
        return context


class DistrictDetailView(FragmentDetailMixin, PageMetaMixin, DetailView):
    """A district. The page below the heading is one cached fragment, built
    from `full_district` (loaded only when the fragment has to be built)."""

    template_name = "districts/district_detail.html"
    context_object_name = "district"
    articles_shown = 20
    page_column = "城区"
    detail_lookups = ("aliases", "successors", "predecessors", "tags")

    def get_page_meta(self, context):
        district = self.object
        tags = self.cached_for_object(
            "district-page-keywords",
            lambda: [tag.name for tag in self.full_object.tags.all()],
            context,
        )
        return PageMeta(
            title=district.name,
            description=describe(district.profile) or f"{district.name}的举措与稿件。",
            keywords=[district.name, *tags],
        )

    def get_breadcrumbs(self, context, meta):
        return [("城区", reverse("website:district_list")), (self.object.name, None)]

    def get_queryset(self):
        return District.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        district = self.object
        context["programmes"] = (
            Programme.objects.published().filter(district=district).select_related("campaign")
        )
        articles = Article.objects.published().for_listing().filter(districts=district)
        context["articles"] = articles[: self.articles_shown]
        return context


class ProgrammeDetailView(FragmentDetailMixin, PageMetaMixin, DetailView):
    """A programme. The page below the site header is one cached fragment,
    built from `full_programme` (loaded only when the fragment has to be built)."""

    template_name = "districts/programme_detail.html"
    context_object_name = "programme"
    articles_shown = 20
    page_column = "举措"
    detail_lookups = ("items", "figures", "events", "tags", "district__successors")

    def get_page_meta(self, context):
        programme = self.object
        tags = self.cached_for_object(
            "programme-page-keywords",
            lambda: [tag.name for tag in self.full_object.tags.all()],
            context,
        )
        return PageMeta(
            title=f"{programme.district.name}“{programme.name}”",
            description=describe(programme.summary) or programme.headline,
            keywords=[programme.name, *tags],
        )

    def get_breadcrumbs(self, context, meta):
        district = self.object.district  # fetched with the programme (get_queryset)
        return [
            ("城区", reverse("website:district_list")),
            (district.name, district.get_absolute_url()),
            (f"“{self.object.name}”", None),
        ]

    def get_queryset(self):
        return Programme.objects.published().select_related("district", "campaign")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = Article.objects.published().for_listing().filter(programmes=self.object)
        shown = articles[: self.articles_shown]
        context["articles"] = shown
        # An article listed under 相关稿件 is not repeated under 相关内容. The
        # template lists `shown` first, so its ids cost no query of their own.
        context["related"] = SimpleLazyObject(
            lambda: related_items(self.full_object, exclude_articles=[a.pk for a in shown])
        )
        return context


@dataclass
class FigureGroup:
    """Key figures counted in one unit (场, 项, …). Only figures in one group
    are compared, so a bar is drawn only where a group has two or more: six
    themes (六大专题活动), 24 measures and 100 talks share no scale."""

    unit: str
    figures: list = field(default_factory=list)  # (programme, figure) pairs

    @property
    def scale(self):
        """The bars' maximum, or None when the group has nothing to compare with."""
        if len(self.figures) < 2:
            return None
        return max(figure.value for _, figure in self.figures)


@dataclass
class TimelineEntry:
    """One dated step of the campaign, whatever it comes from: a programme's
    event, the report's own publication, or a district's dissolution."""

    kind: str  # "event" | "publication" | "dissolution"
    date: datetime.date | None
    date_precision: str  # as ProgrammeEvent's, so one template shows both
    title: str = ""
    district: District | None = None
    date_text: str = ""  # the source's own wording: 昨天, 3月5日, 近日
    note: str = ""
    programme: Programme | None = None
    after_publication: bool = False
    sort_key: tuple = ()

    @property
    def date_known(self):
        return self.date_precision != ProgrammeEvent.Precision.UNKNOWN


class ReportParts:
    """What the report shows below its heading, worked out only when the
    template asks: inside a cached fragment, a hit costs none of these queries."""

    def __init__(self, campaign, article, programmes):
        self.campaign = campaign
        self.article = article
        self._programmes = programmes

    @cached_property
    def programmes(self):
        return list(
            self._programmes.filter(campaign=self.campaign)
            .select_related("district")
            .prefetch_related("items", "figures", "events")
        )

    @cached_property
    def sections(self):
        sections = list(self.article.sections.select_related("district"))
        # Sections and programmes name the same districts: their successors
        # (江干区 → 上城区) come in one query for all of them.
        districts = [s.district for s in sections if s.district]
        prefetch_related_objects([*districts, *(p.district for p in self.programmes)], "successors")
        return sections

    @cached_property
    def body_figures(self):
        """The pictures in the article's sections, for both cached parts of the page."""
        return figures_of(section.body for section in self.sections)

    @cached_property
    def _layout(self):
        by_district = {p.district_id: p for p in self.programmes}
        lead, district_sections, shown = [], [], set()
        for section in self.sections:
            if section.district_id is None and not district_sections:
                lead.append(section)
                continue
            programme = by_district.get(section.district_id)
            if programme:
                shown.add(programme.pk)
            district_sections.append({"section": section, "programme": programme})
        others = [p for p in self.programmes if p.pk not in shown]
        return lead, district_sections, others

    @property
    def lead_sections(self):
        return self._layout[0]

    @property
    def district_sections(self):
        return self._layout[1]

    @property
    def other_programmes(self):
        return self._layout[2]

    @cached_property
    def district_cards(self):
        """One card per district the report covers, in the report's order: its
        programme, and the section of the full text it summarises."""
        cards = [
            {"district": entry["section"].district, **entry}
            for entry in self.district_sections
            if entry["section"].district  # a section without one has no programme either
        ]
        cards += [
            {"district": p.district, "section": None, "programme": p} for p in self.other_programmes
        ]
        return cards

    @cached_property
    def districts(self):
        """The districts the report covers, each once, in the report's order."""
        return list(
            {card["district"].pk: card["district"] for card in self.district_cards}.values()
        )

    @cached_property
    def full_text_length(self):
        """The folded text's length in characters, to the nearest hundred, so
        the reader knows what opening it means (the lead is shown above it)."""
        sections = [entry["section"] for entry in self.district_sections]
        length = sum(len(strip_tags(s.heading + s.body)) for s in sections)
        return round(length, -2)

    @cached_property
    def figures(self):
        return [(p, f) for p in self.programmes for f in p.figures.all()]

    @cached_property
    def figure_groups(self):
        """The key figures grouped by unit: compared groups (those drawn as bars)
        first, then the figures that stand alone, each list in report order."""
        groups = {}
        for programme, figure in self.figures:
            unit = figure.unit.strip()
            groups.setdefault(unit, FigureGroup(unit)).figures.append((programme, figure))
        compared = [g for g in groups.values() if g.scale is not None]
        single = [pair for g in groups.values() if g.scale is None for pair in g.figures]
        return {"compared": compared, "single": single}

    @cached_property
    def timeline(self):
        """Every dated step across the districts, in date order: the programmes'
        events, the report's publication, and what happened to the districts
        afterwards (江干区 dissolved on 2021-04-09). An event the source dates
        only as 近日 happened by the time the report was published, so it
        sorts just before the publication, shown as 日期不详."""
        published = (
            timezone.localdate(self.article.published_at) if self.article.published_at else None
        )
        last = published or datetime.date.max
        entries = []
        for programme in self.programmes:
            for event in programme.events.all():
                known = event.date_known
                entries.append(
                    TimelineEntry(
                        kind="event",
                        date=event.date if known else None,
                        date_precision=event.date_precision,
                        title=event.title,
                        district=programme.district,
                        date_text=event.date_text,
                        note=event.note,
                        programme=programme,
                        sort_key=(event.date if known else last, 0 if known else 1),
                    )
                )
        if published:
            entries.append(
                TimelineEntry(
                    kind="publication",
                    date=published,
                    date_precision=ProgrammeEvent.Precision.DAY,
                    title=self.article.title,
                    sort_key=(published, 2),
                )
            )
        for district in self.districts:
            if district.is_dissolved:
                entries.append(
                    TimelineEntry(
                        kind="dissolution",
                        date=district.dissolved_on,
                        date_precision=ProgrammeEvent.Precision.DAY,
                        district=district,
                        note=district.change_note,
                        sort_key=(district.dissolved_on, 0),
                    )
                )
        # sorted() is stable: entries of one day keep the report's district order.
        entries.sort(key=lambda entry: entry.sort_key)
        for entry in entries:
            entry.after_publication = published is not None and entry.sort_key[0] > published
        return entries

    @cached_property
    def related(self):
        return related_items(self.campaign)


class CampaignReportView(PageMetaMixin, DetailView):
    """The campaign's report: its article's sections, each district's beside its
    programme. The parts below the heading are cached fragments
    (`{% cachedfragment %}`), so a page the page cache does not answer whole
    (another font size, the cache turned off) still costs three queries."""

    template_name = "districts/campaign_report.html"
    context_object_name = "campaign"
    page_column = "专题"

    def get_page_meta(self, context):
        campaign, article = self.object, context["article"]
        return article_page_meta(
            article,
            title=f"{campaign.year}年{campaign.title}",
            description=describe(campaign.summary),
            keywords=[tag.name for tag in campaign.tags.all()],
        )

    def get_breadcrumbs(self, context, meta):
        return [(f"{self.object.year}年{self.object.title}", None)]

    def get_queryset(self):
        # The report article comes in the same query; whether a reader may see
        # it is decided in Python by the one visibility rule (`is_public`).
        return (
            Campaign.objects.published().select_related("report_article").prefetch_related("tags")
        )

    def report_article(self, campaign):
        article = campaign.report_article
        return article if article is not None and article.is_public else None

    def report_programmes(self):
        return Programme.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.object
        article = self.report_article(campaign)
        if article is None:
            raise Http404("该专题的报道尚未发布")
        prefetch_related_objects([article], "bylines")
        context.update(
            article=article,
            report=ReportParts(campaign, article, self.report_programmes()),
            back_url=reverse("home"),
            back_label="返回首页",
        )
        return context


class ProgrammePreviewView(PreviewMixin, ProgrammeDetailView):
    permission_required = "articles.view_programme"

    def get_queryset(self):
        return programmes_with_details(scoped_programmes(self.request.user))

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class CampaignReportPreviewView(PreviewMixin, CampaignReportView):
    """The whole report with unpublished parts; it spans districts, so only
    for staff who see every district."""

    permission_required = ("articles.view_campaign", ALL_DISTRICTS_PERMISSION)

    def get_queryset(self):
        return Campaign.objects.select_related("report_article").prefetch_related("tags")

    def report_article(self, campaign):
        return campaign.report_article

    def report_programmes(self):
        return Programme.objects.all()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search",
        f"Sitemap: {absolute_url(request, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
