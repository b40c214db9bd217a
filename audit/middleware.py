from .client_ip import client_ip
from .log import acting_as


class AuditContextMiddleware:
    """Makes the signed-in user and the client address known to `audit.record`
    for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(_LazyUser(request), client_ip(request)):
            return self.get_response(request)


class _LazyUser:
    """request.user, read only when an entry is written (it changes at sign-in)."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request.user, name)
