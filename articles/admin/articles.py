from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.functional import cached_property

from core.admin.publishable import PublishableAdmin, PublishableAdminForm
from core.admin.widgets import TagAutocompleteWidget
from core.tagging import parse_tags
from districts.scoping import DistrictScopedAdminMixin, own_district_ids, sees_all_districts

from ..models import Article, ArticleRedirect, ArticleSection, Byline
from .tags import TagSuggestionsMixin


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

    def get_extra(self, request, obj=None, **kwargs):
        # A new article opens with a body box to type into.
        return 1 if obj is None else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("RequestSectionForm", (formset.form,), {"request": request})
        return formset


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    fields = ["position", "kind", "role", "name"]
    ordering = ["position"]


class ArticleAdminForm(PublishableAdminForm):
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
        super().__init__(*args, request=request, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["opened_version"] = self.instance.edit_version
        if request is not None and not sees_all_districts(request.user):
            self._limit_programmes(request.user)

    @cached_property
    def changed_data(self):
        # The history lists what the editor changed; the revision they opened
        # is bookkeeping ("已修改 标题 和 opened_version" read as a bug).
        return [name for name in super().changed_data if name != "opened_version"]

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

    def clean(self):
        self._refuse_stale_save()
        cleaned = super().clean()
        self._check_districts(cleaned)
        return cleaned

    def _refuse_stale_save(self):
        if not self.instance.pk:
            return
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
class ArticleAdmin(TagSuggestionsMixin, DistrictScopedAdminMixin, PublishableAdmin):
    form = ArticleAdminForm
    action_form = TagActionForm
    publish_permission = "articles.publish_article"
    preview_url_name = "articles:article_preview"
    counter = "篇"
    district_scope = "districts"
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

    class Media:
        css = {"all": ["admin-extra/changelist.css"]}

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
    readonly_fields = ["source_file", "last_edited_by", "created_at", "updated_at"]
    inlines = [ArticleSectionInline, BylineInline]
    actions = ["publish_selected", "unpublish_selected", "add_tag_to_selected"]
    change_form_template = "admin/articles/article/change_form.html"
    # Shown after the body sections and bylines (the change form template):
    # the body is what an editor writes first.
    fieldsets_after_inlines = ("摘要与结尾", "记录")
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts", "tags")

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)

    def before_status_change(self, request, obj):
        obj.last_edited_by = request.user

    def save_related(self, request, form, formsets, change):
        kept = self.districts_outside_scope(request, form.instance) if change else []
        super().save_related(request, form, formsets, change)
        if kept:
            # A district editor cannot remove links to districts they do not edit.
            form.instance.districts.add(*kept)

    @admin.display(description="城区")
    def district_names(self, article):
        return "、".join(d.name for d in article.districts.all())

    @admin.display(description="标签")
    def tag_names(self, article):
        return "、".join(t.name for t in article.tags.all())

    @admin.action(description="给所选稿件添加标签", permissions=["change"])
    def add_tag_to_selected(self, request, queryset):
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


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
