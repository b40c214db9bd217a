from django.apps import AppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与登录"


class TOTPDevicesConfig(TOTPDefaultConfig):
    """django-otp's authenticator devices, under a Chinese heading in the admin."""

    verbose_name = "两步验证设备"
