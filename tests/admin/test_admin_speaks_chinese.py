"""Every text an editor meets in the admin is Chinese: page text, titles,
tooltips, placeholders, screen-reader labels and the JavaScript catalog.

Content (titles, names, slugs, usernames), URLs and code-like values may be in
Latin letters; everything else in English is a bug, unless ALLOWED says why.
"""

import ast
import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import django_prose_editor
import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils.translation import trans_real
from django_otp.plugins.otp_totp.models import TOTPDevice
from reversion.admin import VersionAdmin

from districts.models import District
from tests.admin_helpers import ROLES, admin_url, form_data, login_as

DJANGO_DIR = Path(django.__file__).parent
PROJECT_LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"

# English words that may stay, each with its reason.
ALLOWED = {
    # Names in Django's Chinese help texts ("按住 Control 键或 Mac 上的 Command
    # 键来选择多项", "单一登入或LDAP"), as Chinese writes them.
    "Control": "a key's name",
    "Command": "a key's name",
    "Mac": "a product name",
    "LDAP": "a protocol's name",
    "IP": "as Chinese writes it (IP 地址)",
    "ID": "as Chinese writes it (对象 ID)",
    "Unix": "Unix 时间, the TOTP key's start time",
}
# English that other work (issue 12, item 8) still has to translate: phrases as
# they appear on the pages, each with where it comes from.
NOT_YET = {
    # The group delete page (superusers only) lists the rows of Django's
    # group-permission table by their code names; content admins leave such
    # rows out (core.admin.deletion), Django's GroupAdmin does not.
    "Group-permission",
    "Group_permissions object",
}

# Not shown, or content: a textarea holds what an editor wrote.
HIDDEN_TAGS = {"script", "style", "template", "textarea"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Runs of characters that make up slugs, file names, URLs, hashes, dates.
ASCII_RUN = re.compile(r"[A-Za-z0-9_.\-/*@:%?=&#+'’]+")


class VisibleText(HTMLParser):
    """The text of a page as a reader or a screen reader meets it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        if tag == "img" and "/admin/img/icon-" in (attrs.get("src") or ""):
            # Django's yes/no/unknown icons: alt "True"/"False"/"None" is
            # hard-coded in admin_list._boolean_icon(), not translatable.
            attrs.pop("alt", None)
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def content_words():
    """Latin-letter values of the content: usernames (also those tried at
    sign-in) and slugs."""
    words = set(get_user_model().objects.values_list("username", flat=True))
    words.update(AccessAttempt.objects.values_list("username", flat=True))
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.SlugField):
                words.update(model.objects.values_list(field.name, flat=True))
    return words


def english_in(html, content):
    """The texts of `html` with English in them that is neither content, code
    nor allowed, each with the offending words."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for phrase in NOT_YET:
            text = text.replace(phrase, "")
        words = []
        for run in ASCII_RUN.findall(text):
            if run in content or re.search(r"[0-9_./*@%?=&#]", run):
                continue  # a slug, username, file name, URL, hash, date
            words += [w for w in LATIN_WORD.findall(run) if w not in ALLOWED and w not in content]
        if words:
            found.append(f"{' '.join(words)!r} in {text[:120]!r}")
    return found


@pytest.fixture
def records(content):
    """A sign-in lock and an authenticator, so their admin pages have rows."""
    AccessAttempt.objects.create(
        username="zhangsan",
        ip_address="203.0.113.9",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/admin/login/",
        get_data="",
        post_data="username=zhangsan",
        failures_since_start=5,
    )
    owner = get_user_model().objects.create_user("lisi", password="pw", is_staff=True)
    TOTPDevice.objects.create(user=owner, name="身份验证器")


def admin_pages(client):
    """Every admin page the signed-in user can open from the admin index: each
    app index, list (plain and searched), add form, and for the first object in
    the list its change form, history, delete confirmation and, for versioned
    models, the deleted objects to recover."""
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    yield reverse("admin:index"), index
    for app in index.context["app_list"]:
        yield app["app_url"], client.get(app["app_url"])
        for entry in app["models"]:
            model = entry["model"]
            changelist = client.get(entry["admin_url"])
            yield entry["admin_url"], changelist
            yield f"{entry['admin_url']}?q=区", client.get(entry["admin_url"], {"q": "区"})
            if entry["add_url"]:
                yield entry["add_url"], client.get(entry["add_url"])
            urls = []
            if isinstance(admin.site._registry[model], VersionAdmin):
                urls.append(admin_url(model, "recoverlist"))
            obj = changelist.context["cl"].result_list.first()
            if obj is not None:
                urls += [
                    admin_url(model, action, obj.pk) for action in ["change", "history", "delete"]
                ]
            for url in urls:
                response = client.get(url)
                if response.status_code != 403:  # e.g. no delete permission
                    yield url, response


@pytest.mark.parametrize("role", list(ROLES))
def test_every_admin_page_is_in_chinese(client, records, role):
    """Each editor role, and a superuser, sees no English on any admin page:
    index, app index, list, search, add, change, history, delete, recover."""
    login_as(client, role)
    content = content_words()
    problems = []
    pages = 0
    for url, response in admin_pages(client):
        assert response.status_code == 200, url
        pages += 1
        problems += [f"{url}: {found}" for found in english_in(response.content.decode(), content)]
    assert pages > 10
    assert not problems, "\n".join(problems)


def test_pages_around_the_forms_are_in_chinese(client, records):
    """A form with errors (its title starts with 错误：), password change, the
    TOTP device's QR code page and the sign-in page are in Chinese too."""
    login_as(client, "superuser")
    content = content_words()
    form = client.get(admin_url(District, "add"))
    invalid = client.post(admin_url(District, "add"), {**form_data(form), "name": ""})
    assert invalid.status_code == 200
    assert "<title>错误：" in invalid.content.decode()
    device = TOTPDevice.objects.get()
    pages = {
        "invalid district": invalid,
        "password change": client.get(reverse("admin:password_change")),
        "QR code": client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])),
    }
    client.logout()
    pages["sign-in"] = client.get(reverse("admin:login"))
    problems = []
    for name, response in pages.items():
        assert response.status_code == 200, name
        problems += [f"{name}: {found}" for found in english_in(response.content.decode(), content)]
    assert not problems, "\n".join(problems)


def test_the_app_index_names_its_hidden_table_headers_in_chinese(client, content):
    """The table headers only screen readers read (Django 5.2's app_list.html)."""
    login_as(client, "newsroom")
    page = client.get(reverse("admin:index")).content.decode()
    for header in ["模型名称", "增加链接", "修改或查看列表链接"]:
        assert f'<th scope="col">{header}</th>' in page
    assert "Model name" not in page and "Add link" not in page


def test_accounts_and_totp_devices_have_chinese_names(client, records):
    """The app and model names a superuser sees in the admin index."""
    login_as(client, "superuser")
    page = client.get(reverse("admin:index")).content.decode()
    assert "账号与登录" in page and "登录失败与锁定" in page
    assert page.count("两步验证设备") >= 2  # the app and its model
    assert "Accounts" not in page and "TOTP" not in page


def test_the_javascript_catalog_is_chinese(client, db):
    """The admin's jsi18n, which the pickers, calendars and actions use."""
    login_as(client, "newsroom")
    catalog = client.get(reverse("admin:jsi18n"))
    assert catalog.status_code == 200
    assert catalog["Content-Language"] == "zh-hans"
    body = catalog.content.decode()
    messages = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.DOTALL)[1])
    assert messages["Choose all %s"] == "全选%s"
    assert messages["Remove all %s"] == "移除全部%s"
    assert messages["Today"] == "今天"
    assert messages["Now"] == "现在"
    assert messages["%(sel)s of %(cnt)s selected"] == ["选中了 %(cnt)s 个中的 %(sel)s 个"]


def po_entries(path):
    """{msgid: msgstr} of a .po file, keyed as gettext keys its catalogs: a
    plural entry by (msgid, 0), an entry with a context by "context\\x04msgid"."""
    entries = {}
    for block in Path(path).read_text(encoding="utf-8").split("\n\n"):
        fields = {}
        name = None
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if not line.startswith('"'):
                name, _, line = line.partition(" ")
            fields[name] = fields.get(name, "") + ast.literal_eval(line)
        msgid = fields.get("msgid")
        if msgid:
            if "msgctxt" in fields:
                msgid = f"{fields['msgctxt']}\x04{msgid}"
            if "msgid_plural" in fields:
                entries[msgid, 0] = fields["msgstr[0]"]
            else:
                entries[msgid] = fields["msgstr"]
    return entries


def admin_javascript_catalog():
    """The Chinese of /admin/jsi18n/, built as AdminSite.i18n_javascript builds it."""
    return trans_real.DjangoTranslation(
        "zh-hans", domain="djangojs", localedirs=[DJANGO_DIR / "contrib/admin/locale"]
    )._catalog


DJANGO_CATALOGS = [
    ("contrib/admin", "django"),
    ("contrib/admin", "djangojs"),
    ("contrib/auth", "django"),
    ("contrib/contenttypes", "django"),
    ("conf", "django"),
]


@pytest.mark.parametrize(
    ("package", "domain"), DJANGO_CATALOGS, ids=[f"{p} {d}" for p, d in DJANGO_CATALOGS]
)
def test_django_has_chinese_for_every_text_it_may_show(package, domain):
    """Every msgid of these Django catalogs has Chinese: Django's own, or the
    project's (locale/zh_Hans). An upgrade that brings new English fails here;
    add its Chinese to locale/zh_Hans/LC_MESSAGES/<domain>.po."""
    english = po_entries(DJANGO_DIR / package / "locale/en/LC_MESSAGES" / f"{domain}.po")
    if domain == "django":
        catalog = trans_real.translation("zh-hans")._catalog
    else:
        catalog = admin_javascript_catalog()
    missing = [key for key in english if key not in catalog]
    assert not missing


def test_the_javascript_catalog_has_no_english_in_its_chinese():
    """Django's zh_Hans catalog left some texts in English (the calendar's
    S M T W T F S); none is left in the catalog the admin's pages get."""
    catalog = admin_javascript_catalog()
    english = {}
    for key in set(catalog.keys()) - {""}:  # "" is the catalog's header
        value = catalog[key]  # the project's, where it has one
        if re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)[sd]|%[sd]", "", str(value))):
            english[key] = value
    assert not english


def test_the_article_editor_has_chinese_for_the_texts_it_translates():
    """django-prose-editor asks the admin's JavaScript catalog (window.gettext)
    for its dialogs' texts: each has Chinese in that catalog."""
    script = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    code = script.read_text(encoding="utf-8")
    # The minified bundle calls window.gettext under a short name.
    gettext_name = re.search(r"(\w+)=window\.gettext\|\|", code)[1]
    msgids = set(re.findall(rf"\b{gettext_name}\(\"([^\"]+)\"\)", code))
    assert "Edit Link" in msgids
    catalog = admin_javascript_catalog()
    assert not [msgid for msgid in sorted(msgids) if msgid not in catalog]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogs_match_their_sources(domain):
    """The committed .mo holds exactly what its .po says (compilemessages was run)."""
    source = po_entries(PROJECT_LOCALE / f"{domain}.po")
    with open(PROJECT_LOCALE / f"{domain}.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    assert {key: value for key, value in catalog.items() if key} == source
