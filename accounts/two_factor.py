"""Who must use two-factor sign-in, and whether this request has passed it."""

from django.conf import settings
from django_otp import user_has_device

PUBLISH_PERMISSIONS = ("articles.publish_article", "districts.publish_programme")


def requires_two_factor(user):
    """Superusers and publishers must enrol when ADMIN_REQUIRE_2FA is on;
    everyone else may."""
    if not settings.ADMIN_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or any(user.has_perm(p) for p in PUBLISH_PERMISSIONS)


def needs_second_step(user):
    """Signed in with a password, but the session has not passed the second step
    that this user has (or must have)."""
    if not user.is_authenticated or user.is_verified():
        return False
    return user_has_device(user) or requires_two_factor(user)
