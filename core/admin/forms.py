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
