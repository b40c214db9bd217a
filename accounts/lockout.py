from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def lockout_response(request, credentials=None, *args, **kwargs):
    """django-axes' answer while a username or address is locked: a page in
    Chinese with status 429, for every sign-in attempt, right password or not."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,
        "title": "登录已被暂时锁定",
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
