from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from districts.admin_scoping import DistrictScopedAdminMixin
from districts.models import District, Programme
from districts.permissions import (
    own_district_ids,
    scoped_articles,
    scoped_programmes,
    sees_all_districts,
)

from .admin_forms import RequestFormMixin
from .admin_versions import VersionHistoryMixin
from .models import Article, ArticleRedirect, ArticleSection, Byline, Status, Tag
from .search.admin import SearchServiceAdminMixin
from .widgets import TagAutocompleteWidget

PUBLISH_PERMISSION = "articles.publish_article"
# Statuses only a publisher may set, or move an article out of.
PUBLISHER_STATUSES = {Status.PUBLISHED, Status.UNPUBLISHED, Status.ARCHIVED}


class SectionForm(forms.ModelForm):
    request = None

    def clean_district(self):
        district = self.cleaned_data.get("district")
        user = self.request.user if self.request else None
        if (
            district is not None
            and user is not None
            and not sees_all_districts(user)
            and district.pk not in own_district_ids(user)
            and district.pk != self.initial.get("district")
        ):
            raise forms.ValidationError(f"您不能把段落归入其他城区：{district.name}。")
        return district


class ArticleSectionInline(admin.StackedInline):
    model = ArticleSection
    form = SectionForm
    extra = 0
    fields = ["position", "district", "district_label", "heading", "body"]
    ordering = ["position"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("RequestSectionForm", (formset.form,), {"request": request})
        return formset


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    fields = ["position", "kind", "role", "name"]
    ordering = ["position"]


class ArticleAdminForm(forms.ModelForm):
    # The revision the editor opened; a save over a newer one is refused.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "status",
            "published_at",
            "published_time_known",
            "expires_at",
            "source",
            "dateline",
            "campaign",
            "districts",
            "programmes",
            "tags",
            "summary",
            "closing_slogan",
        ]
        widgets = {
            "tags": TagAutocompleteWidget,
            "title": forms.TextInput(attrs={"class": "vTextField title-input"}),
        }

    class Media:
        css = {"all": ["admin-extra/forms.css"]}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk and not self.is_bound:
            self.initial["opened_version"] = self.instance.edit_version
        if request is not None and not request.user.has_perm(PUBLISH_PERMISSION):
            self._limit_to_editing()
        if request is not None and not sees_all_districts(request.user):
            self._limit_programmes(request.user)

    def _limit_programmes(self, user):
        """A district editor links programmes of their districts; links the article
        already has to other districts' programmes stay selectable, so they survive."""
        field = self.fields.get("programmes")
        if field is None:
            return
        allowed = Q(district__in=own_district_ids(user))
        if self.instance.pk:
            allowed |= Q(articles=self.instance)
        field.queryset = field.queryset.filter(allowed).distinct()

    def _limit_to_editing(self):
        """Without the publish permission: save and submit for review only."""
        status = self.fields.get("status")
        if status is None:
            return
        if self.instance.pk and self.instance.status in PUBLISHER_STATUSES:
            for name in ("status", "published_at", "expires_at"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "只有发布者可以更改已发布稿件的状态和时间。"
        else:
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value in (Status.DRAFT, Status.REVIEW)
            ]
            if "expires_at" in self.fields:
                self.fields["expires_at"].disabled = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            opened = self.cleaned_data.get("opened_version")
            current = (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("edit_version", flat=True)
                .first()
            )
            if opened is not None and current is not None and opened != current:
                raise forms.ValidationError(
                    "保存被拒绝：您打开此稿件后，其他人已修改并保存了它。"
                    "您输入的内容仍保留在下面的表单中；请在新窗口中打开稿件查看最新版本，"
                    "把需要的修改合并后再保存。",
                    code="stale",
                )
        published_at, expires_at = cleaned.get("published_at"), cleaned.get("expires_at")
        if published_at and expires_at and expires_at <= published_at:
            self.add_error("expires_at", "下线时间必须晚于发布时间。")
        if cleaned.get("status") == Status.PUBLISHED and not published_at:
            cleaned["published_at"] = timezone.now()
        self._check_districts(cleaned)
        return cleaned

    def _check_districts(self, cleaned):
        """A district editor may add only their own districts, and the article
        must stay in at least one of them (links to other districts are kept)."""
        user = self.request.user if self.request else None
        if user is None or sees_all_districts(user) or "districts" not in cleaned:
            return
        own = own_district_ids(user)
        before = (
            set(self.instance.districts.values_list("pk", flat=True)) if self.instance.pk else set()
        )
        chosen = cleaned["districts"]
        added_elsewhere = [d.name for d in chosen if d.pk not in own and d.pk not in before]
        if added_elsewhere:
            self.add_error("districts", f"您不能把稿件归入其他城区：{'、'.join(added_elsewhere)}。")
        elif not any(d.pk in own for d in chosen):
            self.add_error("districts", "请至少选择一个您负责的城区。")


class TagActionForm(admin.helpers.ActionForm):
    tag = forms.CharField(label="标签", required=False, help_text="“添加标签”操作使用")


@admin.register(Article)
class ArticleAdmin(
    RequestFormMixin,
    SearchServiceAdminMixin,
    DistrictScopedAdminMixin,
    VersionHistoryMixin,
    VersionAdmin,
):
    search_kind = "article"
    form = ArticleAdminForm
    action_form = TagActionForm
    list_display = [
        "title",
        "status_label",
        "published_at",
        "district_names",
        "tag_names",
        "last_edited_by",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "districts",
        "campaign",
        ("tags", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["last_edited_by"]
    search_fields = [
        "title",
        "source",
        "dateline",
        "bylines__name",
        "sections__heading",
        "sections__body",
    ]
    date_hierarchy = "published_at"
    ordering = ["-published_at"]
    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50
    autocomplete_fields = ["districts", "programmes", "campaign"]
    readonly_fields = ["source_file", "last_edited_by", "created_at", "updated_at", "preview_link"]
    inlines = [ArticleSectionInline, BylineInline]
    actions = ["publish_selected", "unpublish_selected", "add_tag_to_selected"]
    change_form_template = "admin/articles/article/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "opened_version", "preview_link"]}),
        (
            "发布",
            {
                "fields": ["status", "published_at", "published_time_known", "expires_at"],
                "description": "发布时间晚于现在即为定时发布，到点自动上线；填写下线时间则到点自动撤下。",
            },
        ),
        (
            "来源与归类",
            {"fields": ["source", "dateline", "campaign", "districts", "programmes", "tags"]},
        ),
        ("摘要与结尾", {"fields": ["summary", "closing_slogan"]}),
        (
            "记录",
            {
                "fields": ["source_file", "last_edited_by", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]
    district_scope = "districts"
    publish_permission = PUBLISH_PERMISSION

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts", "tags")

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        kept = self.districts_outside_scope(request, form.instance) if change else []
        super().save_related(request, form, formsets, change)
        if kept:
            # A district editor cannot remove links to districts they do not edit.
            form.instance.districts.add(*kept)

    @admin.display(description="状态", ordering="status")
    def status_label(self, article):
        now = timezone.now()
        if (
            article.status == Status.PUBLISHED
            and article.published_at
            and article.published_at > now
        ):
            return format_html('<span title="{}">定时发布</span>', article.published_at)
        if article.status == Status.PUBLISHED and article.expires_at and article.expires_at <= now:
            return "已到期下线"
        return article.get_status_display()

    @admin.display(description="城区")
    def district_names(self, article):
        return "、".join(d.name for d in article.districts.all())

    @admin.display(description="标签")
    def tag_names(self, article):
        return "、".join(t.name for t in article.tags.all())

    @admin.display(description="预览")
    def preview_link(self, article):
        if not article.pk:
            return "保存后可预览"
        url = reverse("articles:article_preview", args=[article.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">在网站模板中预览</a>', url)

    # Bulk actions

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    @admin.action(description="发布所选稿件", permissions=["publish"])
    def publish_selected(self, request, queryset):
        queryset = queryset.exclude(status=Status.PUBLISHED)
        count = self._set_status(request, queryset, Status.PUBLISHED, "批量发布")
        self.message_user(request, f"已发布 {count} 篇稿件。", messages.SUCCESS)

    @admin.action(description="撤下所选稿件", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        queryset = queryset.filter(status=Status.PUBLISHED)
        count = self._set_status(request, queryset, Status.UNPUBLISHED, "批量撤下")
        self.message_user(request, f"已撤下 {count} 篇稿件。", messages.SUCCESS)

    def _set_status(self, request, queryset, status, comment):
        """Save each article (a version, the search index), rows locked meanwhile."""
        count = 0
        with transaction.atomic():
            for article in queryset.select_for_update(of=("self",)):
                article.status = status
                if status == Status.PUBLISHED:
                    article.published_at = article.published_at or timezone.now()
                article.last_edited_by = request.user
                self._save_with_revision(request, article, comment)
                count += 1
        return count

    @admin.action(description="给所选稿件添加标签", permissions=["change"])
    def add_tag_to_selected(self, request, queryset):
        from .tagging import parse_tags

        names = parse_tags(request.POST.get("tag", ""))
        if not names:
            self.message_user(request, "请先在“标签”框中填写要添加的标签。", messages.WARNING)
            return
        count = 0
        for article in queryset:
            article.tags.add(*names)
            count += 1
        self.message_user(
            request, f"已为 {count} 篇稿件添加标签：{'、'.join(names)}。", messages.SUCCESS
        )

    def _save_with_revision(self, request, article, comment):
        import reversion

        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(comment)
            article.save()

    # Tag suggestions for the tag input

    def get_urls(self):
        return [
            path(
                "tag-suggestions/",
                self.admin_site.admin_view(self.tag_suggestions),
                name="articles_tag_suggestions",
            ),
            *super().get_urls(),
        ]

    def tag_suggestions(self, request):
        """Existing tags whose name contains the typed text, most used first."""
        from django.db.models import Count

        if not self.has_view_or_change_permission(request):
            return JsonResponse({"results": []}, status=403)
        term = request.GET.get("q", "").strip()[:50]
        tags = tags_in_scope(request.user)
        if term:
            tags = tags.filter(name__icontains=term)
        names = list(
            tags.annotate(uses=Count("tagged_items"))
            .order_by("-uses", "name")[:15]
            .values_list("name", flat=True)
        )
        return JsonResponse({"results": names})


def tags_in_scope(user):
    """Every tag for newsroom staff; for a district editor, the tags on the
    articles, programmes and districts they work on (other districts' tags,
    drafts included, are not theirs to browse)."""
    if sees_all_districts(user):
        return Tag.objects.all()
    own = own_district_ids(user)
    content_types = ContentType.objects.get_for_models(Article, Programme, District)
    used_on = {
        Article: scoped_articles(user).values("pk"),
        Programme: scoped_programmes(user).values("pk"),
        District: District.objects.filter(pk__in=own).values("pk"),
    }
    in_scope = Q()
    for model, pks in used_on.items():
        in_scope |= Q(
            tagged_items__content_type=content_types[model], tagged_items__object_id__in=pks
        )
    return Tag.objects.filter(pk__in=Tag.objects.filter(in_scope).values("pk"))


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self, request):
        return tags_in_scope(request.user)


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
