"""Downloads at /files/<id>/<slug>.<ext>: the address stays when the title
changes (old slugs redirect) and when the file is replaced (the ETag changes)."""

from urllib.parse import quote

from django.http import (
    FileResponse,
    Http404,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

from .kinds import CONTENT_TYPES
from .models import Document

MAX_AGE = 300


def content_disposition(document):
    """`attachment` with an ASCII name for old clients and the real, often
    Chinese, name as RFC 5987 `filename*` (RFC 6266 says clients prefer it)."""
    fallback = f"{document.slug}.{document.kind}"
    return (
        f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(document.download_name, safe='')}"
    )


def _cache_headers(response, document):
    response["ETag"] = document.etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def download(request, pk, slug=None, ext=None):
    document = get_object_or_404(Document, pk=pk)
    if not document.is_public:
        raise Http404
    if slug != document.slug or ext != document.kind:
        return HttpResponsePermanentRedirect(document.get_absolute_url())
    # Answered before the storage is touched: with S3 that saves a request.
    tags = parse_etags(request.headers.get("If-None-Match", ""))
    if "*" in tags or document.etag in tags:
        return _cache_headers(HttpResponseNotModified(), document)
    try:
        stored = document.file.storage.open(document.file.name, "rb")
    except OSError as exc:
        raise Http404("文件不存在") from exc
    response = FileResponse(stored, content_type=CONTENT_TYPES[document.kind])
    response.headers.setdefault("Content-Length", str(document.size))
    response["Content-Disposition"] = content_disposition(document)
    response["X-Content-Type-Options"] = "nosniff"
    return _cache_headers(response, document)
