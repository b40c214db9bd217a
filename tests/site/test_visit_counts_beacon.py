"""The beacon answered early (articles.middleware.VisitBeaconMiddleware):
before sessions, authentication, CSRF and the rest run, with the security
headers every answer carries, at the URL the URLconf routes and under a script
prefix; everything else still goes down the whole stack."""

import pytest
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client
from django.urls import reverse

from articles import visits
from core.pagecache import store
from tests.factories import make_article

from .visit_redis import on_redis, redis_server  # noqa: F401

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"

SECURITY_HEADERS = (
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Content-Security-Policy",
    "X-Frame-Options",
)


@pytest.fixture(autouse=True)
def _fresh_counts(request, settings):
    if "on_redis" not in request.fixturenames:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "visit-beacon-tests",
            }
        }
        store.reset()
    settings.VISIT_FLUSH_THRESHOLD = 1000
    settings.VISIT_FLUSH_SECONDS = 3600
    visits.reset()
    yield
    visits.reset()


@pytest.fixture
def spy(monkeypatch):
    """The middleware, among those the beacon skips, that a request reached."""
    reached = []
    for middleware, method in [
        (SessionMiddleware, "process_request"),
        (AuthenticationMiddleware, "process_request"),
        (CsrfViewMiddleware, "process_view"),
        (MessageMiddleware, "process_request"),
    ]:
        original = getattr(middleware, method)

        def recording(self, request, *args, _original=original, _name=middleware.__name__):
            reached.append(_name)
            return _original(self, request, *args)

        monkeypatch.setattr(middleware, method, recording)
    return reached


def post(client, path, **extra):
    extra.setdefault("HTTP_USER_AGENT", BROWSER)
    return client.post(path, **extra)


@pytest.mark.django_db
def test_a_beacon_never_reaches_the_session_or_authentication(spy):
    article = make_article()
    url = reverse("articles:article_visit", args=[article.pk])
    # Even a reader who sends cookies (the page's script sends none) gets none back.
    client = Client()
    client.cookies["sessionid"] = "not-a-session"
    client.cookies["fontsize"] = "large"
    response = post(client, url)
    assert response.status_code == 200 and response.json() == {"count": 1}
    assert spy == []
    assert not response.cookies
    assert "Vary" not in response
    assert "no-store" in response["Cache-Control"]
    # The spy does see what goes down the stack: a GET to the beacon, a page.
    assert client.get(url).status_code == 405
    assert "SessionMiddleware" in spy and "AuthenticationMiddleware" in spy
    spy.clear()
    Client().get(article.get_absolute_url())
    assert "SessionMiddleware" in spy


@pytest.mark.django_db
def test_a_beacon_carries_the_security_headers_of_any_answer(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    article = make_article()
    client = Client()
    page = client.get(article.get_absolute_url(), secure=True)
    response = post(client, reverse("articles:article_visit", args=[article.pk]), secure=True)
    assert response.status_code == 200
    for name in SECURITY_HEADERS:
        assert response[name] == page[name], name
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["Content-Length"] == str(len(response.content))


@pytest.mark.django_db
def test_a_beacon_over_plain_http_is_redirected_like_any_request(settings):
    settings.SECURE_SSL_REDIRECT = True
    article = make_article()
    response = post(Client(), reverse("articles:article_visit", args=[article.pk]))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert post(
        Client(), reverse("articles:article_visit", args=[article.pk]), secure=True
    ).json() == {"count": 1}


@pytest.mark.django_db
def test_a_beacon_for_a_host_not_served_is_refused(caplog):
    article = make_article()
    url = reverse("articles:article_visit", args=[article.pk])
    response = post(Client(), url, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {"error": "请求无效。"}
    assert any(r.name == "django.security.DisallowedHost" for r in caplog.records)
    # Nothing was counted: the next beacon from the same reader is the first.
    assert post(Client(), url).json() == {"count": 1}


@pytest.mark.django_db
def test_the_beacon_is_found_under_a_script_prefix(spy):
    article = make_article()
    response = post(Client(), f"/visits/{article.pk}/", SCRIPT_NAME="/cms")
    assert response.status_code == 200 and response.json() == {"count": 1}
    assert spy == []


@pytest.mark.django_db
def test_the_beacon_is_found_where_the_urlconf_routes_it(settings, spy):
    settings.ROOT_URLCONF = "tests.site.beacon_urls"
    article = make_article()
    assert reverse("articles:article_visit", args=[article.pk]) == f"/zh/visits/{article.pk}/"
    assert post(Client(), f"/zh/visits/{article.pk}/").json() == {"count": 1}
    assert spy == []
    assert post(Client(), f"/visits/{article.pk}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/visits/abc/", "/visits/١٢/", "/visits/-1/", "/visits//", "/visits/1/x/"]
)
def test_what_is_not_a_beacon_goes_down_the_stack(path, spy):
    assert post(Client(), path).status_code == 404
    assert "SessionMiddleware" in spy


@pytest.mark.django_db
@pytest.mark.usefixtures("on_redis")
def test_a_beacon_with_its_total_cached_makes_no_query(django_assert_num_queries):
    article = make_article()
    client = Client()
    url = reverse("articles:article_visit", args=[article.pk])
    assert post(client, url).json() == {"count": 1}  # looks the total up once
    with django_assert_num_queries(0):
        assert post(client, url, REMOTE_ADDR="198.51.100.7").json() == {"count": 2}
        assert post(client, url, REMOTE_ADDR="198.51.100.7").json() == {"count": 2}
