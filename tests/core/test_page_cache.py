"""The shared page cache (core.pagecache): what readers get from it, and that
no change of any kind leaves them reading the old page.

These tests commit their writes (transactional_db): pages built while a
transaction holds uncommitted content writes are never stored, so inside the
usual rolled-back test transaction nothing would be cached at all."""

import datetime as dt

import pytest
import reversion
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import (
    Article,
    ArticleRedirect,
    ArticleSection,
    Byline,
    Campaign,
    Programme,
    ProgrammeItem,
)
from core.models import Tag
from core.pagecache import store
from core.status import Status
from districts.models import District
from tests.admin_helpers import admin_url, login_as
from tests.factories import make_article

REPORT = "/campaigns/2021-dang-shi-xue-xi-jiao-yu/"


def cache_state(response):
    return response.headers.get("X-Page-Cache")


def warm(client, url):
    """Fetch `url` until it is served from the cache; the page as cached."""
    first = client.get(url)
    assert cache_state(first) in {"miss", "hit"}, (url, first.status_code, cache_state(first))
    second = client.get(url)
    assert cache_state(second) == "hit"
    assert second.content == first.content
    return second


@pytest.fixture
def reader():
    return Client()


@pytest.fixture
def committed_seed(transactional_db, content):
    return Article.objects.get(reported_campaigns__isnull=False)


# --- What is cached and for whom ---------------------------------------------


def test_second_anonymous_request_is_a_hit_with_public_cache_control(reader, committed_seed):
    miss = reader.get(REPORT)
    assert miss.status_code == 200 and cache_state(miss) == "miss"
    hit = reader.get(REPORT)
    assert cache_state(hit) == "hit"
    assert hit.content == miss.content
    assert hit["Content-Type"] == miss["Content-Type"]
    assert hit["Content-Security-Policy"] == miss["Content-Security-Policy"]
    assert hit["Cache-Control"].startswith("public, max-age=60")
    assert "stale-while-revalidate=30" in hit["Cache-Control"]


def test_cached_page_still_answers_304(reader, committed_seed):
    page = warm(reader, REPORT)
    assert page.has_header("ETag") and page.has_header("Last-Modified")
    by_etag = reader.get(REPORT, headers={"If-None-Match": page["ETag"]})
    assert by_etag.status_code == 304 and by_etag.content == b""
    by_date = reader.get(REPORT, headers={"If-Modified-Since": page["Last-Modified"]})
    assert by_date.status_code == 304
    assert reader.get(REPORT, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_is_served_from_the_cache_without_a_body(reader, committed_seed):
    page = warm(reader, REPORT)
    head = reader.head(REPORT)
    assert cache_state(head) == "hit" and head.content == b""
    assert head["Content-Length"] == str(len(page.content))


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/",
        "/districts/",
        "/tags/",
        "/search/?q=党史",
        "/search.json?q=党史",
        "/feeds/articles.rss",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_public_pages_feeds_sitemap_and_search_json_are_cached(reader, committed_seed, url):
    warm(reader, url)


def test_signed_in_staff_are_never_served_or_stored(client, reader, committed_seed):
    login_as(client, "publisher")
    for _ in range(2):
        page = client.get(REPORT)
        assert cache_state(page) == "bypass"
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
        assert "public" not in page["Cache-Control"]
    # Nothing the staff member saw was stored for readers.
    assert cache_state(reader.get(REPORT)) == "miss"


def test_preview_and_admin_are_not_cached(client, committed_seed):
    login_as(client, "publisher")
    preview = client.get(f"/preview/articles/{committed_seed.pk}/")
    assert preview.status_code == 200
    assert "no-store" in preview["Cache-Control"]
    assert "X-Page-Cache" not in preview
    assert "X-Page-Cache" not in client.get("/admin/")
    anonymous = Client().get("/admin/login/")
    assert "X-Page-Cache" not in anonymous and "no-store" in anonymous["Cache-Control"]


def test_responses_that_set_cookies_are_not_stored(reader, committed_seed):
    url = committed_seed.get_absolute_url()
    chosen = reader.get(url + "?size=large")
    assert chosen.cookies["fontsize"].value == "large"
    assert cache_state(chosen) == "bypass"


def test_each_font_size_is_cached_on_its_own(reader, committed_seed):
    url = committed_seed.get_absolute_url()
    medium = warm(reader, url)
    reader.cookies["fontsize"] = "large"
    large = reader.get(url)
    assert cache_state(large) == "miss"
    assert large.content != medium.content
    assert cache_state(reader.get(url)) == "hit"


def test_page_cache_seconds_zero_turns_it_off(reader, committed_seed, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert cache_state(reader.get(REPORT)) == "bypass"


def test_not_found_pages_are_not_stored(reader, committed_seed):
    for _ in range(2):
        missing = reader.get("/articles/no-such-article/")
        assert missing.status_code == 404 and cache_state(missing) == "bypass"


# --- Never stale: every kind of change -------------------------------------


def _seed(_):
    return Article.objects.get(reported_campaigns__isnull=False)


def _save_title(seed):
    seed.title = "改过的报道标题"
    seed.save()
    return "改过的报道标题"


def _update_title(seed):
    Article.objects.filter(pk=seed.pk).update(title="批量改过的标题")
    return "批量改过的标题"


def _raw_sql_title(seed):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(Article._meta.db_table)} SET title = %s WHERE id = %s",
            ["直接改过的标题", seed.pk],
        )
    return "直接改过的标题"


def _add_tag(seed):
    seed.tags.add("新加的标签")
    return "新加的标签"


def _edit_section(seed):
    ArticleSection.objects.filter(article=seed).update(body="<p>改写的正文段落。</p>")
    return "改写的正文段落"


def _add_byline(seed):
    Byline.objects.create(article=seed, kind=Byline.Kind.AUTHOR, role="通讯员", name="新署名人")
    return "新署名人"


def _rename_district(seed):
    district = District.objects.get(name="上城区")
    district.name = "新上城区"
    district.save()
    return "新上城区"


def _rename_tag(seed):
    tag = seed.tags.first()
    Tag.objects.filter(pk=tag.pk).update(name="改名的标签")
    return "改名的标签"


def _restore_old_version(seed):
    with reversion.create_revision():
        seed.save()
    seed.title = "恢复前的标题"
    seed.save()
    Version.objects.get_for_object(seed).order_by("pk").first().revision.revert()
    return Article.objects.get(pk=seed.pk).title


ARTICLE_CHANGES = {
    "save": _save_title,
    "queryset update": _update_title,
    "raw SQL": _raw_sql_title,
    "m2m tag added": _add_tag,
    "inline section": _edit_section,
    "inline byline": _add_byline,
    "district renamed": _rename_district,
    "tag renamed": _rename_tag,
    "version restored": _restore_old_version,
}


@pytest.mark.parametrize("change", ARTICLE_CHANGES.values(), ids=ARTICLE_CHANGES.keys())
def test_article_page_shows_every_change_at_once(reader, committed_seed, change):
    url = committed_seed.get_absolute_url()
    warm(reader, url)
    expected = change(committed_seed)
    page = reader.get(url)
    assert cache_state(page) == "miss"
    assert expected in page.content.decode()


def _rename_programme(_):
    programme = Programme.objects.get(name="五学五争")
    programme.headline = "改过的举措标题"
    programme.save()
    return "改过的举措标题"


def _add_programme_items(_):
    programme = Programme.objects.get(name="五学五争")
    ProgrammeItem.objects.bulk_create(
        [ProgrammeItem(programme=programme, position=99, title="新增的条目")]
    )
    return "新增的条目"


def _retitle_campaign(_):
    campaign = Campaign.objects.get()
    campaign.title = "改过的专题名"
    campaign.save(update_fields=["title"])
    return "改过的专题名"


REPORT_CHANGES = {
    "programme saved": _rename_programme,
    "bulk_create items": _add_programme_items,
    "campaign saved": _retitle_campaign,
}


@pytest.mark.parametrize("change", REPORT_CHANGES.values(), ids=REPORT_CHANGES.keys())
def test_report_shows_every_change_at_once(reader, committed_seed, change):
    warm(reader, REPORT)
    expected = change(committed_seed)
    page = reader.get(REPORT)
    assert cache_state(page) == "miss"
    assert expected in page.content.decode()


def test_deleted_article_is_gone_at_once(reader, committed_seed):
    extra = make_article(title="将被删除的稿件")
    warm(reader, extra.get_absolute_url())
    extra.delete()
    assert reader.get(extra.get_absolute_url()).status_code == 404


def test_removed_redirect_stops_redirecting(reader, committed_seed):
    ArticleRedirect.objects.create(old_slug="old-address", article=committed_seed)
    moved = warm(reader, "/articles/old-address/")
    assert moved.status_code == 301
    ArticleRedirect.objects.filter(old_slug="old-address").delete()
    assert reader.get("/articles/old-address/").status_code == 404


def test_admin_bulk_unpublish_reaches_readers(client, reader, committed_seed):
    extra = make_article(title="批量下线的稿件")
    warm(reader, extra.get_absolute_url())
    assert "批量下线的稿件" in warm(reader, "/articles/").content.decode()
    login_as(client, "publisher")
    client.post(
        admin_url(Article, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [extra.pk]},
    )
    assert reader.get(extra.get_absolute_url()).status_code == 404
    assert "批量下线的稿件" not in reader.get("/articles/").content.decode()


def test_import_reaches_readers(reader, committed_seed, seed_path, tmp_path):
    warm(reader, "/articles/")
    text = seed_path.read_text(encoding="utf-8")
    title = committed_seed.title
    # The same file, re-imported with a corrected title.
    new_file = tmp_path / seed_path.name
    new_file.write_text(text.replace(title, "导入的新稿件标题", 1), encoding="utf-8")
    call_command("import_articles", str(new_file), "--force", "--status=published", verbosity=0)
    assert "导入的新稿件标题" in reader.get("/articles/").content.decode()


def test_rolled_back_change_leaves_the_cache_valid(reader, committed_seed):
    from django.db import transaction

    warm(reader, REPORT)
    with pytest.raises(RuntimeError), transaction.atomic():
        Campaign.objects.update(title="不会保存的标题")
        raise RuntimeError
    # The first write bumped the generation; the page is rebuilt once, unchanged.
    assert cache_state(reader.get(REPORT)) == "miss"
    assert cache_state(reader.get(REPORT)) == "hit"


# --- Scheduled publication and expiry, no cron -----------------------------


def test_scheduled_article_appears_when_its_time_comes(reader, committed_seed, time_machine):
    now = timezone.now()
    make_article(title="定时发布的稿件", published_at=now + dt.timedelta(minutes=5))
    page = warm(reader, "/articles/")
    assert "定时发布的稿件" not in page.content.decode()
    assert page["Cache-Control"].startswith("public, max-age=60")
    time_machine.move_to(now + dt.timedelta(minutes=4, seconds=50), tick=False)
    nearly = reader.get("/articles/")
    assert cache_state(nearly) == "hit"
    # A proxy in front may not keep it past the publication time either.
    assert "max-age=10, stale-while-revalidate=0" in nearly["Cache-Control"]
    time_machine.move_to(now + dt.timedelta(minutes=5, seconds=1), tick=False)
    assert "定时发布的稿件" in reader.get("/articles/").content.decode()


def test_expired_article_disappears_when_its_time_comes(reader, committed_seed, time_machine):
    now = timezone.now()
    expiring = make_article(title="将到期的稿件", expires_at=now + dt.timedelta(minutes=2))
    assert "将到期的稿件" in warm(reader, "/articles/").content.decode()
    time_machine.move_to(now + dt.timedelta(minutes=1), tick=False)
    assert cache_state(reader.get("/articles/")) == "hit"
    time_machine.move_to(now + dt.timedelta(minutes=2, seconds=1), tick=False)
    assert "将到期的稿件" not in reader.get("/articles/").content.decode()
    assert reader.get(expiring.get_absolute_url()).status_code == 404


def test_entries_expire_after_page_cache_seconds(reader, committed_seed, time_machine, settings):
    settings.PAGE_CACHE_SECONDS = 30
    now = timezone.now()
    warm(reader, REPORT)
    time_machine.move_to(now + dt.timedelta(seconds=31), tick=False)
    assert cache_state(reader.get(REPORT)) == "miss"


# --- Redis down ------------------------------------------------------------


def _unused_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_cache_builds_pages_and_warns_once(reader, committed_seed, settings, caplog):
    pytest.importorskip("redis")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_unused_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    store.forget_outage()
    with caplog.at_level("WARNING", logger="core.pagecache"):
        for _ in range(3):
            page = reader.get(REPORT)
            assert page.status_code == 200 and cache_state(page) == "bypass"
    warnings = [r for r in caplog.records if r.name == "core.pagecache"]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()


# --- Fragments: pages the whole-page cache does not answer -----------------


def test_report_fragments_save_their_queries_and_follow_changes(
    reader, committed_seed, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    first = reader.get(REPORT)
    with django_assert_max_num_queries(3):  # campaign, its tags, the bylines
        second = reader.get(REPORT)
    assert second.content == first.content
    _rename_programme(None)
    assert "改过的举措标题" in reader.get(REPORT).content.decode()


def test_another_font_size_reuses_the_fragments(
    reader, committed_seed, django_assert_max_num_queries
):
    warm(reader, REPORT)
    reader.cookies["fontsize"] = "large"
    with django_assert_max_num_queries(3):
        large = reader.get(REPORT)
    assert cache_state(large) == "miss" and 'class="font-large"' in large.content.decode()


def test_preview_never_shows_or_stores_a_readers_fragment(client, reader, committed_seed, settings):
    campaign = Campaign.objects.get()
    district = District.objects.create(name="预览测试区")
    Programme.objects.create(
        campaign=campaign,
        district=district,
        name="草稿举措",
        headline="尚未发布的举措",
        status=Status.DRAFT,
    )
    settings.PAGE_CACHE_SECONDS = 0  # readers' requests go through the fragments
    assert "尚未发布的举措" not in reader.get(REPORT).content.decode()
    login_as(client, "publisher")
    preview = client.get(f"/preview/campaigns/{campaign.pk}/")
    assert "尚未发布的举措" in preview.content.decode()
    assert "尚未发布的举措" not in reader.get(REPORT).content.decode()


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/", 0),
        (REPORT, 3),
        (
            "/articles/shang-cheng-jiang-gan-bin-jiang-dong-yuan-bu-shu-dang-shi-xue-xi-jiao-yu-yi/",
            1,
        ),
        ("/articles/", 1),  # the count for the paginator
        ("/articles/?district=shangcheng&page=1", 2),  # and the district
        ("/districts/shangcheng/", 1),
        ("/tags/dang-shi-xue-xi-jiao-yu/", 1),
        ("/programmes/wu-xue-wu-zheng/", 1),
    ],
)
def test_pages_built_from_warm_fragments_are_the_same_for_a_fraction_of_the_queries(
    reader, committed_seed, settings, django_assert_max_num_queries, url, queries
):
    settings.PAGE_CACHE_SECONDS = 0
    first = reader.get(url)
    assert first.status_code == 200
    with django_assert_max_num_queries(queries):
        second = reader.get(url)
    assert second.content == first.content


# --- Editors' work that readers must not see -----------------------------------


def test_held_changes_and_autosaves_leave_cached_pages_alone(client, reader, committed_seed):
    """A change waiting for review, and the autosave of a form, are not content:
    the cached page stays a hit (and stays the live version) until approval."""
    from tests.admin_helpers import form_data

    url = committed_seed.get_absolute_url()
    warm(reader, url)
    login_as(client, "newsroom")
    change_url = admin_url(Article, "change", committed_seed.pk)
    data = {**form_data(client.get(change_url)), "title": "待审的标题", "change_kind": "technical"}
    assert client.post(change_url, data).status_code == 302
    autosave = admin_url(Article, "autosave", committed_seed.pk)
    assert client.post(autosave, {"title": "自动保存的标题"}).status_code == 200

    cached = reader.get(url)
    assert cache_state(cached) == "hit" and "待审的标题" not in cached.content.decode()

    login_as(client, "publisher")
    client.post(admin_url(Article, "review", committed_seed.pk), {"_approve": "1"})
    fresh = reader.get(url)
    assert cache_state(fresh) == "miss" and "待审的标题" in fresh.content.decode()
