"""The API's HTTP behaviour: the shared page cache with the pages'
invalidation, ETag and 304, Cache-Control, CORS, and the rate limit (429 with
Retry-After; no 500 when Redis is gone)."""

import logging
import secrets
import socket

import pytest
from django.contrib.staticfiles import finders

from api.ratelimit import outage
from core.pagecache import store

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


@pytest.fixture
def committed_seed(transactional_db, content):
    """Committed, as the page cache stores nothing built from uncommitted writes."""
    from articles.models import Article

    return Article.objects.get(title__startswith="上城江干滨江")


def test_answers_are_cached_and_an_edit_shows_at_once(api, committed_seed):
    seed = committed_seed
    first = api.get(LIST)
    assert first["X-Page-Cache"] == "miss"
    assert first["Cache-Control"].startswith("public, max-age=")
    assert api.get(LIST)["X-Page-Cache"] == "hit"
    seed.title = "改过的标题"
    seed.save()
    after = api.get(LIST)
    assert after["X-Page-Cache"] == "miss"
    assert after.json()["results"][0]["title"] == "改过的标题"


def test_etag_and_304(api, seed):
    etag = api.get(f"/api/v1/articles/{seed.slug}/")["ETag"]
    assert etag
    again = api.get(f"/api/v1/articles/{seed.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""


def test_cors_allows_reading_from_anywhere(api, client, content):
    for response in (api.get(LIST), api.get(LIST), api.get(f"{LIST}?year=x")):
        assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(LIST, HTTP_ORIGIN="https://example.org")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    # The site's pages stay same-origin.
    assert "Access-Control-Allow-Origin" not in client.get("/articles/")


def _address():
    return f"127.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"


def test_too_many_requests_from_one_address_are_429(api, content, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    address = _address()
    statuses = [api.get(LIST, REMOTE_ADDR=address).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get(LIST, REMOTE_ADDR=address)
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Cached answers count too, and another address has its own count.
    assert api.get(LIST, REMOTE_ADDR=_address()).status_code == 200


def _dead_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_without_redis_the_api_answers_unlimited(api, content, settings, caplog):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    outage.forget()
    caplog.set_level(logging.WARNING)
    try:
        address = _address()
        for _ in range(3):
            response = api.get(LIST, REMOTE_ADDR=address)
            assert response.status_code == 200
            assert response["X-Page-Cache"] == "bypass"
        assert "API rate limit unavailable" in caplog.text
    finally:
        outage.forget()
        store.forget_outage()


def test_docs_page_loads_only_this_sites_files(client, content):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert finders.find("ninja/swagger-ui-bundle.js")  # shipped in django-ninja
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")


def _wsgi(method, path, **extra):
    """(status, headers, body) through Django's own WSGI handler, which, unlike
    the test client, leaves a HEAD answer's body to the application."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import RequestFactory

    environ = RequestFactory().generic(method, path, **extra).environ
    started = {}

    def start_response(status, headers):
        started["status"], started["headers"] = status, dict(headers)

    # As Django's test client does: the handler would otherwise close the test's
    # database connection (and its transaction) when the request finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(WSGIHandler()(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(started["status"].split()[0]), started["headers"], body


@pytest.mark.parametrize("path", [LIST, "/api/v1/districts/jianggan/", "/api/v1/openapi.json"])
def test_head_answers_as_get_without_a_body(api, content, path):
    get_status, get_headers, get_body = _wsgi("GET", path)
    status, headers, body = _wsgi("HEAD", path)
    assert get_status == status == 200 and get_body and body == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Access-Control-Allow-Origin"):
        assert headers.get(name) == get_headers.get(name), name
    assert int(headers["Content-Length"]) == len(get_body)


def test_head_is_cached_conditional_and_limited_like_get(api, committed_seed, settings):
    detail = f"/api/v1/articles/{committed_seed.slug}/"
    first = api.client.head(detail)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    again = api.client.head(detail)
    assert again["X-Page-Cache"] == "hit" and again.content == b""
    # The entry a HEAD made is the whole GET answer.
    assert api.get(detail).json()["slug"] == committed_seed.slug
    assert api.client.head(detail, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api.client.head("/api/v1/articles/nothing/").status_code == 404
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    address = _address()
    assert api.client.head(LIST, REMOTE_ADDR=address).status_code == 200
    refused = api.client.head(LIST, REMOTE_ADDR=address)
    assert refused.status_code == 429 and refused["Retry-After"]


def test_other_methods_are_405_naming_get_and_head(client, content):
    response = client.post(LIST)
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    preflight = client.options(LIST, HTTP_ORIGIN="https://example.org")
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
