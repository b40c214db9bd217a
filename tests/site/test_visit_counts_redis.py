"""Visit counts through a real Redis (a redis-server of these tests' own, each
test under its own key prefix): de-duplication kept in Redis with a lifetime
and nowhere else, the buffer written by threshold or age, two flushes at once,
a batch whose write failed, and Redis going away."""

import datetime as dt
import logging
import threading

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import visits
from articles.models import ArticleVisitDay
from core.pagecache import store
from core.status import Status
from tests.factories import make_article

from .visit_redis import free_port, on_redis, redis_server, use_redis  # noqa: F401

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"
BAIDU = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"

pytestmark = pytest.mark.usefixtures("on_redis")


@pytest.fixture(autouse=True)
def _batches(settings):
    settings.VISIT_FLUSH_THRESHOLD = 1000
    settings.VISIT_FLUSH_SECONDS = 3600
    yield
    visits.reset()


def beacon(article, address="198.51.100.1", user_agent=BROWSER):
    return Client().post(
        reverse("articles:article_visit", args=[article.pk]),
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR=address,
    )


def stored(article):
    return sum(ArticleVisitDay.objects.filter(article=article).values_list("count", flat=True))


def raw_client():
    return store.redis_client("default")


def our_keys():
    prefix = caches["default"].key_prefix
    return [key.decode() for key in raw_client().scan_iter(f"{prefix}:*")]


@pytest.mark.django_db
def test_counts_wait_in_redis_and_the_answer_includes_them():
    article = make_article()
    assert beacon(article).json() == {"count": 1}
    assert beacon(article).json() == {"count": 1}
    assert beacon(article, address="198.51.100.2").json() == {"count": 2}
    assert beacon(article, user_agent=BAIDU).json() == {"count": 2}
    assert stored(article) == 0
    visits.flush()
    assert stored(article) == 2
    assert beacon(article, address="198.51.100.3").json() == {"count": 3}


@pytest.mark.django_db
def test_visitors_are_kept_hashed_with_a_lifetime(settings):
    article = make_article()
    beacon(article, address="203.0.113.77")
    seen = [key for key in our_keys() if ":visits:seen:" in key]
    assert len(seen) == 1
    assert "203.0.113.77" not in seen[0] and "iPhone" not in seen[0]
    ttl = raw_client().ttl(seen[0])
    assert 0 < ttl <= settings.VISIT_DEDUP_SECONDS
    for key in our_keys():
        if raw_client().type(key) == b"hash":
            dump = repr(raw_client().hgetall(key))
        else:
            dump = repr(raw_client().get(key))
        assert "203.0.113.77" not in dump and "iPhone" not in dump


@pytest.mark.django_db
def test_the_threshold_writes_the_buffer(settings):
    settings.VISIT_FLUSH_THRESHOLD = 3
    article = make_article()
    beacon(article, address="198.51.100.1")
    beacon(article, address="198.51.100.2")
    assert stored(article) == 0
    assert beacon(article, address="198.51.100.3").json() == {"count": 3}
    assert stored(article) == 3
    assert beacon(article, address="198.51.100.4").json() == {"count": 4}
    assert stored(article) == 3


@pytest.mark.django_db
def test_an_old_buffer_is_written_by_the_next_beacon(settings):
    settings.VISIT_FLUSH_SECONDS = 60
    article = make_article()
    beacon(article, address="198.51.100.1")
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=30)):
        beacon(article, address="198.51.100.2")
    assert stored(article) == 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert beacon(article, address="198.51.100.3").json() == {"count": 3}
    assert stored(article) == 3


def test_two_servers_flushing_at_once_write_every_count_once(transactional_db):
    articles = [make_article() for _ in range(3)]
    expected = {}
    for n, article in enumerate(articles):
        for visitor in range(5 + n):
            assert beacon(article, address=f"198.51.100.{visitor}").status_code == 200
        expected[article.pk] = 5 + n
    start = threading.Barrier(4)

    def flush_now():
        start.wait()
        visits.flush()

    threads = [threading.Thread(target=flush_now) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    visits.flush()  # whatever a thread that found the lock taken left
    assert {a.pk: stored(a) for a in articles} == expected
    assert beacon(articles[0], address="198.51.100.200").json() == {"count": 6}


@pytest.mark.django_db
def test_a_batch_that_failed_to_write_is_still_shown_and_written_next_time(
    settings, monkeypatch, caplog
):
    settings.VISIT_FLUSH_THRESHOLD = 2
    article = make_article()
    real_write = visits.write_counts

    def broken(counts):
        raise RuntimeError("database gone")

    monkeypatch.setattr(visits, "write_counts", broken)
    beacon(article, address="198.51.100.1")
    with caplog.at_level(logging.ERROR, logger="articles.visits"):
        assert beacon(article, address="198.51.100.2").json() == {"count": 2}
    assert any("flush failed" in r.getMessage() for r in caplog.records)
    assert stored(article) == 0
    # Still counted while it waits under its flushing name.
    assert beacon(article, address="198.51.100.3").json() == {"count": 3}
    monkeypatch.setattr(visits, "write_counts", real_write)
    visits.flush()
    assert stored(article) == 3
    assert beacon(article, address="198.51.100.4").json() == {"count": 4}


def test_beacons_and_flushes_do_not_move_the_page_cache_generation(transactional_db, settings):
    settings.VISIT_FLUSH_THRESHOLD = 2
    article = make_article()
    reader = Client()
    url = article.get_absolute_url()
    reader.get(url)
    assert reader.get(url)["X-Page-Cache"] == "hit"
    generation = store.current_generation()
    for n in range(5):
        beacon(article, address=f"198.51.100.{n}")
    visits.flush()
    assert stored(article) == 5
    assert store.current_generation() == generation
    assert reader.get(url)["X-Page-Cache"] == "hit"


def test_an_article_taken_down_is_no_longer_counted(transactional_db):
    # Committed writes: taking it down moves the generation its cached total is kept under.
    article = make_article()
    assert beacon(article).status_code == 200
    article.status = Status.UNPUBLISHED
    article.save()
    assert beacon(article, address="198.51.100.9").status_code == 404


@pytest.mark.django_db
def test_without_redis_counting_goes_on_in_the_process_and_warns_once(settings, caplog):
    settings.VISIT_FLUSH_THRESHOLD = 3
    use_redis(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    article = make_article()
    with caplog.at_level(logging.WARNING, logger="articles.visits"):
        answers = [beacon(article, address=f"198.51.100.{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    assert [a.json()["count"] for a in answers] == [1, 2, 3, 4]
    assert stored(article) == 3
    warnings = [r for r in caplog.records if r.name == "articles.visits"]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()


def scenario(articles, draft):
    """Beacons as readers send them over two days: repeats, bots, a draft, a
    batch written at the threshold, then the rest flushed. The answers and the
    rows stored, with each article named by its place in `articles`."""
    answers = []
    day_one = [(a, f"198.51.100.{n}") for a in (0, 1, 0, 2, 0, 1) for n in range(a + 2)]
    for index, address in day_one + day_one[:4]:
        response = beacon(articles[index], address=address)
        answers.append((index, response.status_code, response.json()))
    for index in (0, 2):
        answers.append((index, beacon(articles[index], user_agent=BAIDU).json()))
    answers.append(("draft", beacon(draft).status_code))
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        for n in range(3):
            answers.append((1, beacon(articles[1], address=f"203.0.113.{n}").json()))
        visits.flush()
    rows = sorted(
        (articles.index(row.article), row.day, row.count)
        for row in ArticleVisitDay.objects.filter(article__in=articles)
    )
    return answers, rows


def test_the_script_and_the_per_process_fallback_count_alike(transactional_db, settings):
    settings.VISIT_FLUSH_THRESHOLD = 4
    through_redis = scenario([make_article() for _ in range(3)], make_article(status=Status.DRAFT))
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "visit-count-comparison",
        }
    }
    store.reset()
    visits.reset()
    in_process = scenario([make_article() for _ in range(3)], make_article(status=Status.DRAFT))
    assert through_redis == in_process
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    assert through_redis[1] == [(0, today, 2), (1, today, 3), (1, tomorrow, 3), (2, today, 4)]


@pytest.mark.django_db
def test_a_beacon_is_one_round_trip_to_redis(monkeypatch):
    article = make_article()
    beacon(article)  # looks the total up and keeps it
    client = raw_client()
    commands = []
    real = client.execute_command

    def counting(*args, **options):
        commands.append(args[0])
        return real(*args, **options)

    monkeypatch.setattr(client, "execute_command", counting)
    assert beacon(article, address="198.51.100.2").json() == {"count": 2}
    assert beacon(article, address="198.51.100.2").json() == {"count": 2}
    assert beacon(article, user_agent=BAIDU).json() == {"count": 2}
    assert commands == ["EVALSHA"] * 3


@pytest.mark.django_db
def test_a_lost_generation_is_made_again_and_a_debt_is_paid_first():
    article = make_article()
    assert beacon(article).json() == {"count": 1}
    raw_client().delete(caches["default"].make_and_validate_key(store.GENERATION_KEY))
    assert beacon(article, address="198.51.100.2").json() == {"count": 2}
    generation = store.current_generation()
    # After a failure the page cache owes a move of the generation; the beacon pays it.
    store._outage.generation_owed = True
    assert beacon(article, address="198.51.100.3").json() == {"count": 3}
    assert store.current_generation() > generation
    assert beacon(article, address="198.51.100.4").json() == {"count": 4}
