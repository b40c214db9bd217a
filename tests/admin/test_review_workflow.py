"""先审后发: changes to live content wait for a publisher; the review queue,
sending back, notifications, publication times and corrections."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Correction, Programme
from audit.choices import Action
from audit.models import AuditEntry
from core.status import Status
from editorial.models import Notification, Submission
from tests.admin_helpers import admin_url, form_data, login_as, make_user
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def seed_article():
    return Article.objects.get(title__startswith="上城江干滨江")


def edit(client, obj, **changes):
    """Open `obj`'s change form as the logged-in user, change fields, save."""
    page = client.get(admin_url(obj, "change", obj.pk))
    assert page.status_code == 200
    data = {**form_data(page), **changes}
    return client.post(admin_url(obj, "change", obj.pk), data)


def approve(client, obj):
    return client.post(admin_url(obj, "review", obj.pk), {"_approve": "1"})


@pytest.fixture
def publisher(content):
    user = make_user("publisher-1", "发布者")
    user.email = "publisher@example.cn"
    user.save()
    return user


# 1. Draft over live


def test_an_editors_change_to_a_live_article_waits_and_the_site_keeps_the_live_version(
    client, content, publisher, django_capture_on_commit_callbacks
):
    article = seed_article()
    live_title = article.title
    login_as(client, "newsroom")
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, article, title="改过的标题", change_kind="technical")
    assert response.status_code == 302

    article.refresh_from_db()
    assert article.title == live_title
    submission = Submission.objects.get(object_id=article.pk)
    assert submission.state == Submission.State.PENDING
    assert submission.kind == Submission.Kind.CHANGE
    assert submission.data["title"] == ["改过的标题"]
    # Readers, feeds and search still see the live version.
    page = client.get(article.get_absolute_url()).content.decode()
    assert live_title[:10] in page and "改过的标题" not in page
    assert "改过的标题" not in client.get(reverse("feeds:articles_rss")).content.decode()
    assert client.get("/search.json", {"q": "改过的标题"}).json()["results"] == []
    # The list flags it; the form opens on the held change, ?live on the live one.
    listing = client.get(admin_url(Article, "changelist")).content.decode()
    assert "有待审改动" in listing
    held = client.get(admin_url(article, "change", article.pk)).content.decode()
    assert 'value="改过的标题"' in held and "有待审改动" in held
    live = client.get(admin_url(article, "change", article.pk), {"live": 1}).content.decode()
    assert f'value="{live_title}"' in live
    # The publisher was told, in the admin and by email.
    assert Notification.objects.filter(recipient=publisher, event="submitted").count() == 1
    assert [m.to for m in mail.outbox] == [["publisher@example.cn"]]


def test_preview_shows_the_held_change_and_leaves_the_database_alone(client, content):
    article = seed_article()
    login_as(client, "newsroom")
    edit(client, article, title="预览里的新标题", change_kind="technical")
    preview = client.get(admin_url(article, "pending_preview", article.pk))
    assert preview.status_code == 200
    assert "预览里的新标题" in preview.content.decode()
    article.refresh_from_db()
    assert article.title != "预览里的新标题"


def test_the_publisher_compares_and_approves_and_the_page_shows_it_once(client, content, publisher):
    article = seed_article()
    editor = login_as(client, "newsroom")
    edit(client, article, title="批准后的标题", change_kind="update")
    versions_before = Version.objects.get_for_object(article).count()

    client.force_login(publisher)
    review = client.get(admin_url(article, "review", article.pk)).content.decode()
    assert "批准后的标题" in review and 'class="removed"' in review and 'class="added"' in review
    assert approve(client, article).status_code == 302

    article.refresh_from_db()
    assert article.title == "批准后的标题"
    assert article.last_edited_by == editor
    assert article.revised_at is not None
    assert Version.objects.get_for_object(article).count() == versions_before + 1
    comment = Version.objects.get_for_object(article).first().revision.get_comment()
    assert comment.startswith("发布·更新")
    submission = Submission.objects.get(object_id=article.pk)
    assert submission.state == Submission.State.APPROVED and submission.reviewed_by == publisher
    assert Notification.objects.filter(recipient=editor, event="approved").exists()
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count("批准后的标题") >= 1 and "更新时间" in page


def test_sending_back_needs_a_reason_and_the_editor_sees_it(client, content, publisher):
    article = seed_article()
    editor = login_as(client, "newsroom")
    edit(client, article, title="要退回的标题", change_kind="technical")

    client.force_login(publisher)
    empty = client.post(admin_url(article, "review", article.pk), {"_return": "1", "comment": ""})
    assert "请写明退回的理由" in empty.content.decode()
    client.post(
        admin_url(article, "review", article.pk), {"_return": "1", "comment": "标题太长，请改短"}
    )
    submission = Submission.objects.get(object_id=article.pk)
    assert submission.state == Submission.State.RETURNED

    client.force_login(editor)
    home = client.get(reverse("admin:index")).content.decode()
    assert "我的退回" in home and "标题太长，请改短" in home
    form = client.get(admin_url(article, "change", article.pk)).content.decode()
    assert "已退回修改" in form and 'value="要退回的标题"' in form
    # Fixing and saving again resubmits the same submission.
    edit(client, article, title="改短的标题", change_kind="technical")
    submission.refresh_from_db()
    assert submission.state == Submission.State.PENDING
    assert submission.data["title"] == ["改短的标题"]


def test_the_review_queue_lists_submissions_oldest_first_with_author_and_district(
    client, content, publisher
):
    login_as(client, "district")
    shangcheng = seed_article().districts.get(slug="shangcheng")
    older = make_article(title="先提交的稿件", status=Status.DRAFT, published_at=None)
    older.districts.add(shangcheng)
    newer = make_article(title="后提交的稿件", status=Status.DRAFT, published_at=None)
    newer.districts.add(shangcheng)
    edit(client, older, _submit_review="1")
    edit(client, newer, _submit_review="1")

    client.force_login(publisher)
    home = client.get(reverse("admin:index")).content.decode()
    queue = home[home.index("待我审核") :]
    assert queue.index("先提交的稿件") < queue.index("后提交的稿件")
    assert "district" in queue and "上城区" in queue


def test_only_publishers_decide(client, content):
    article = seed_article()
    login_as(client, "newsroom")
    edit(client, article, title="等待决定", change_kind="technical")
    assert approve(client, article).status_code == 403
    article.refresh_from_db()
    assert article.title != "等待决定"


def test_a_publisher_can_publish_at_once_or_hold_their_own_change(client, content):
    article = seed_article()
    login_as(client, "publisher")
    edit(client, article, title="先放着的改动", change_kind="technical", _keep_pending="1")
    article.refresh_from_db()
    assert article.title != "先放着的改动"
    assert Submission.objects.filter(object_id=article.pk, state="pending").exists()
    # Saving the form (opened on the held change) publishes it and closes the submission.
    edit(client, article, change_kind="technical")
    article.refresh_from_db()
    assert article.title == "先放着的改动"
    assert Submission.objects.get(object_id=article.pk).state == Submission.State.APPROVED


def test_a_save_over_a_newer_held_change_is_refused(client, content):
    article = seed_article()
    login_as(client, "newsroom")
    stale_page = client.get(admin_url(article, "change", article.pk))
    edit(client, article, title="第一位编辑的改动", change_kind="technical")
    data = {**form_data(stale_page), "title": "第二位编辑的改动", "change_kind": "technical"}
    response = client.post(admin_url(article, "change", article.pk), data)
    assert response.status_code == 200
    assert "其他人提交了新的待审改动" in response.content.decode()
    assert Submission.objects.get(object_id=article.pk).data["title"] == ["第一位编辑的改动"]


def test_programme_changes_wait_too(client, content):
    programme = Programme.objects.get(name="五学五争")
    login_as(client, "district")
    edit(client, programme, headline="新的举措标题")
    programme.refresh_from_db()
    assert programme.headline != "新的举措标题"
    assert Submission.objects.filter(
        content_type=ContentType.objects.get_for_model(Programme), object_id=programme.pk
    ).exists()


def test_first_submission_is_approved_into_publication(client, content, publisher):
    login_as(client, "newsroom")
    article = make_article(title="新稿件待审", status=Status.DRAFT, published_at=None)
    edit(client, article, _submit_review="1")
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert Submission.objects.get(object_id=article.pk).kind == Submission.Kind.FIRST

    client.force_login(publisher)
    approve(client, article)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at is not None
    assert client.get(article.get_absolute_url()).status_code == 200


# 3. Publication times


def test_a_new_article_has_no_publication_time_until_published(client, content):
    login_as(client, "publisher")
    add = client.get(admin_url(Article, "add"))
    assert add.context["adminform"].form["published_at"].value() is None
    article = make_article(title="草稿无时间", status=Status.DRAFT, published_at=None)
    before = timezone.now()
    edit(client, article, _publish="1")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at >= before


def test_scheduling_is_an_explicit_action_with_a_time(client, content):
    login_as(client, "publisher")
    article = make_article(title="定时的稿件", status=Status.DRAFT, published_at=None)
    when = timezone.localtime() + dt.timedelta(days=2)
    edit(client, article, _schedule="1", _schedule_at=when.strftime("%Y-%m-%dT%H:%M"))
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert timezone.localtime(article.published_at).strftime("%m-%d %H:%M") == when.strftime(
        "%m-%d %H:%M"
    )
    assert not article.is_public
    listing = client.get(admin_url(Article, "changelist")).content.decode()
    assert f'定时发布 <span class="nowrap">{when:%m-%d %H:%M}</span>' in listing
    home = client.get(reverse("admin:index")).content.decode()
    assert "定时的稿件" in home[home.index("定时发布（7 天内）") :]

    past = make_article(title="过去的时间", status=Status.DRAFT, published_at=None)
    response = edit(client, past, _schedule="1", _schedule_at="2020-01-01T08:00")
    assert "定时发布的时间必须晚于现在" in response.content.decode()


def test_the_first_publication_time_is_locked_except_for_superusers_and_audited(client, content):
    article = seed_article()
    original = article.published_at
    login_as(client, "publisher")
    page = client.get(admin_url(article, "change", article.pk))
    assert page.context["adminform"].form.fields["published_at"].disabled
    edit(client, article, published_at_0="2021-01-01", published_at_1="08:00:00")
    article.refresh_from_db()
    assert article.published_at == original

    login_as(client, "superuser")
    edit(client, article, published_at_0="2021-03-10", published_at_1="08:00:00")
    article.refresh_from_db()
    assert timezone.localtime(article.published_at).date() == dt.date(2021, 3, 10)
    entry = AuditEntry.objects.get(action=Action.PUBLICATION_TIME, object_id=str(article.pk))
    assert "2021-03-11" in entry.detail and "2021-03-10 08:00" in entry.detail


# 4. Corrections


def test_changing_live_text_asks_what_kind_of_change_it_is(client, content):
    article = seed_article()
    login_as(client, "publisher")
    response = edit(client, article, title="不说明的改动")
    assert response.status_code == 200
    assert "请选择改动类型" in response.content.decode()
    response = edit(client, article, title="更正但无说明", change_kind="correction")
    assert "更正需要写明更正了什么" in response.content.decode()
    # Tags are not text: no question asked.
    assert edit(client, article, tags="党史学习教育, 新标签").status_code == 302


def test_a_correction_is_shown_with_its_date_and_carried_in_feeds(client, content):
    article = seed_article()
    login_as(client, "publisher")
    edit(
        client,
        article,
        title=article.title + "（更正）",
        change_kind="correction",
        change_note="标题中的日期有误，已改正",
    )
    correction = Correction.objects.get(article=article)
    assert correction.kind == Correction.Kind.CORRECTION
    article.refresh_from_db()
    assert article.revised_at is not None
    page = client.get(article.get_absolute_url()).content.decode()
    assert "更正" in page and "标题中的日期有误，已改正" in page and "更新时间" in page
    assert "标题中的日期有误" in client.get(reverse("feeds:articles_rss")).content.decode()


def test_a_technical_fix_tells_readers_nothing(client, content):
    article = seed_article()
    login_as(client, "publisher")
    edit(client, article, title=article.title + "。", change_kind="technical")
    article.refresh_from_db()
    assert article.revised_at is None
    assert not Correction.objects.filter(article=article).exists()
    assert "更新时间" not in client.get(article.get_absolute_url()).content.decode()


# 2. Notifications


def test_notices_are_listed_per_person_and_marked_read_when_opened(client, content, publisher):
    article = seed_article()
    login_as(client, "newsroom")
    edit(client, article, title="通知用的改动", change_kind="technical")
    notice = Notification.objects.get(recipient=publisher)

    client.force_login(publisher)
    header = client.get(reverse("admin:index")).content.decode()
    assert 'class="notice-count"' in header
    listing = client.get(reverse("admin:editorial_notification_changelist")).content.decode()
    assert "通知用的改动" in listing
    opened = client.get(reverse("admin:editorial_notification_open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"].endswith("/review/")
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Nobody opens another person's notice.
    login_as(client, "district")
    assert (
        client.get(reverse("admin:editorial_notification_open", args=[notice.pk])).status_code
        == 404
    )


def test_the_home_page_lists_what_comes_down_soon_within_the_users_districts(client, content):
    from districts.models import District

    soon = timezone.now() + dt.timedelta(days=3)
    own = make_article(title="三天后下线的上城稿件", expires_at=soon)
    own.districts.add(District.objects.get(slug="shangcheng"))
    other = make_article(title="三天后下线的滨江稿件", expires_at=soon)
    other.districts.add(District.objects.get(slug="gaoxin-binjiang"))
    make_article(title="一月后下线的稿件", expires_at=soon + dt.timedelta(days=30))

    login_as(client, "district")
    home = client.get(reverse("admin:index")).content.decode()
    expiring = home[home.index('id="expiring"') :]
    assert "三天后下线的上城稿件" in expiring
    assert "三天后下线的滨江稿件" not in expiring and "一月后下线的稿件" not in expiring


def test_the_history_names_each_step_in_editors_words(client, content, publisher):
    article = seed_article()
    login_as(client, "newsroom")
    edit(client, article, title="历史里的标题", change_kind="correction", change_note="日期有误")
    client.force_login(publisher)
    client.post(admin_url(article, "review", article.pk), {"_return": "1", "comment": "请核实日期"})
    login_as(client, "district")  # 上城区's editor may work on the seed too
    edit(client, article, title="历史里的标题", change_kind="correction", change_note="日期有误")
    client.force_login(publisher)
    approve(client, article)

    history = client.get(admin_url(article, "history", article.pk)).content.decode()
    assert "发布·更正" in history
    review_history = history[history.index('id="review-history"') :]
    assert "请核实日期" in review_history and "已发布" in review_history
    assert "更正：日期有误" in review_history


def test_the_home_page_costs_the_same_queries_however_long_the_queue(
    client, content, publisher, django_assert_max_num_queries
):
    def home_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(queries)

    login_as(client, "newsroom")
    first = make_article(title="排队的稿件0", status=Status.DRAFT, published_at=None)
    edit(client, first, _submit_review="1")
    client.force_login(publisher)
    one = home_queries()
    login_as(client, "district")
    for n in range(1, 8):
        article = make_article(title=f"排队的稿件{n}", status=Status.DRAFT, published_at=None)
        article.districts.add(seed_article().districts.get(slug="shangcheng"))
        edit(client, article, _submit_review="1")
    client.force_login(publisher)
    with django_assert_max_num_queries(one):
        home = client.get(reverse("admin:index")).content.decode()
    queue = home[home.index('id="to-review"') : home.index('id="scheduled"')]
    assert queue.count("排队的稿件") == 8
