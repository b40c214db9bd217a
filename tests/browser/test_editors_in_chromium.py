"""Editors at work in a real browser (Playwright driving Debian's chromium):
writing, previewing and publishing, district scoping, tag suggestions and
two-factor sign-in."""

import pytest

from articles.models import Article
from core.status import Status
from districts.models import District
from tests.admin_helpers import make_user
from tests.factories import make_article

pytestmark = pytest.mark.browser


def log_in(page, site, username, landing="/admin/"):
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}{landing}")


def test_editor_writes_previews_and_publishes_an_article(site, new_page):
    make_user("publisher", group="发布者")
    page = new_page()
    log_in(page, site, "publisher")

    page.goto(f"{site}/admin/articles/article/add/")
    page.fill("#id_title", "滨江举办党史知识竞赛")
    page.select_option("#id_status", Status.DRAFT)
    page.fill("#id_published_at_0", "2021-03-12")
    page.fill("#id_published_at_1", "09:30:00")
    page.fill("#id_source", "杭州日报")
    page.fill("#id_tags", "党史学习教育，红色教育")

    # A new article opens with its first body section ready to type into.
    editor = page.locator('#sections-0 div.ProseMirror[contenteditable="true"]')
    editor.click()
    page.keyboard.type("高新区（滨江）举办党史知识竞赛，")
    page.keyboard.press("Control+b")
    page.keyboard.type("三百名党员参加")
    page.keyboard.press("Control+b")
    page.keyboard.type("。")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get(title="滨江举办党史知识竞赛")
    assert article.status == Status.DRAFT
    assert sorted(article.tags.names()) == ["党史学习教育", "红色教育"]
    assert "<strong>三百名党员参加</strong>" in article.sections.get().body

    preview = page.context.new_page()
    preview.goto(f"{site}/preview/articles/{article.pk}/")
    assert preview.locator(".preview-banner").is_visible()
    assert preview.locator("h1").inner_text() == "滨江举办党史知识竞赛"
    assert preview.locator(".article-body strong").inner_text() == "三百名党员参加"

    anonymous = new_page()
    assert anonymous.goto(f"{site}{article.get_absolute_url()}").status == 404

    page.select_option("#id_status", Status.PUBLISHED)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    response = anonymous.goto(f"{site}{article.get_absolute_url()}")
    assert response.status == 200
    assert anonymous.locator("h1").inner_text() == "滨江举办党史知识竞赛"
    assert anonymous.locator(".article-body strong").inner_text() == "三百名党员参加"
    assert "红色教育" in anonymous.locator(".tags").inner_text()


def test_district_editor_does_not_see_another_districts_article(site, new_page):
    make_user("shangcheng_editor", group="城区编辑", districts=["shangcheng"])
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    other = make_article(title="滨江区内部稿件", districts=[binjiang])
    make_article(title="江干区内部稿件", districts=[District.objects.get(slug="jianggan")])
    make_article(title="上城区内部稿件", districts=[District.objects.get(slug="shangcheng")])
    page = new_page()
    log_in(page, site, "shangcheng_editor")
    page.goto(f"{site}/admin/articles/article/")
    listing = page.locator("#result_list").inner_text()
    assert "上城区内部稿件" in listing
    assert "江干区内部稿件" in listing  # 江干区 was merged into 上城区
    assert "滨江区内部稿件" not in listing
    refused = page.goto(f"{site}/admin/articles/article/{other.pk}/change/")
    assert refused.status == 403
    assert "无权访问此内容" in page.content()


def test_tag_input_suggests_existing_tags(site, new_page):
    make_user("newsroom", group="新闻编辑")
    page = new_page()
    log_in(page, site, "newsroom")
    page.goto(f"{site}/admin/articles/article/add/")
    page.fill("#id_tags", "红色教育，党史")
    page.locator("#id_tags").dispatch_event("input")
    option = page.locator("#id_tags-suggestions option").first
    option.wait_for(state="attached")
    assert option.get_attribute("value") == "红色教育，党史学习教育"


def test_two_factor_enrolment_and_second_step(new_page, site, settings):
    """A publisher's first sign-in walks through enrolment with a QR code; the
    next sign-in asks for the code from the authenticator app."""
    from base64 import b32decode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.ADMIN_REQUIRE_2FA = True
    make_user("publisher", group="发布者")

    def code(secret):
        return f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"

    page = new_page(width=390)
    log_in(page, site, "publisher", landing="/admin/2fa/setup/?next=%2Fadmin%2F")
    assert page.locator(".otp-qr svg").is_visible()
    assert "必须先启用两步验证" in page.content()
    secret = page.inner_text(".otp-secret").replace(" ", "")
    page.fill("#id_token", "123")
    page.click("input[type=submit]")
    assert "请输入身份验证器显示的 6 位数字" in page.content()
    page.fill("#id_token", code(secret))
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    assert "两步验证已启用" in page.content()

    page.click("#logout-form button")
    # Another time step has passed by the next sign-in; a code is good only once.
    TOTPDevice.objects.filter(user__username="publisher").update(last_t=-1)
    log_in(page, site, "publisher", landing="/admin/2fa/verify/?next=%2Fadmin%2F")
    page.fill("#id_token", code(secret))
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    assert page.locator("#site-name").is_visible()


def test_article_list_titles_have_room_at_1280(site, new_page):
    """The 标题 column was squeezed to 2–4 characters a line; 20 fit now."""
    make_user("publisher", group="发布者")
    page = new_page(width=1280)
    log_in(page, site, "publisher")
    page.goto(f"{site}/admin/articles/article/")
    cell = page.locator("#result_list th.field-title").first
    width, font_size = cell.evaluate(
        "c => [c.getBoundingClientRect().width, parseFloat(getComputedStyle(c).fontSize)]"
    )
    assert width >= 20 * font_size, (width, font_size)
