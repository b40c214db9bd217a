from django import forms
from django.core.validators import RegexValidator, slug_re, validate_slug
from django.db import models


class RequestFormMixin:
    """Hands the request to the admin's form (`form_class(request=...)`), so a
    form can shape itself to the user's permissions."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RequestForm


# Django's Chinese message calls the slug a “字段” (field), which tells an
# editor nothing; this says what a 网址名 may contain.
SLUG_MESSAGE = "网址名只能由英文字母、数字、连字符（-）和下划线（_）组成，如 dang-shi-xue-xi。"
plain_slug = RegexValidator(slug_re, SLUG_MESSAGE, code="invalid")


class PlainSlugErrorsMixin:
    """For a ModelAdmin: slug fields explain their rule in plain Chinese."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.SlugField) and formfield is not None:
            formfield.validators = [
                plain_slug if validator is validate_slug else validator
                for validator in formfield.validators
            ]
        return formfield


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (drag and drop a batch). `empty_message` is
    what a user who chose none is told; `max_files` (a number or a function
    giving one) caps a batch with a message naming both counts. Without
    `check_each`, empty or odd files are left for the caller to report one
    by one instead of refusing the whole batch."""

    widget = MultipleFileInput

    def __init__(
        self, *args, empty_message="请选择文件。", max_files=None, check_each=True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.empty_message = empty_message
        self.max_files = max_files
        self.check_each = check_each

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(self.empty_message)
        limit = self.max_files() if callable(self.max_files) else self.max_files
        if limit is not None and len(files) > limit:
            raise forms.ValidationError(f"一次最多 {limit} 个文件，您选择了 {len(files)} 个。")
        if not self.check_each:
            return files
        # Explicit: a bare super() has no class or instance inside a comprehension.
        return [super(MultipleFileField, self).clean(item, initial) for item in files]
