from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import needs_second_step

# Staff-only areas; the public site is the same for everyone signed in or not.
PROTECTED_PREFIXES = ("/admin/", "/preview/")


class TwoFactorRequiredMiddleware:
    """Keeps a password-only session out of the admin and previews until it has
    passed the second step, or enrolled when enrolment is required.

    Runs after django_otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PROTECTED_PREFIXES) and needs_second_step(request.user):
            allowed = {
                reverse("accounts:otp_verify"),
                reverse("accounts:otp_setup"),
                reverse("admin:logout"),
                reverse("admin:jsi18n"),
            }
            if request.path_info not in allowed:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        return self.get_response(request)
