"""先审后发 in a real browser: a newsroom editor's change to a live article
waits for a publisher, is sent back with a comment, fixed, resubmitted and
approved; readers see it only then, once, with its 更新时间."""

import pytest

from articles.models import Article
from tests.admin_helpers import make_user
from tests.browser.test_editors_in_chromium import log_in

pytestmark = pytest.mark.browser


def test_a_change_to_a_live_article_goes_through_review(site, new_page):
    make_user("editor", group="新闻编辑")
    make_user("publisher", group="发布者")
    article = Article.objects.get(title__startswith="上城江干滨江")
    live_title = article.title
    public_url = f"{site}{article.get_absolute_url()}"
    change_url = f"{site}/admin/articles/article/{article.pk}/change/"

    def read(url):
        # A reader who has not been here before: browsers may keep a public page
        # for PAGE_CACHE_MAX_AGE seconds, and this test does not wait for that.
        page = new_page(390)
        page.goto(url)
        return page

    # The editor changes the live article's title and marks it an update.
    editor = new_page()
    log_in(editor, site, "editor")
    editor.goto(change_url)
    assert "您保存的修改会作为待审改动提交" in editor.locator(".review-note").inner_text()
    editor.fill("#id_title", "上城江干滨江部署党史学习教育（第一稿）")
    editor.check("input[name=change_kind][value=update]")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")
    assert "改动已提交审核" in editor.locator(".messagelist").inner_text()

    # Readers still see the live version.
    reader = read(public_url)
    assert reader.locator("h1").inner_text() == live_title

    # The publisher finds it in 待我审核, compares, and sends it back.
    publisher = new_page()
    log_in(publisher, site, "publisher")
    queue = publisher.locator("#to-review")
    assert "上城江干滨江部署党史学习教育（第一稿）" in queue.inner_text()
    assert "editor" in queue.inner_text() and "上城区" in queue.inner_text()
    assert publisher.locator(".notice-count").inner_text() == "1"
    queue.get_by_role("link", name="上城江干滨江部署党史学习教育（第一稿）").click()
    assert publisher.locator(".version-diff tr.removed", has_text=live_title).count() == 1
    assert publisher.locator(".version-diff tr.added", has_text="（第一稿）").count() == 1
    publisher.fill("#id_comment", "标题不要带“第一稿”")
    publisher.click("input[name=_return]")
    publisher.wait_for_selector(".messagelist .success")

    # The editor sees it under 我的退回 with the comment, fixes it and resubmits.
    editor.goto(f"{site}/admin/")
    returned = editor.locator("#returned")
    assert "标题不要带“第一稿”" in returned.inner_text()
    returned.get_by_role("link").first.click()
    assert "已退回修改" in editor.locator(".review-banner").inner_text()
    assert editor.input_value("#id_title") == "上城江干滨江部署党史学习教育（第一稿）"
    editor.fill("#id_title", "上城江干滨江部署党史学习教育")
    editor.check("input[name=change_kind][value=update]")
    editor.click("input[name=_save]")
    editor.wait_for_selector(".messagelist .success")
    reader = read(public_url)
    assert reader.locator("h1").inner_text() == live_title

    # The publisher approves; the page shows the change, once, with 更新时间.
    publisher.goto(f"{site}/admin/")
    publisher.locator("#to-review").get_by_role("link", name="上城江干滨江部署党史学习教育").click()
    publisher.click("input[name=_approve]")
    publisher.wait_for_selector(".messagelist .success")

    reader = read(public_url)
    assert reader.locator("h1").inner_text() == "上城江干滨江部署党史学习教育"
    assert reader.locator("h1").count() == 1
    assert "更新时间" in reader.locator(".article-meta").inner_text()
    # Once in the article (当前位置 above it names the page too).
    assert (
        reader.locator("main").get_by_text("上城江干滨江部署党史学习教育", exact=True).count() == 1
    )
    trail = reader.get_by_role("navigation", name="当前位置")
    assert trail.locator("[aria-current=page]").inner_text() == "上城江干滨江部署党史学习教育"
    editor.goto(f"{site}/admin/")
    assert editor.locator(".notice-count").inner_text() == "2"  # sent back, then approved
