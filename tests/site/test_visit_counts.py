"""Visit counts (浏览次数) as readers and operators see them: the beacon an
article page sends, what it counts and refuses, the count on the page, the
home page's 热门 and the page cache left alone. These run without Redis (the
per-process fallback); tests/site/test_visit_counts_redis.py runs the Redis
path against a real redis-server, and test_visit_counts_live.py both under
concurrent requests."""

import datetime as dt
import logging
import threading

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import visits
from articles.models import ArticleVisitDay
from core.pagecache import store
from core.status import Status
from tests.factories import make_article

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"
OTHER_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0"
BAIDU = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    # The fallback, even in the test pass that has REDIS_URL set.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "visit-count-tests",
        }
    }
    store.reset()
    settings.VISIT_FLUSH_THRESHOLD = 1000
    settings.VISIT_FLUSH_SECONDS = 3600
    visits.reset()
    yield
    visits.reset()


def beacon(client, article, user_agent=BROWSER, address="198.51.100.1", **extra):
    return client.post(
        reverse("articles:article_visit", args=[article.pk]),
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR=address,
        **extra,
    )


def stored(article):
    return sum(ArticleVisitDay.objects.filter(article=article).values_list("count", flat=True))


@pytest.mark.django_db
def test_a_visitor_is_counted_once_in_half_an_hour():
    article = make_article()
    client = Client()
    first = beacon(client, article)
    assert first.status_code == 200 and first.json() == {"count": 1}
    assert beacon(client, article).json() == {"count": 1}
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert beacon(client, article).json() == {"count": 2}


@pytest.mark.django_db
def test_other_browsers_and_addresses_count_separately_and_bots_not_at_all():
    article = make_article()
    client = Client()
    assert beacon(client, article).json()["count"] == 1
    assert beacon(client, article, user_agent=OTHER_BROWSER).json()["count"] == 2
    assert beacon(client, article, address="198.51.100.2").json()["count"] == 3
    assert beacon(client, article, user_agent=BAIDU).json()["count"] == 3
    assert beacon(client, article, user_agent="curl/8.5.0").json()["count"] == 3
    assert beacon(client, article, user_agent="").json()["count"] == 3
    # The same reader on another article is another visit.
    assert beacon(client, make_article()).json()["count"] == 1


@pytest.mark.django_db
def test_the_beacon_sets_no_cookie_and_is_never_cached():
    article = make_article()
    response = beacon(Client(), article)
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_the_beacon_refuses_what_it_need_not_accept():
    article = make_article()
    draft = make_article(status=Status.DRAFT)
    client = Client()
    url = reverse("articles:article_visit", args=[article.pk])
    assert client.get(url).status_code == 405
    assert beacon(client, draft).status_code == 404
    missing = client.post(reverse("articles:article_visit", args=[draft.pk + 1000]))
    assert missing.status_code == 404
    assert client.post("/visits/abc/").status_code == 404
    too_big = client.post(url, data="x" * 1000, content_type="text/plain", HTTP_USER_AGENT=BROWSER)
    assert too_big.status_code == 400
    other_site = beacon(client, article, HTTP_SEC_FETCH_SITE="cross-site")
    assert other_site.status_code == 403
    forged = beacon(client, article, HTTP_ORIGIN="https://elsewhere.example")
    assert forged.status_code == 403
    assert beacon(client, article, HTTP_ORIGIN="http://testserver").status_code == 200
    # Behind a proxy the Host may lose its port and the scheme its https: the
    # page's own beacon is still ours (nginx on :8080 refused every one).
    assert beacon(client, article, HTTP_ORIGIN="https://testserver:8080").status_code == 200
    assert (
        beacon(
            client, article, HTTP_ORIGIN="http://testserver:8080", HTTP_SEC_FETCH_SITE="same-origin"
        ).status_code
        == 200
    )
    assert beacon(client, article, HTTP_ORIGIN="null").status_code == 403
    assert (
        beacon(
            client, article, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-site"
        ).status_code
        == 403
    )
    # Nothing refused was counted; the one accepted beacon was.
    assert beacon(client, article, user_agent=OTHER_BROWSER).json() == {"count": 2}


@pytest.mark.django_db
def test_the_beacon_needs_no_csrf_token():
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    assert beacon(client, article).status_code == 200


@pytest.mark.django_db
def test_counts_are_written_in_batches_at_the_threshold(settings, django_assert_num_queries):
    settings.VISIT_FLUSH_THRESHOLD = 3
    article = make_article()
    client = Client()
    beacon(client, article, address="198.51.100.1")
    beacon(client, article, address="198.51.100.2")
    assert stored(article) == 0
    assert beacon(client, article, address="198.51.100.3").json() == {"count": 3}
    assert stored(article) == 3
    assert ArticleVisitDay.objects.get(article=article).day == timezone.localdate()
    assert beacon(client, article, address="198.51.100.4").json() == {"count": 4}
    assert stored(article) == 3


@pytest.mark.django_db
def test_an_old_buffer_is_written_by_the_next_beacon(settings):
    settings.VISIT_FLUSH_SECONDS = 60
    article = make_article()
    client = Client()
    beacon(client, article, address="198.51.100.1")
    assert stored(article) == 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert beacon(client, article, address="198.51.100.2").json() == {"count": 2}
    assert stored(article) == 2


@pytest.mark.django_db
def test_a_failed_write_keeps_the_counts_and_the_reader_gets_an_answer(
    settings, monkeypatch, caplog
):
    settings.VISIT_FLUSH_THRESHOLD = 1
    article = make_article()

    def broken(counts):
        raise RuntimeError("database gone")

    monkeypatch.setattr(visits, "write_counts", broken)
    with caplog.at_level(logging.ERROR, logger="articles.visits"):
        assert beacon(Client(), article).json() == {"count": 1}
    assert stored(article) == 0
    monkeypatch.undo()
    visits.flush()
    assert stored(article) == 1


@pytest.mark.django_db
def test_counts_are_added_per_day(settings):
    settings.VISIT_FLUSH_THRESHOLD = 1
    article = make_article()
    client = Client()
    beacon(client, article)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        beacon(client, article)
        beacon(client, article, address="198.51.100.9")
    days = ArticleVisitDay.objects.filter(article=article).order_by("day")
    assert [row.count for row in days] == [1, 2]


@pytest.mark.django_db
def test_the_article_page_shows_the_count_and_where_to_send_the_beacon(settings):
    settings.VISIT_FLUSH_THRESHOLD = 1
    article = make_article()
    client = Client()
    for n in range(3):
        beacon(client, article, address=f"198.51.100.{n}")
    page = client.get(article.get_absolute_url()).content.decode()
    url = reverse("articles:article_visit", args=[article.pk])
    assert f'<dt>浏览次数</dt><dd data-visit-url="{url}">3</dd>' in page
    assert "js/visits.js" in page


@pytest.mark.django_db
def test_a_preview_sends_no_beacon(admin_client):
    article = make_article(status=Status.DRAFT)
    page = admin_client.get(reverse("articles:article_preview", args=[article.pk]))
    assert page.status_code == 200
    assert "data-visit-url" not in page.content.decode()


def test_counting_and_flushing_leave_the_page_cache_alone(transactional_db, settings):
    settings.VISIT_FLUSH_THRESHOLD = 2
    article = make_article()
    reader = Client()
    url = article.get_absolute_url()
    reader.get(url)
    assert reader.get(url)["X-Page-Cache"] == "hit"
    generation = store.current_generation()
    for n in range(5):
        assert beacon(Client(), article, address=f"198.51.100.{n}").status_code == 200
    visits.flush()
    assert stored(article) == 5
    assert store.current_generation() == generation
    assert reader.get(url)["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_home_lists_the_most_visited_of_the_last_seven_days(client):
    today = timezone.localdate()
    quiet, popular, most, stale = (make_article(title=f"热门测试{n}") for n in range(4))
    for article, day, count in [
        (popular, today, 5),
        (most, today - dt.timedelta(days=6), 9),
        (quiet, today, 0),
        (stale, today - dt.timedelta(days=7), 50),  # eight days ago: not in the list
        (popular, today - dt.timedelta(days=2), 2),
    ]:
        ArticleVisitDay.objects.create(article=article, day=day, count=count)
    hidden = make_article(title="热门测试已撤下", status=Status.UNPUBLISHED)
    ArticleVisitDay.objects.create(article=hidden, day=today, count=100)

    page = client.get(reverse("home")).content.decode()
    section = page.split('id="popular-heading"')[1].split("</section>")[0]
    assert section.index("热门测试2") < section.index("热门测试1")
    assert "浏览 9 次" in section and "浏览 7 次" in section
    assert "热门测试0" not in section and "热门测试3" not in section
    assert "已撤下" not in section
    # The latest list is unchanged by it.
    latest = page.split('id="latest"')[1].split("</section>")[0]
    assert "热门测试0" in latest and "热门测试已撤下" not in latest


@pytest.mark.django_db
def test_home_without_visits_has_no_popular_list(client):
    make_article()
    assert 'id="popular-heading"' not in client.get(reverse("home")).content.decode()


def test_a_count_asked_for_while_a_batch_is_written_is_not_doubled(monkeypatch):
    """Without Redis: a reader whose beacon arrives just after this process has
    written a batch, but before it has taken the batch out of what it still
    counts as buffered, is shown the batch once."""
    database = {42: 0}  # article pk -> its total in ArticleVisitDay
    monkeypatch.setattr(visits, "_public_total", database.get)
    answers, readers = [], []

    def write_then_meet_a_reader(counts):
        for (pk, _day), n in counts.items():
            database[pk] += n  # committed
        reader = threading.Thread(
            target=lambda: answers.append(visits._local.record(42, None, "2021-03-11", 0.0))
        )
        readers.append(reader)
        reader.start()
        reader.join(timeout=0.3)  # one who came meanwhile waits for the batch
        return set(database)

    monkeypatch.setattr(visits, "write_counts", write_then_meet_a_reader)
    for n in range(5):
        visits._local.record(42, f"reader-{n}", "2021-03-11", 0.0)
    visits._local.flush()
    (reader,) = readers
    reader.join(timeout=5)
    assert answers == [5]
