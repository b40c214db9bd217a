"""The columns' update expectations, the 网站健康 page that measures the
columns against them (website.health), and the annual statistics page on the
same columns (website.annual)."""

import csv

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from articles import visits

from . import annual
from .health import column_choices, site_health
from .models import ColumnExpectation

# Who may open 网站健康: those who keep the expectations, and publishers, who
# answer for what the site shows (website.roles grants them publish_article).
HEALTH_PERMISSIONS = ("website.view_columnexpectation", "articles.publish_article")


def may_see_health(user):
    return user.is_active and user.is_staff and any(map(user.has_perm, HEALTH_PERMISSIONS))


# The annual report's figures: for those given the statistics permission, and
# publishers. Site-wide figures, so not for district editors as such.
STATISTICS_PERMISSIONS = ("articles.view_visit_statistics", "articles.publish_article")


def may_see_statistics(user):
    return user.is_active and user.is_staff and any(map(user.has_perm, STATISTICS_PERMISSIONS))


class AnnualReportForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)
    format = forms.ChoiceField(
        label="格式", choices=[("html", "网页"), ("csv", "CSV")], required=False
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, f"{year}年") for year in years]


class ColumnExpectationForm(forms.ModelForm):
    class Meta:
        model = ColumnExpectation
        fields = ["key", "kind", "warn_days", "fail_days", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A list of the columns that exist, not a free text field: a mistyped
        # key would be an expectation no column ever meets. A key whose column
        # is gone (a deleted tag) stays selectable on its own row.
        choices = column_choices()
        current = self.instance.key or self.initial.get("key")
        if current and current not in dict(choices):
            choices.append((current, f"{current}（栏目已不存在）"))
        self.fields["key"] = forms.ChoiceField(
            label="栏目",
            choices=[("", "---------"), *choices],
            help_text="导航可达的栏目：首页、新闻、各城区、各举措、首页热门标签。",
        )


@admin.register(ColumnExpectation)
class ColumnExpectationAdmin(admin.ModelAdmin):
    form = ColumnExpectationForm
    list_display = ["key", "kind", "warn_days", "fail_days", "note", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["key", "note"]
    change_list_template = "admin/website/columnexpectation/change_list.html"

    def get_urls(self):
        return [
            path(
                "health/",
                self.admin_site.admin_view(self.health_view),
                name="website_site_health",
            ),
            path(
                "annual/",
                self.admin_site.admin_view(self.annual_view),
                name="website_annual_report",
            ),
            *super().get_urls(),
        ]

    def health_view(self, request):
        if not may_see_health(request.user):
            raise PermissionDenied
        report = site_health()
        expectations = dict(ColumnExpectation.objects.values_list("key", "pk"))
        rows = []
        for column in report.columns:
            rows.append((column, self._expectation_url(request, column.key, expectations)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "网站健康",
            "report": report,
            "rows": rows,
            "may_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/website/site_health.html", context)

    def annual_view(self, request):
        if not may_see_statistics(request.user):
            raise PermissionDenied
        years = annual.years()
        data = request.GET if "year" in request.GET else {"year": years[0]}
        form = AnnualReportForm(data, years=years)
        report = None
        if form.is_valid():
            # Counts still buffered belong in the figures.
            visits.flush()
            report = annual.annual_report(form.cleaned_data["year"])
            if form.cleaned_data["format"] == "csv":
                return _annual_csv(report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "年度统计（政府网站工作年度报表）",
            "form": form,
            "report": report,
            "month_labels": annual.MONTH_LABELS,
        }
        return TemplateResponse(request, "admin/website/annual_report.html", context)

    def _expectation_url(self, request, key, expectations):
        """Where to set this column's expectation, if the user may."""
        if key in expectations:
            if not self.has_change_permission(request):
                return None
            return reverse("admin:website_columnexpectation_change", args=[expectations[key]])
        if not self.has_add_permission(request):
            return None
        return reverse("admin:website_columnexpectation_add") + "?" + urlencode({"key": key})


def _annual_csv(report):
    """The same table as the page, for a spreadsheet (UTF-8 with a BOM, which
    Excel needs to read Chinese)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="annual-{report.year}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["栏目", "指标", *annual.MONTH_LABELS, "全年"])
    for row in report.rows:
        writer.writerow([row.name, "发布信息数", *row.published, row.published_total])
        writer.writerow([row.name, "浏览次数", *row.visits, row.visits_total])
    return response
