from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from audit.log import Action, record
from core.admin.publishable import PublishableAdmin, PublishableAdminForm, first_published
from core.admin.widgets import TagAutocompleteWidget
from core.richtext import figure_ids
from core.status import Status
from core.tagging import parse_tags
from districts.scoping import (
    DistrictScopedAdminMixin,
    district_choice_error,
    own_district_ids,
    sees_all_districts,
)
from editorial.admin import ReviewAdminMixin
from images.models import Image
from proofreading.checker import blocking, proofreader_for

from ..links import broken_links_on_save
from ..models import Article, ArticleRedirect, ArticleSection, Byline, Correction
from ..proofreading import proofread_article
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

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        wanted = figure_ids(body)
        if wanted:
            found = set(Image.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            if missing := [str(pk) for pk in wanted if pk not in found]:
                raise forms.ValidationError(
                    f"正文中的图片（编号 {'、'.join(missing)}）已不在图片库中，请删除后重新插入。"
                )
        return body


class SectionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The article form cannot see its inlines; the kind of change to a live
        # article depends on both, so the question is asked from here.
        article_form = getattr(self.instance, "_admin_form", None)
        if article_form is None:
            return
        article_form.ask_change_kind(sections_changed=self.has_changed())
        kept = [
            form.instance
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        article_form.proofread(kept)


class ArticleSectionInline(admin.StackedInline):
    model = ArticleSection
    form = SectionForm
    formset = SectionFormSet
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


# What readers read: a change to these on a live article must say what kind it is.
TEXT_FIELDS = ("kicker", "title", "subtitle", "summary", "closing_slogan", "dateline")


class ArticleAdminForm(PublishableAdminForm):
    # The revision the editor opened; a save over a newer one is refused.
    opened_version = forms.IntegerField(
        label="打开时的修订号", widget=forms.HiddenInput, required=False
    )
    change_kind = forms.ChoiceField(
        label="改动类型",
        choices=[
            ("correction", "更正：改正事实错误，在文末注明"),
            ("update", "更新：补充新情况，显示更新时间"),
            ("technical", "技术修改：错别字、格式，不向读者说明"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    proofreading_override = forms.CharField(
        label="校对放行理由",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text="仅发布者：确认“须改正”的校对提示无需修改时写明理由，即可提交或发布；理由记入审计日志。",
    )
    change_note = forms.CharField(
        label="更正说明",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        help_text="选择“更正”时必填，显示在稿件末尾，如“本文第二段中的日期应为3月5日”。",
    )

    class Meta:
        model = Article
        fields = [
            "kicker",
            "title",
            "subtitle",
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
            "lead_image",
            "attachments",
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
        self.instance._admin_form = self
        self.live = self.first_published and self.instance.status == Status.PUBLISHED
        if self.instance.pk and not self.is_bound:
            self.initial["opened_version"] = self.instance.edit_version
        if request is not None and not sees_all_districts(request.user):
            self._limit_programmes(request.user)

    @cached_property
    def changed_data(self):
        # The history lists what the editor changed; the revision they opened
        # is bookkeeping ("已修改 标题 和 opened_version" read as a bug).
        bookkeeping = ("opened_version", "change_kind", "change_note", "proofreading_override")
        return [name for name in super().changed_data if name not in bookkeeping]

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
        if (
            cleaned.get("change_kind") == "correction"
            and not cleaned.get("change_note", "").strip()
        ):
            self.add_error("change_note", "更正需要写明更正了什么，这段说明会显示给读者。")
        return cleaned

    @property
    def text_changed(self):
        return any(name in self.changed_data for name in TEXT_FIELDS)

    def ask_change_kind(self, sections_changed):
        """A live article whose text changed must say whether this is a
        correction, an update or a technical fix."""
        self.sections_changed = sections_changed
        if not self.live or not (sections_changed or self.text_changed):
            return
        if not self.cleaned_data.get("change_kind") and "change_kind" not in self.errors:
            self.add_error("change_kind", "此稿件已发布，修改了文字，请选择改动类型。")
            raise forms.ValidationError("请在上方“改动说明”中选择改动类型。")

    def proofread(self, sections):
        """Check the article as it would be saved; "须改正" hits stop submitting
        and publishing unless a publisher gives a reason."""
        proofreader = proofreader_for(self.request) if self.request is not None else None
        self.proofreading_hits = proofread_article(self.instance, sections, proofreader)
        stopping = blocking(self.proofreading_hits)
        target = self.cleaned_data.get("status") if hasattr(self, "cleaned_data") else None
        if not stopping or target not in (Status.REVIEW, Status.PUBLISHED):
            return
        reason = self.cleaned_data.get("proofreading_override", "").strip()
        if reason and self.may_publish:
            self.overridden_hits = stopping
            return
        found = "、".join(dict.fromkeys(hit.found for hit in stopping))
        message = f"校对发现 {len(stopping)} 处须改正的问题（{found}），改正后才能提交审核或发布。"
        if self.may_publish:
            message += "如确认无需修改，请在“校对放行理由”中写明理由。"
        self.add_error(None, message)
        raise forms.ValidationError("请先处理上方的校对提示。")

    @property
    def may_publish(self):
        return self.request is not None and self.request.user.has_perm(self.publish_permission)

    @property
    def change_kind_label(self):
        kind = self.cleaned_data.get("change_kind") if hasattr(self, "cleaned_data") else ""
        return dict(self.fields["change_kind"].choices).get(kind, "").split("：")[0]

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
        before = (
            set(self.instance.districts.values_list("pk", flat=True)) if self.instance.pk else set()
        )
        error = district_choice_error(user, cleaned["districts"], before, "稿件")
        if error:
            self.add_error("districts", error)


class TagActionForm(admin.helpers.ActionForm):
    tag = forms.CharField(label="标签", required=False, help_text="“添加标签”操作使用")


@admin.register(Article)
class ArticleAdmin(
    ReviewAdminMixin, TagSuggestionsMixin, DistrictScopedAdminMixin, PublishableAdmin
):
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
        css = {
            "all": [
                "admin-extra/changelist.css",
                "admin-extra/proofreading.css",
                "admin-extra/library-image.css",
            ]
        }

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
    autocomplete_fields = ["districts", "programmes", "campaign", "lead_image", "attachments"]
    readonly_fields = [
        "source_file",
        "imported_visits",
        "last_edited_by",
        "created_at",
        "updated_at",
    ]
    inlines = [ArticleSectionInline, BylineInline]
    actions = ["publish_selected", "unpublish_selected", "add_tag_to_selected"]
    change_form_template = "admin/articles/article/change_form.html"
    # Shown after the body sections and bylines (the change form template):
    # the body is what an editor writes first.
    fieldsets_after_inlines = ("摘要与结尾", "记录")
    fieldsets = [
        (
            None,
            {"fields": ["kicker", "title", "subtitle", "slug", "opened_version", "preview_link"]},
        ),
        (
            "发布",
            {
                "fields": ["status", "published_at", "published_time_known", "expires_at"],
                "description": "发布时间在发布或定时发布时填入（页面底部的“发布”“定时发布”按钮）；"
                "稿件上线后首次发布时间即锁定。填写下线时间则到点自动撤下。",
            },
        ),
        (
            "来源与归类",
            {
                "fields": [
                    "source",
                    "dateline",
                    "campaign",
                    "districts",
                    "programmes",
                    "tags",
                    "lead_image",
                    "attachments",
                ]
            },
        ),
        ("摘要与结尾", {"fields": ["summary", "closing_slogan"]}),
        (
            "记录",
            {
                "fields": [
                    "source_file",
                    "imported_visits",
                    "last_edited_by",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    CHANGE_FIELDSET = (
        "改动说明",
        {
            "fields": ["change_kind", "change_note"],
            "description": "稿件已发布。修改文字时请说明改动类型：更正和更新会告诉读者。",
        },
    )

    PROOFREADING_FIELDSET = ("校对", {"fields": ["proofreading_override"], "classes": ["collapse"]})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and first_published(obj) and obj.status == Status.PUBLISHED:
            fieldsets.insert(1, self.CHANGE_FIELDSET)
        if self.may_publish(request):
            fieldsets.insert(-2, self.PROOFREADING_FIELDSET)
        return fieldsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        hits = getattr(form, "proofreading_hits", None)
        if hits is None and obj is not None:
            hits = proofread_article(obj, proofreader=proofreader_for(request))
        context["proofreading_hits"] = hits or []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts", "tags")

    def review_districts(self, article):
        return "、".join(d.name for d in article.districts.all())

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        kind = form.cleaned_data.get("change_kind") if getattr(form, "live", False) else ""
        obj._change_kind = form.change_kind_label if kind else ""
        if kind in ("correction", "update"):
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)
        overridden = getattr(form, "overridden_hits", None)
        if overridden and not getattr(request, "_hold", False):
            record(
                Action.PROOFREAD_OVERRIDE,
                obj,
                detail=f"{form.cleaned_data['proofreading_override'].strip()}；"
                + "；".join(hit.describe() for hit in overridden),
            )
        if kind in ("correction", "update") and not getattr(request, "_hold", False):
            Correction.objects.create(
                article=obj,
                kind=kind,
                note=form.cleaned_data.get("change_note", "").strip(),
                created_at=obj.revised_at,
                created_by=request.user,
            )

    def history_word(self, request, obj, word):
        kind = getattr(obj, "_change_kind", "")
        return "·".join(part for part in (word, kind) if part) or None

    def change_summary(self, request, obj):
        kind = request.POST.get("change_kind", "")
        label = {"correction": "更正", "update": "更新", "technical": "技术修改"}.get(kind, "")
        note = request.POST.get("change_note", "").strip()
        return f"{label}：{note}" if label and note else label

    def before_status_change(self, request, obj):
        obj.last_edited_by = request.user

    def save_related(self, request, form, formsets, change):
        kept = self.districts_outside_scope(request, form.instance) if change else []
        super().save_related(request, form, formsets, change)
        if kept:
            # A district editor cannot remove links to districts they do not edit.
            form.instance.districts.add(*kept)
        # After the sections and attachments are saved, so the check sees what
        # readers will; it warns and never blocks the save.
        if problems := broken_links_on_save(form.instance):
            listed = "；".join(f"{p.url}（{p.reason}）" for p in problems)
            messages.warning(request, f"本稿有 {len(problems)} 处失效链接：{listed}")

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
