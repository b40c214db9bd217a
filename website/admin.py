"""The columns' update expectations, and the 网站健康 page that measures the
columns against them (website.health)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from .health import column_choices, site_health
from .models import ColumnExpectation

# Who may open 网站健康: those who keep the expectations, and publishers, who
# answer for what the site shows (website.roles grants them publish_article).
HEALTH_PERMISSIONS = ("website.view_columnexpectation", "articles.publish_article")


def may_see_health(user):
    return user.is_active and user.is_staff and any(map(user.has_perm, HEALTH_PERMISSIONS))


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

    def _expectation_url(self, request, key, expectations):
        """Where to set this column's expectation, if the user may."""
        if key in expectations:
            if not self.has_change_permission(request):
                return None
            return reverse("admin:website_columnexpectation_change", args=[expectations[key]])
        if not self.has_add_permission(request):
            return None
        return reverse("admin:website_columnexpectation_add") + "?" + urlencode({"key": key})
