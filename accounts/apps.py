from django.apps import AppConfig
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import pgettext, pgettext_lazy
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig

# The translation context of django-otp's texts in locale/zh_Hans/LC_MESSAGES/django.po.
OTP_CONTEXT = "django-otp"

PERMISSION_ACTIONS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与登录"
    # This module holds three AppConfig classes (one imported): without
    # `default`, Django used none of them for "accounts" in INSTALLED_APPS and
    # the admin called the app "Accounts".
    default = True

    def ready(self):
        from django.contrib.auth.admin import GroupAdmin, UserAdmin
        from django.contrib.auth.models import Group, User

        # django-axes has no name of its own but "Axes"; the user and group
        # forms show it with each of its permissions.
        self.apps.get_app_config("axes").verbose_name = "登录保护"
        for model, model_admin in [(User, UserAdmin), (Group, GroupAdmin)]:
            admin.site.unregister(model)
            admin.site.register(model, with_chinese_permission_names(model_admin))


class TOTPDevicesConfig(TOTPDefaultConfig):
    """django-otp's authenticator devices, in Chinese in the admin."""

    default = False
    verbose_name = "两步验证设备"

    def ready(self):
        super().ready()
        # Models and admin modules can only be imported once apps are loaded.
        from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
        from django_otp.plugins.otp_totp.models import TOTPDevice

        mark_for_translation(TOTPDevice)
        # The admin autodiscovered django-otp's admin before this app was ready.
        admin.site.unregister(TOTPDevice)
        admin.site.register(TOTPDevice, chinese_device_admin(TOTPDeviceAdmin))


def permission_name(permission):
    """A permission as the user and group forms list it: "稿件与专题 | 稿件 |
    可以修改稿件". Django stores the names of the permissions it creates in
    English ("Can change 稿件", or "Can change log entry" for its own models);
    these are named again from the action and the model's translated name."""
    model = permission.content_type.model_class()
    if model is None:  # a model no longer installed
        return str(permission)
    opts = model._meta
    action, _, model_name = permission.codename.partition("_")
    name = permission.name
    if action in PERMISSION_ACTIONS and model_name == opts.model_name:
        name = f"可以{PERMISSION_ACTIONS[action]}{opts.verbose_name}"
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {name}"


def with_chinese_permission_names(base):
    """Django's user or group admin `base`, listing permissions by permission_name()."""

    class ChinesePermissionsAdmin(base):
        def formfield_for_manytomany(self, db_field, request=None, **kwargs):
            field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
            if field is not None and db_field.name in {"permissions", "user_permissions"}:
                field.label_from_instance = permission_name
            return field

    return ChinesePermissionsAdmin


def mark_for_translation(model):
    """django-otp writes its model's names and help texts as plain English
    strings, not gettext_lazy() ones, so no catalog could translate them: mark
    them, in the context OTP_CONTEXT, for the project's catalog to translate.

    Marked, not replaced by Chinese: with translations off, as in makemigrations,
    they read as django-otp's own texts, so no migration of its app is asked for.
    """
    opts = model._meta
    opts.verbose_name = pgettext_lazy(OTP_CONTEXT, str(opts.verbose_name))
    opts.verbose_name_plural = pgettext_lazy(OTP_CONTEXT, str(opts.verbose_name_plural))
    for field in opts.get_fields():
        if field.concrete and not field.auto_created:
            field.verbose_name = pgettext_lazy(OTP_CONTEXT, str(field.verbose_name))
            if field.help_text:
                field.help_text = pgettext_lazy(OTP_CONTEXT, str(field.help_text))


def chinese_device_admin(base):
    """django-otp's device admin `base` with its section titles, search hint, QR
    code column and QR code page, plain English in its code, in Chinese."""

    class TOTPDeviceAdmin(base):
        # django-otp's hint is "Search by user's " and the user fields' names.
        search_help_text = "按用户的用户名或电子邮件地址搜索"

        def get_fieldsets(self, request, obj=None):
            fieldsets = super().get_fieldsets(request, obj)
            return [(name and pgettext(OTP_CONTEXT, name), options) for name, options in fieldsets]

        def config_view(self, request, pk):
            response = super().config_view(request, pk)
            response.template_name = "admin/otp_totp/totpdevice/config.html"
            response.context_data.update(title="二维码", opts=self.opts)
            return response

        @admin.display(description="二维码")
        def qrcode_link(self, device):
            href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
            return format_html('<a href="{}">二维码</a>', href)

    return TOTPDeviceAdmin
