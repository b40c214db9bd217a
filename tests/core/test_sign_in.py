"""Signing in to the admin: throttled failures, lifting a lock, session rules,
and two-factor sign-in for those who must have it."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEntry
from tests.admin_helpers import make_user

LOGIN = "/admin/login/?next=/admin/"


def sign_in(client, username, password="pw", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client):
    return SESSION_KEY in client.session


@pytest.fixture
def editor(content):
    return make_user("editor", group="新闻编辑")


def test_five_failures_lock_the_account_even_for_the_right_password(client, editor):
    statuses = [sign_in(client, "editor", "wrong").status_code for _ in range(5)]
    # The fifth failure is the one that locks.
    assert statuses == [200, 200, 200, 200, 429]
    response = sign_in(client, "editor", "pw")
    assert response.status_code == 429
    assert "登录已被暂时锁定" in response.content.decode()
    assert "15 分钟" in response.content.decode()
    assert not signed_in(client)
    assert AuditEntry.objects.filter(action=Action.LOCKOUT, username="editor").exists()
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED, username="editor").count() >= 5


def test_fifteen_wrong_passwords_in_a_row_are_throttled(client, editor):
    statuses = [sign_in(client, "editor", f"guess{i}").status_code for i in range(15)]
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    assert AuditEntry.objects.filter(action=Action.LOCKOUT).exists()


def test_failures_from_one_address_lock_that_address_for_every_username(client, editor):
    make_user("other", group="新闻编辑")
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"nobody{i}", "wrong", REMOTE_ADDR="10.9.8.7")
    assert sign_in(client, "other", REMOTE_ADDR="10.9.8.7").status_code == 429
    # Another address is not affected.
    assert sign_in(client, "other", REMOTE_ADDR="10.9.8.8").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, editor, time_machine):
    time_machine.move_to("2026-11-29 10:00:00+08:00", tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor").status_code == 429
    time_machine.move_to("2026-11-29 10:16:00+08:00", tick=False)
    assert sign_in(client, "editor").status_code == 302
    assert signed_in(client)


def test_a_publisher_lifts_a_lock_in_the_admin(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong")
    publisher = make_user("publisher", group="发布者")
    client.force_login(publisher)
    locks = reverse("admin:accounts_loginlock_changelist")
    page = client.get(locks).content.decode()
    assert "editor" in page and "已锁定" in page
    from accounts.models import LoginLock

    client.post(
        locks,
        {
            "action": "unlock_selected",
            "_selected_action": list(LoginLock.objects.values_list("pk", flat=True)),
        },
    )
    assert not LoginLock.objects.exists()
    assert AuditEntry.objects.filter(action=Action.UNLOCK, username="publisher").exists()
    client.logout()
    assert sign_in(client, "editor").status_code == 302


def test_newsroom_editors_cannot_lift_locks(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:accounts_loginlock_changelist")).status_code == 403


def test_sign_in_rotates_the_session_key_and_is_recorded(client, editor):
    client.get(LOGIN)
    session = client.session
    session["before"] = "anonymous"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    assert sign_in(client, "editor", REMOTE_ADDR="192.0.2.10").status_code == 302
    assert client.session.session_key != before
    entry = AuditEntry.objects.get(action=Action.LOGIN)
    assert (entry.username, entry.ip_address) == ("editor", "192.0.2.10")


def test_staff_sessions_last_a_working_day(client, editor):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    sign_in(client, "editor")
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600


# Two-factor sign-in


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client):
    """Walk the enrolment page as a user does: scan (read the secret), type a code."""
    page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "<svg" in page  # the QR code, drawn here, no outside service
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    return client.post(reverse("accounts:otp_setup"), {"token": current_code(device)})


@pytest.fixture
def two_factor_required(settings):
    settings.ADMIN_REQUIRE_2FA = True


@pytest.mark.parametrize("role", ["publisher", "superuser"])
def test_publishers_and_superusers_must_enrol_first(client, content, two_factor_required, role):
    if role == "superuser":
        make_user(role, superuser=True)
    else:
        make_user(role, group="发布者")
    sign_in(client, role)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/2fa/verify/" in response["Location"]
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    assert "必须先启用两步验证" in response.content.decode()
    assert client.get("/admin/articles/article/").status_code == 302
    assert enrol(client).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.OTP_ENROLLED, username=role).exists()


def test_the_second_step_is_asked_at_every_sign_in(client, content, two_factor_required):
    make_user("publisher", group="发布者")
    sign_in(client, "publisher")
    client.get(reverse("accounts:otp_setup"))
    enrol(client)
    client.post(reverse("admin:logout"))

    sign_in(client, "publisher")
    assert client.get("/admin/").status_code == 302
    preview = client.get(reverse("articles:article_preview", args=[1]))
    assert preview.status_code == 302 and "/admin/2fa/verify/" in preview["Location"]
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "000000", "next": "/admin/"})
    assert "验证码不正确" in wrong.content.decode()
    assert AuditEntry.objects.filter(action=Action.OTP_FAILED).exists()
    device = TOTPDevice.objects.get(user__username="publisher")
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.last_t = -1
    device.save()
    before = client.session.session_key
    right = client.post(
        reverse("accounts:otp_verify"), {"token": current_code(device), "next": "/admin/"}
    )
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.session.session_key != before
    assert client.get("/admin/").status_code == 200


def test_editors_without_publish_rights_may_skip_it(client, editor, two_factor_required):
    sign_in(client, "editor")
    assert client.get("/admin/").status_code == 200
    # …and may enrol if they wish; from then on they are asked too.
    assert enrol(client).status_code == 302
    client.post(reverse("admin:logout"))
    sign_in(client, "editor")
    assert client.get("/admin/").status_code == 302


def test_two_factor_is_off_by_default_in_development(client, content):
    assert settings.ADMIN_REQUIRE_2FA is False  # tests/settings.py, as DEBUG=1 makes it
    make_user("publisher", group="发布者")
    sign_in(client, "publisher")
    assert client.get("/admin/").status_code == 200


def test_next_must_stay_on_this_site(client, content, two_factor_required):
    make_user("publisher", group="发布者")
    sign_in(client, "publisher")
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(
        reverse("accounts:otp_setup"),
        {"token": current_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/admin/"
