from django.conf import settings


def client_ip(request):
    """The address the request came from.

    Behind a proxy (TRUST_PROXY_HEADERS=1) that is the last address in
    X-Forwarded-For, the one our proxy appended; earlier ones are whatever
    the client chose to send and are never trusted.
    """
    if settings.TRUST_PROXY_HEADERS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None
