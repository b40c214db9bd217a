"""Visit counts under concurrent requests: threads send beacons to a live
server, readers come back within half an hour, bots come too, and batches are
written while beacons keep arriving. The counts must be exact to the
documented de-duplication, with Redis and with the per-process fallback."""

import json
import random
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from articles import visits
from articles.models import ArticleVisitDay
from tests.factories import make_article

from .visit_redis import redis_server, use_redis  # noqa: F401

BOTS = [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "curl/8.5.0",
]


def browser(n):
    return f"Mozilla/5.0 (Linux; Android 14; Pixel {n}) AppleWebKit/537.36 Chrome/120.0 Mobile"


def post(url, user_agent, address):
    request = urllib.request.Request(
        url,
        method="POST",
        data=b"",
        headers={"User-Agent": user_agent, "X-Forwarded-For": address},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers.get("Set-Cookie") is None
        return json.loads(response.read())["count"]


@pytest.fixture(params=["process", "redis"])
def backend(request, settings):
    settings.TRUST_PROXY_HEADERS = True  # visitors told apart by X-Forwarded-For
    settings.VISIT_FLUSH_THRESHOLD = 7  # many batches written while beacons arrive
    settings.VISIT_FLUSH_SECONDS = 3600
    if request.param == "redis":
        use_redis(settings, request.getfixturevalue("redis_server").url)
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "visit-count-live-tests",
            }
        }
        visits.reset()
    yield request.param
    visits.reset()


def test_concurrent_beacons_count_each_visitor_once(backend, live_server, transactional_db):
    articles = [make_article(), make_article()]
    # Per article: 30 readers (address and browser), a few sharing an address
    # or a browser with another, each sending 3 beacons; bots on top.
    visitors = [(f"198.51.100.{n % 20}", browser(n // 20)) for n in range(30)]
    assert len(set(visitors)) == 30
    calls = []
    for article in articles:
        url = live_server.url + reverse("articles:article_visit", args=[article.pk])
        calls += [(url, ua, address) for address, ua in visitors for _ in range(3)]
        calls += [(url, bot, f"203.0.113.{n}") for n, bot in enumerate(BOTS * 3)]
    random.Random(16).shuffle(calls)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda call: post(*call), calls))

    assert len(answers) == len(calls)
    # Never more than were counted, also while batches are written; a reader's
    # own beacon is in the count it gets back, a bot's may come before any.
    for (_, user_agent, _), n in zip(calls, answers, strict=True):
        assert isinstance(n, int) and (0 if user_agent in BOTS else 1) <= n <= 30, (user_agent, n)
    visits.flush()
    for article in articles:
        rows = ArticleVisitDay.objects.filter(article=article)
        assert [row.count for row in rows] == [30], backend
        # A reader counted already gets the exact total back, nothing added.
        url = live_server.url + reverse("articles:article_visit", args=[article.pk])
        assert post(url, visitors[0][1], visitors[0][0]) == 30
