"""The footer's identity (主办单位, 承办单位, 联系方式, 网站标识码, ICP备案号,
公安机关备案号, 党政机关网站, 我为政府网站找错) from the settings, and the system
check that warns in production when any of it is missing."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import checks
from django.core.management import call_command
from django.urls import reverse

from core.checks import check_site_identity

IDENTITY = {
    "SITE_ORGANIZER": "中共杭州市委宣传部",
    "SITE_UNDERTAKER": "杭州日报报业集团",
    "SITE_CONTACT_ADDRESS": "杭州市体育场路218号",
    "SITE_CONTACT_PHONE": "0571-8510 0000",
    "SITE_CONTACT_EMAIL": "webmaster@example.gov.cn",
    "SITE_ID_CODE": "3301000001",
    "SITE_ICP_NUMBER": "浙ICP备00000000号-1",
    "SITE_PSB_NUMBER": "浙公网安备 33010202000001号",
    "SITE_CONAC_ID": "0D48A84D75CF6974E053012819AC263F",
}
EMPTY = dict.fromkeys(IDENTITY, "")
CHECK_IDS = {
    "SITE_ORGANIZER": "core.W101",
    "SITE_UNDERTAKER": "core.W102",
    "SITE_ID_CODE": "core.W104",
    "SITE_ICP_NUMBER": "core.W105",
    "SITE_PSB_NUMBER": "core.W106",
    "SITE_CONAC_ID": "core.W107",
}


class Links(HTMLParser):
    """The footer's links: (href, rel, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            self._open = [attrs.get("href"), attrs.get("rel") or "", ""]

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append(tuple(self._open))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[2] += data


def footer_of(client, url=None):
    page = client.get(url or reverse("home")).content.decode()
    return page.split('<footer class="site-footer">')[1]


def links_of(footer):
    parser = Links()
    parser.feed(footer)
    return parser.links


def configure(settings, values):
    for name, value in values.items():
        setattr(settings, name, value)


# --- The footer ---------------------------------------------------------------


def test_footer_shows_every_identity_item(client, content, settings):
    configure(settings, IDENTITY)
    footer = footer_of(client)
    text = re.sub(r"<[^>]+>", "", footer)
    for shown in [
        "主办单位：中共杭州市委宣传部",
        "承办单位：杭州日报报业集团",
        "联系方式：",
        "地址：杭州市体育场路218号",
        "电话：0571-8510 0000",
        "电子邮箱：webmaster@example.gov.cn",
        "网站标识码：3301000001",
        "浙ICP备00000000号-1",
        "浙公网安备 33010202000001号",
        "党政机关网站",
        "我为政府网站找错",
    ]:
        assert shown in text, shown
    assert "<address" in footer
    # The badge is text: no picture from the registry (or anywhere).
    assert "<img" not in footer


def test_footer_links_go_to_the_registries(client, content, settings):
    configure(settings, IDENTITY)
    links = {text.split("（")[0]: (href, rel) for href, rel, text in links_of(footer_of(client))}
    assert links["浙ICP备00000000号-1"][0] == "https://beian.miit.gov.cn/"
    assert links["浙公网安备 33010202000001号"][0] == (
        "https://beian.mps.gov.cn/#/query/webSearch?code=33010202000001"
    )
    assert links["党政机关网站"][0] == (
        "https://bszs.conac.cn/sitename?method=show&id=0D48A84D75CF6974E053012819AC263F"
    )
    assert links[["电话", "0571-8510 0000"][1]][0] == "tel:0571-85100000"
    assert links["webmaster@example.gov.cn"][0] == "mailto:webmaster@example.gov.cn"


def test_error_report_link_is_built_from_the_site_id_code_and_the_page(client, seed, settings):
    configure(settings, IDENTITY)
    settings.SITE_URL = "https://dangshi.example.cn"
    links = links_of(footer_of(client, seed.get_absolute_url()))
    (href,) = [href for href, _, text in links if text.startswith("我为政府网站找错")]
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "zfwzgl.www.gov.cn",
        "/exposure/jiucuo.html",
    )
    query = parse_qs(parts.query)
    assert query["site_code"] == ["3301000001"]
    assert query["url"] == ["https://dangshi.example.cn" + seed.get_absolute_url()]


def test_outside_links_are_noopener_and_say_where_they_go(client, content, settings):
    configure(settings, IDENTITY)
    outside = [
        (href, rel, text)
        for href, rel, text in links_of(footer_of(client))
        if href.startswith("http")
    ]
    assert len(outside) == 4
    for href, rel, text in outside:
        assert "noopener" in rel.split(), href
        # The visible text names the record; the rest (for screen readers) where it leads.
        assert "外部网站" in text, href


def test_footer_leaves_out_what_is_not_set(client, content, settings):
    configure(settings, EMPTY)
    footer = footer_of(client)
    for absent in [
        "主办单位",
        "承办单位",
        "联系方式",
        "网站标识码",
        "党政机关网站",
        "我为政府网站找错",
    ]:
        assert absent not in footer, absent
    assert not [href for href, _, _ in links_of(footer) if href.startswith("http")]


def test_psb_link_without_a_record_number_goes_to_the_search(client, content, settings):
    configure(settings, {**IDENTITY, "SITE_PSB_NUMBER": "公安机关备案中"})
    links = links_of(footer_of(client))
    (href,) = [href for href, _, text in links if text.startswith("公安机关备案中")]
    assert href == "https://beian.mps.gov.cn/#/query/webSearch"


def test_footer_identity_on_the_404_page(client, content, settings):
    configure(settings, IDENTITY)
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    assert "主办单位：中共杭州市委宣传部" in footer
    (href,) = [href for href, _, text in links_of(footer) if text.startswith("我为政府网站找错")]
    assert href == "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3301000001"


# --- The system check ---------------------------------------------------------


def ids(problems):
    return [problem.id for problem in problems]


def test_check_is_quiet_in_production_with_everything_set(settings):
    configure(settings, IDENTITY)
    settings.DEBUG = False
    assert check_site_identity() == []


def test_check_is_quiet_in_development_with_nothing_set(settings):
    configure(settings, EMPTY)
    settings.DEBUG = True
    assert check_site_identity() == []


def test_check_warns_for_everything_missing_in_production(settings):
    configure(settings, EMPTY)
    settings.DEBUG = False
    problems = check_site_identity()
    assert ids(problems) == [f"core.W10{n}" for n in range(1, 8)]
    assert all(problem.level == checks.WARNING for problem in problems)


@pytest.mark.parametrize("setting", sorted(CHECK_IDS))
def test_each_missing_setting_has_its_own_warning(settings, setting):
    configure(settings, {**IDENTITY, setting: ""})
    settings.DEBUG = False
    (problem,) = check_site_identity()
    assert problem.id == CHECK_IDS[setting]
    # English-coded (the setting's name), Chinese-readable (the footer item's name).
    assert setting in problem.msg
    assert re.search("[\u4e00-\u9fff]", problem.msg)
    assert "README" in problem.hint


def test_blank_setting_counts_as_missing(settings):
    configure(settings, {**IDENTITY, "SITE_ORGANIZER": "   "})
    settings.DEBUG = False
    assert ids(check_site_identity()) == ["core.W101"]


def test_contact_needs_one_of_address_phone_or_email(settings):
    settings.DEBUG = False
    contact = {"SITE_CONTACT_ADDRESS": "", "SITE_CONTACT_PHONE": "", "SITE_CONTACT_EMAIL": ""}
    configure(settings, {**IDENTITY, **contact})
    (problem,) = check_site_identity()
    assert problem.id == "core.W103" and "联系方式" in problem.msg
    for name in contact:
        configure(settings, {**IDENTITY, **contact, name: "x"})
        assert check_site_identity() == [], name


def test_psb_number_without_its_record_number_is_reported(settings):
    configure(settings, {**IDENTITY, "SITE_PSB_NUMBER": "公安机关备案中"})
    settings.DEBUG = False
    assert ids(check_site_identity()) == ["core.W108"]


def test_manage_py_check_shows_the_warnings_and_silencing_works(settings, capsys):
    configure(settings, {**IDENTITY, "SITE_CONAC_ID": ""})
    settings.DEBUG = False
    call_command("check", tags=["site_identity"])
    output = capsys.readouterr()
    assert "core.W107" in output.err + output.out
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, "core.W107"]
    call_command("check", tags=["site_identity"])
    output = capsys.readouterr()
    assert "core.W107" not in output.err + output.out
