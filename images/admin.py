from functools import partial
from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.admin.forms import MultipleFileField
from core.admin.widgets import TagAutocompleteWidget
from districts.models import District
from districts.scoping import (
    DistrictScopedAdminMixin,
    district_choice_error,
    own_district_ids,
    sees_all_districts,
)

from . import picker
from .models import Image, Rendition
from .renditions import ADMIN_THUMBNAIL_SPEC, forget_crops, make_standard_renditions, rendition
from .search_hooks import search
from .usage import usage
from .validation import clean_upload, max_bytes


def _title_from(upload):
    return PurePath(upload.name).stem[:200] or "未命名图片"


def _limit_district_choices(field, user, instance=None):
    if sees_all_districts(user):
        return
    ids = set(own_district_ids(user))
    if instance is not None and instance.pk:
        ids |= {d.pk for d in instance.districts.all()}
    field.queryset = District.objects.filter(pk__in=ids)


class ImageAdminForm(forms.ModelForm):
    request = None  # set by ImageAdmin.get_form

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "decorative",
            "caption",
            "credit",
            "source",
            "tags",
            "districts",
            "focal_x",
            "focal_y",
        ]
        widgets = {
            "tags": TagAutocompleteWidget,
            "focal_x": forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "1"}),
            "alt_text": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_image = None
        self.fields["title"].required = False
        self.fields["title"].help_text = "留空则使用文件名。"
        self.fields["file"].help_text = (
            f"照片、截图等常见图片，最大 {max_bytes() // (1024 * 1024)} 兆字节；动图只保留第一帧。"
            "保存时去除拍摄地点、相机型号等隐藏信息，并按拍摄方向摆正。"
        )
        self.fields["file"].widget.attrs["accept"] = "image/*"
        if self.instance.pk:
            self.fields["file"].required = False
        if self.request is not None:
            _limit_district_choices(self.fields["districts"], self.request.user, self.instance)

    def clean_file(self):
        upload = self.files.get(self.add_prefix("file"))
        if upload is None:
            return self.cleaned_data.get("file")
        self.clean_image = clean_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and self.clean_image is not None:
            cleaned["title"] = _title_from(self.files[self.add_prefix("file")])
        elif not cleaned.get("title"):
            self.add_error("title", "请填写标题。")
        for name in ("focal_x", "focal_y"):
            if cleaned.get(name) is not None:
                cleaned[name] = round(cleaned[name], 3)
        if self.request is not None and "districts" in cleaned:
            before = {d.pk for d in self.instance.districts.all()} if self.instance.pk else set()
            error = district_choice_error(self.request.user, cleaned["districts"], before, "图片")
            if error:
                self.add_error("districts", error)
        return cleaned

    def save(self, commit=True):
        image = super().save(commit=False)
        if self.clean_image is not None:
            image.set_file(self.clean_image)
        if commit:
            image.save()
            self._save_m2m()
        return image


class BulkUploadForm(forms.Form):
    files = MultipleFileField(
        empty_message="请选择要上传的图片。",
        label="图片文件",
        help_text="可一次选择多张，或把图片拖到这里。每张图片以文件名为标题；替代文本稍后逐张填写。",
    )
    districts = forms.ModelMultipleChoiceField(
        label="相关城区",
        queryset=District.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    credit = forms.CharField(label="摄影", max_length=100, required=False)
    source = forms.CharField(label="来源/版权", max_length=200, required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["files"].widget.attrs["accept"] = "image/*"
        _limit_district_choices(self.fields["districts"], request.user)

    def clean_districts(self):
        chosen = self.cleaned_data["districts"]
        error = district_choice_error(self.request.user, chosen, what="图片")
        if error:
            raise ValidationError(error)
        return chosen


class MissingAltTextFilter(admin.SimpleListFilter):
    title = "替代文本"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("missing", "待填写")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.missing_alt_text()
        return queryset


@admin.register(Image)
class ImageAdmin(DistrictScopedAdminMixin, admin.ModelAdmin):
    form = ImageAdminForm
    district_scope = "districts"
    list_display = [
        "thumbnail",
        "title",
        "dimensions",
        "district_names",
        "credit",
        "alt_status",
        "created_at",
    ]
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        MissingAltTextFilter,
        "districts",
        ("tags", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["title", "caption", "credit", "source", "alt_text", "tags__name"]
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = ["focal_point_picker", "file_facts", "used_in"]
    fieldsets = [
        (None, {"fields": ["file", "title", "alt_text", "decorative"]}),
        ("说明与版权", {"fields": ["caption", "credit", "source"]}),
        ("归类", {"fields": ["tags", "districts"]}),
        (
            "焦点",
            {
                "fields": ["focal_point_picker", ("focal_x", "focal_y")],
                "description": "裁切成横幅、方图和分享图时保留焦点附近的部分。在图片上点一下即可设置。",
            },
        ),
        ("文件信息", {"fields": ["file_facts", "used_in"]}),
    ]
    change_list_template = "admin/images/image/change_list.html"

    class Media:
        css = {"all": ["admin-extra/focal-point.css"]}
        js = ["admin-extra/focal-point.js"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # Nothing to point at or report before the first save.
            return [
                (None, {"fields": ["file", "title", "alt_text", "decorative"]}),
                ("说明与版权", {"fields": ["caption", "credit", "source"]}),
                ("归类", {"fields": ["tags", "districts"]}),
            ]
        return self.fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_queryset(self, request):
        thumbnails = Rendition.objects.filter(spec=ADMIN_THUMBNAIL_SPEC, format="webp")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "districts",
                "tags",
                Prefetch("renditions", queryset=thumbnails, to_attr="admin_thumbnails"),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        # Chinese has no spaces between words: split the query with the search
        # app's segmenter (images.search_hooks), every word matching some field.
        if not search_term.strip():
            return queryset, False
        return search(queryset, search_term), False

    @admin.display(description="缩略图")
    def thumbnail(self, image):
        thumbnails = getattr(image, "admin_thumbnails", None)
        if not thumbnails:
            return format_html('<span class="image-thumbnail-missing">{}</span>', "（生成中）")
        thumb = thumbnails[0]
        return format_html(
            '<img class="image-thumbnail" src="{}" width="{}" height="{}" alt="">',
            thumb.url,
            thumb.width,
            thumb.height,
        )

    @admin.display(description="尺寸")
    def dimensions(self, image):
        return f"{image.width}×{image.height}"

    @admin.display(description="城区")
    def district_names(self, image):
        return "、".join(d.name for d in image.districts.all())

    @admin.display(description="替代文本", boolean=True)
    def alt_status(self, image):
        return image.decorative or bool(image.alt_text)

    @admin.display(description="图片")
    def focal_point_picker(self, image):
        if image is None or not image.pk or not image.file:
            return ""
        preview = rendition(image, "w1024", "jpeg")
        return format_html(
            '<div class="focal-point-picker" data-x-input="id_focal_x" data-y-input="id_focal_y">'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-point-marker" aria-hidden="true"></span></div>',
            preview.url,
            preview.width,
            preview.height,
            "点击设置焦点",
        )

    @admin.display(description="文件")
    def file_facts(self, image):
        if image is None or not image.pk:
            return ""
        return format_html(
            '<a href="{}">{}</a>，{}×{} 像素，{} KB，上传者 {}',
            image.file.url,
            "查看存储的文件",
            image.width,
            image.height,
            round(image.file_size / 1024),
            image.uploaded_by or "—",
        )

    @admin.display(description="使用情况")
    def used_in(self, image):
        places = usage(image) if image is not None and image.pk else []
        if not places:
            return "未被使用"
        links = format_html_join("、", '<a href="{}">{}</a>', ((url, name) for name, url in places))
        return format_html("用于 {} 处：{}", len(places), links)

    def save_model(self, request, obj, form, change):
        new_file = form.clean_image is not None
        if not change:
            obj.uploaded_by = request.user
        old = Image.objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if old is not None and new_file:
            old_file = old.file
            # The old file's renditions go with it (their rows and files).
            obj.renditions.all().delete()
            obj.__dict__.pop("_renditions", None)
            transaction.on_commit(lambda: old_file.storage.delete(old_file.name))
        elif old is not None and (old.focal_x, old.focal_y) != (obj.focal_x, obj.focal_y):
            forget_crops(obj)
        if new_file:
            transaction.on_commit(lambda: make_standard_renditions(obj))

    def save_related(self, request, form, formsets, change):
        kept = self.districts_outside_scope(request, form.instance) if change else []
        super().save_related(request, form, formsets, change)
        if kept:
            # A district editor cannot remove links to districts they do not edit.
            form.instance.districts.add(*kept)

    def get_deleted_objects(self, objs, request):
        """An image still used somewhere is listed as protected: the admin then
        refuses the delete (single or bulk) and says where it is used."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for image in objs:
            protected.extend(f"{image}：用于{place}" for place, _url in usage(image))
        return deleted, counts, perms_needed, protected

    def get_urls(self):
        return [
            path(
                "bulk-upload/",
                self.admin_site.admin_view(self.bulk_upload_view),
                name="images_image_bulk_upload",
            ),
            path(
                "picker/",
                self.admin_site.admin_view(partial(picker.choose, model_admin=self)),
                name="images_image_picker",
            ),
            path(
                "picker/upload/",
                self.admin_site.admin_view(partial(picker.upload, model_admin=self)),
                name="images_image_picker_upload",
            ),
            *super().get_urls(),
        ]

    def bulk_upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkUploadForm(request.POST or None, request.FILES or None, request=request)
        if request.method == "POST" and form.is_valid():
            made, refused = self._save_uploads(request, form)
            if made:
                self.message_user(
                    request,
                    f"已上传 {made} 张图片。请逐张填写替代文本（列表中“替代文本：待填写”）。",
                    messages.SUCCESS,
                )
            for name, error in refused:
                self.message_user(request, f"{name}：{error}", messages.ERROR)
            if made and not refused:
                return redirect(reverse("admin:images_image_changelist") + "?alt=missing")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "批量上传图片",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/images/image/bulk_upload.html", context)

    def _save_uploads(self, request, form):
        made, refused = 0, []
        for upload in form.cleaned_data["files"]:
            try:
                clean = clean_upload(upload)
            except ValidationError as exc:
                refused.append((upload.name, " ".join(exc.messages)))
                continue
            image = Image(
                title=_title_from(upload),
                uploaded_by=request.user,
                credit=form.cleaned_data["credit"],
                source=form.cleaned_data["source"],
            )
            image.set_file(clean)
            with transaction.atomic():
                image.save()
                image.districts.set(form.cleaned_data["districts"])
            self.log_addition(request, image, [{"added": {}}])
            transaction.on_commit(lambda image=image: make_standard_renditions(image))
            made += 1
        return made, refused
