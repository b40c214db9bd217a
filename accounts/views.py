"""Two-factor sign-in pages: enrol a TOTP authenticator app, pass the second step."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.log import Action, Outcome, record

from .two_factor import requires_two_factor

DEVICE_NAME = "身份验证器"


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="6 位动态验证码",
        regex=r"^\d{6}$",
        error_messages={"invalid": "请输入身份验证器显示的 6 位数字。"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "maxlength": 6,
                "class": "vTextField",
            }
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "")


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _with_next(url_name, request):
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def _page(request, template, title, **context):
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            # Until the second step is passed, the admin's menu would only lead back here.
            "is_nav_sidebar_enabled": False,
            "title": title,
            "next": _next_url(request),
            **context,
        },
    )


def _check_token(request, device, form):
    """Verify the form's token on `device`, with django-otp's throttling."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", "验证码错误次数过多，请稍等片刻再试。")
        return False
    with transaction.atomic():
        ok = device.verify_token(form.cleaned_data["token"])
    if not ok:
        record(Action.OTP_FAILED, device, outcome=Outcome.FAILURE)
        form.add_error("token", "验证码不正确或已过期，请输入身份验证器上当前显示的数字。")
    return ok


@never_cache
@sensitive_post_parameters("token")
@login_required(login_url="admin:login")
def verify(request):
    """The second step of signing in."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        if requires_two_factor(user):
            return redirect(_with_next("accounts:otp_setup", request))
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_token(request, device, form):
        # A new session key for the now fully signed-in session.
        request.session.cycle_key()
        otp_login(request, device)
        return redirect(_next_url(request))
    return _page(request, "accounts/otp_verify.html", "两步验证", form=form)


@never_cache
@sensitive_post_parameters("token")
@login_required(login_url="admin:login")
def setup(request):
    """Enrol an authenticator app: scan the QR code, confirm with one code."""
    user = request.user
    if user_has_device(user):
        if not user.is_verified():
            return redirect(_with_next("accounts:otp_verify", request))
        return _page(
            request,
            "accounts/otp_setup.html",
            "两步验证",
            enrolled=True,
            required=requires_two_factor(user),
        )
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_token(request, device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        request.session.cycle_key()
        otp_login(request, device)
        record(Action.OTP_ENROLLED, device)
        messages.success(
            request, "两步验证已启用。以后登录时，除密码外还需输入身份验证器上的验证码。"
        )
        return redirect(_next_url(request))
    qr = segno.make(device.config_url, error="m")
    return _page(
        request,
        "accounts/otp_setup.html",
        "启用两步验证",
        form=form,
        enrolled=False,
        required=requires_two_factor(user),
        qr_svg=qr.svg_inline(scale=5, dark="#000", light="#fff"),
        secret=_grouped(device),
    )


def _grouped(device):
    """The base32 secret in groups of four, for typing it in by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
