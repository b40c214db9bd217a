"""Preview: unpublished content on the real public template, for staff only."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.cache import add_never_cache_headers


class PreviewMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Staff with the view permission see the page with a 预览 banner; it is
    never cached and asks search engines not to index it. Everyone else gets
    the login page (anonymous) or 403 (no permission)."""

    login_url = "admin:login"
    raise_exception = False

    def has_permission(self):
        return self.request.user.is_staff and super().has_permission()

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
