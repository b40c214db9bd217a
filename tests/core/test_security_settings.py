"""Deployment settings and the headers every response carries."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

from audit.client_ip import client_ip

PROJECT_DIR = settings.BASE_DIR
PRODUCTION = {
    "SECRET_KEY": "k9!Vq2#mZ7@pL4$wR8%tY1^uI6&oP3*aS5(dF0)gH-jK+lZ=xC_vB",
    "ALLOWED_HOSTS": "www.example.gov.cn",
}


def run(args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith(("SECURE_", "CSP_", "ADMIN_", "TRUST_", "SITE_"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_setting(expression, **env):
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings", **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# The footer's identity, which README's production environment sets too
# (core.checks warns without it).
SITE_IDENTITY = {
    "SITE_ORGANIZER": "中共杭州市委宣传部",
    "SITE_UNDERTAKER": "杭州日报报业集团",
    "SITE_CONTACT_EMAIL": "webmaster@example.gov.cn",
    "SITE_ID_CODE": "3301000001",
    "SITE_ICP_NUMBER": "浙ICP备00000000号-1",
    "SITE_PSB_NUMBER": "浙公网安备 33010202000001号",
    "SITE_CONAC_ID": "0D48A84D75CF6974E053012819AC263F",
}


def test_check_deploy_is_clean_in_the_documented_production_environment():
    result = run(["manage.py", "check", "--deploy"], **PRODUCTION, **SITE_IDENTITY)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_names_the_missing_site_identity():
    result = run(["manage.py", "check", "--deploy"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    found = set(re.findall(r"\((\w+\.\w+)\)", result.stdout + result.stderr))
    assert found == {f"core.W10{n}" for n in range(1, 8)}


def test_production_defaults_are_strict():
    values = production_setting(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SESSION_COOKIE_SECURE, "
        "settings.ADMIN_REQUIRE_2FA, getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)"
    )
    assert values == "True 31536000 True True True None"


def test_environment_switches():
    values = production_setting(
        "settings.SECURE_HSTS_PRELOAD, settings.SECURE_PROXY_SSL_HEADER, "
        "settings.ADMIN_REQUIRE_2FA, 'CONTENT_SECURITY_POLICY_REPORT_ONLY' in dir(settings)",
        SECURE_HSTS_PRELOAD="1",
        TRUST_PROXY_HEADERS="1",
        ADMIN_REQUIRE_2FA="0",
        CSP_REPORT_ONLY="1",
    )
    assert values == "True ('HTTP_X_FORWARDED_PROTO', 'https') False True"


def test_development_keeps_a_newcomer_unblocked():
    result = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SECURE_SSL_REDIRECT, settings.ADMIN_REQUIRE_2FA, settings.SECURE_HSTS_SECONDS)",
        ],
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
    )
    assert result.stdout.strip() == "False False 0", result.stderr


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/robots.txt", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/articles/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_client_address_trusts_forwarded_headers_only_behind_a_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    settings.TRUST_PROXY_HEADERS = False
    assert client_ip(request) == "10.0.0.2"
    settings.TRUST_PROXY_HEADERS = True
    # The last hop is the one our proxy added; "1.2.3.4" is whatever the client claimed.
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?status__exact=%00",
        "/admin/articles/article/tag-suggestions/?q=%00",
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=tags&term=%00",
        "/articles/?tag=%00",
    ],
)
def test_a_null_character_anywhere_in_the_query_is_a_chinese_400(admin_client, content, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()


@pytest.mark.django_db
def test_json_endpoints_answer_a_null_character_in_json(client):
    response = client.get("/search.json?q=党史&district=%00")
    assert response.status_code == 400
    assert response.json() == {"error": "网址中含有无效字符。"}
