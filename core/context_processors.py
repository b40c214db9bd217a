from django.conf import settings
from django.core.exceptions import DisallowedHost

from .site_identity import site_identity


def site(request):
    """The site's name, identifiers and the reader's font size, for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ORGANIZER": settings.SITE_ORGANIZER,
        "SITE_ID_CODE": settings.SITE_ID_CODE,
        "SITE_ICP_NUMBER": settings.SITE_ICP_NUMBER,
        "SITE_PSB_NUMBER": settings.SITE_PSB_NUMBER,
        "SITE_IDENTITY": site_identity(),
        "SITE_DOMAIN": site_domain(request),
        "font_size": getattr(request, "font_size", "medium"),
    }


def site_domain(request):
    if settings.SITE_URL:
        return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    try:
        return request.get_host()
    except DisallowedHost:
        # The 400 page for that very Host is being drawn: name no domain.
        return ""


def absolute_url(request, path):
    """`path` as a full URL on the public site (SITE_URL when set)."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)
