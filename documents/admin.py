from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from districts.scoping import (
    DistrictScopedAdminMixin,
    district_choice_error,
    sees_all_districts,
)

from .kinds import EXTENSIONS
from .models import Document
from .usage import usage
from .validation import check_upload, human_size, max_bytes


class KindFilter(admin.SimpleListFilter):
    """By extension (.pdf, .docx), the way editors know their files."""

    title = "类型"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(ext, f".{ext}") for ext in EXTENSIONS]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class DocumentAdminForm(forms.ModelForm):
    request = None  # set by DocumentAdmin.get_form

    upload = forms.FileField(
        label="文件",
        required=False,
        help_text=(
            # Extensions, as editors see them in their file names.
            f"可上传 {'、'.join(f'.{ext}' for ext in EXTENSIONS)} 文件，"
            f"不超过 {max_bytes() // (1024 * 1024)}MB。"
            "替换文件后，附件的网址不变，读者下载到的是新文件。"
        ),
    )

    class Meta:
        model = Document
        fields = ["title", "upload", "districts", "tags"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if not self.instance.pk:
                raise forms.ValidationError("请选择要上传的文件。", code="required")
            return None
        self.checked_upload = check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        self._check_districts(cleaned)
        return cleaned

    def _check_districts(self, cleaned):
        """A district editor files documents under their own districts only,
        and at least one of them (links to other districts are kept)."""
        user = self.request.user if self.request else None
        if user is None or sees_all_districts(user) or "districts" not in cleaned:
            return
        before = (
            set(self.instance.districts.values_list("pk", flat=True)) if self.instance.pk else set()
        )
        error = district_choice_error(user, cleaned["districts"], before, "附件")
        if error:
            self.add_error("districts", error)


@admin.register(Document)
class DocumentAdmin(DistrictScopedAdminMixin, admin.ModelAdmin):
    form = DocumentAdminForm
    district_scope = "districts"
    list_display = [
        "title",
        "extension",
        "size_label",
        "district_names",
        "uploaded_by",
        "created_at",
    ]
    list_filter = [
        KindFilter,
        "districts",
        ("tags", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["uploaded_by"]
    search_fields = ["title", "original_name", "extracted_text"]
    date_hierarchy = "created_at"
    filter_horizontal = ["districts"]
    readonly_fields = [
        "download_link",
        "original_name",
        "kind",
        "size_label",
        "uploaded_by",
        "created_at",
        "replaced_at",
        "used_in",
    ]

    def get_fieldsets(self, request, obj=None):
        main = ["title", "upload", "districts", "tags"]
        if obj is None:
            return [(None, {"fields": main})]
        return [
            (None, {"fields": main}),
            (
                "当前文件",
                {
                    "fields": [
                        "download_link",
                        "original_name",
                        "kind",
                        "size_label",
                        "uploaded_by",
                        "created_at",
                        "replaced_at",
                        "used_in",
                    ]
                },
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        if upload is not None:
            obj.store(upload, form.checked_upload, user=request.user)
        else:
            obj.save()

    def save_related(self, request, form, formsets, change):
        kept = self.districts_outside_scope(request, form.instance) if change else []
        super().save_related(request, form, formsets, change)
        if kept:
            # A district editor cannot remove links to districts they do not edit.
            form.instance.districts.add(*kept)

    def get_deleted_objects(self, objs, request):
        """A document still linked from somewhere cannot be deleted: the admin
        lists where it is used instead, as it does for protected objects."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for document in objs:
            protected.extend(
                format_html('{}：<a href="{}">{}</a>', document, url, description)
                for description, url in usage(document)
            )
        return deleted, counts, perms_needed, protected

    @admin.display(description="类型", ordering="kind")
    def extension(self, document):
        return f".{document.kind}"

    @admin.display(description="大小")
    def size_label(self, document):
        return human_size(document.size)

    @admin.display(description="城区")
    def district_names(self, document):
        return "、".join(d.name for d in document.districts.all())

    @admin.display(description="下载地址")
    def download_link(self, document):
        url = document.get_absolute_url()
        return format_html('<a href="{}">{}</a>（{}）', url, url, document.label)

    @admin.display(description="使用位置")
    def used_in(self, document):
        uses = usage(document)
        if not uses:
            return "未被使用"
        return format_html_join(
            "、", '<a href="{}">{}</a>', ((url, description) for description, url in uses)
        )
