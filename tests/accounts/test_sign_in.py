"""Staff sign-in: lock-out after wrong passwords, the second factor, idle timeout, the log."""

import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import EventKind
from accounts.middleware import LAST_SEEN_KEY
from accounts.models import SecurityEvent
from casework.constants import OFFICE_ADMIN_GROUP
from tests.accounts.login import current_code, ensure_totp_device, password_only_login
from tests.casework.backoffice import casework_staff_group, member
from tests.casework.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def staff():
    return member(DepartmentFactory(code="aufenthalt"), user__username="clerk")


def sign_in(client, username, password="demo"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def kinds(username):
    return list(
        SecurityEvent.objects.filter(username=username)
        .order_by("id")
        .values_list("kind", flat=True)
    )


# -- lock-out -------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "clerk", "wrong")
        assert response.status_code == 200  # the sign-in form again, with its error
    response = sign_in(client, "clerk", "wrong")
    assert response.status_code == 429
    response = sign_in(client, "clerk", "demo")
    assert response.status_code == 429
    text = response.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in text or "temporarily locked" in text
    assert "_auth_user_id" not in client.session
    assert kinds("clerk").count(EventKind.LOGIN_FAILED) == settings.AXES_FAILURE_LIMIT
    assert EventKind.LOCKED_OUT in kinds("clerk")
    assert EventKind.LOGIN not in kinds("clerk")


def test_the_lock_is_per_account_name_from_any_address(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN, {"username": "clerk", "password": "x"}, REMOTE_ADDR=f"198.51.100.{n + 1}"
        )
    response = client.post(
        LOGIN, {"username": "clerk", "password": "demo"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429


def test_the_lock_ends_after_the_cool_off(client, staff, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "clerk", "wrong")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time
                                 - settings.AXES_COOLOFF_TIME * 2)  # fmt: skip
    response = sign_in(client, "clerk", "demo")
    assert response.status_code == 302


def test_a_right_password_resets_the_failure_count(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "clerk", "wrong")
    assert sign_in(client, "clerk", "demo").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "clerk", "wrong")
    assert sign_in(client, "clerk", "demo").status_code == 302


# -- second factor --------------------------------------------------------------------------


def test_the_password_alone_does_not_open_the_back_office(client, staff):
    ensure_totp_device(staff)
    response = sign_in(client, "clerk")
    assert response.status_code == 302
    for path in ("/admin/", "/admin/cases/", "/admin/api/main/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/sign-in/verify/?next=")


def test_an_account_without_an_authenticator_must_set_one_up(client, staff):
    sign_in(client, "clerk")
    response = client.get("/admin/cases/")
    assert response["Location"].startswith("/admin/sign-in/setup/")


def test_setting_up_the_authenticator_shows_a_local_qr_code_then_recovery_codes(
    client, staff, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off after the wrong code below
    sign_in(client, "clerk")
    page = client.get("/admin/sign-in/setup/").content.decode()
    assert "<svg" in page and "otpauth" not in page  # the QR code is drawn, not linked
    assert re.search(r"<img[^>]+src=\"https?://", page) is None
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert client.get("/admin/sign-in/setup/").status_code == 200
    assert TOTPDevice.objects.filter(user=staff).count() == 1  # reloading keeps the same key

    wrong = client.post("/admin/sign-in/setup/", {"code": "000000", "next": "/admin/cases/"})
    assert wrong.status_code == 200
    assert "not valid" in wrong.content.decode() or "nicht gültig" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post(
        "/admin/sign-in/setup/", {"code": current_code(device), "next": "/admin/cases/"}
    )
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/cases/").status_code == 200
    assert kinds("clerk")[-2:] == [EventKind.TOTP_ENROLLED, EventKind.RECOVERY_CODES_CREATED]


def test_a_code_from_the_app_opens_the_back_office(client, staff):
    device = ensure_totp_device(staff)
    sign_in(client, "clerk")
    response = client.post(
        "/admin/sign-in/verify/", {"code": current_code(device), "next": "/admin/cases/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/cases/"
    assert client.get("/admin/cases/").status_code == 200
    assert kinds("clerk") == [EventKind.LOGIN, EventKind.OTP_VERIFIED]


def test_a_used_code_does_not_work_twice(client, staff):
    device = ensure_totp_device(staff)
    sign_in(client, "clerk")
    code = current_code(device)
    client.post("/admin/sign-in/verify/", {"code": code})
    client.logout()
    sign_in(client, "clerk")
    response = client.post("/admin/sign-in/verify/", {"code": code})
    assert response.status_code == 200
    assert client.get("/admin/cases/").status_code == 302


def test_verify_does_not_redirect_to_another_host(client, staff):
    device = ensure_totp_device(staff)
    sign_in(client, "clerk")
    response = client.post(
        "/admin/sign-in/verify/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_a_recovery_code_works_once(client, staff, rf):
    ensure_totp_device(staff)
    sign_in(client, "clerk")
    device = staff.staticdevice_set.create(name="recovery codes", confirmed=True)
    device.token_set.create(token="abcd2345")
    response = client.post("/admin/sign-in/verify/", {"code": "abcd 2345", "recovery": "1"})
    assert response.status_code == 302
    assert not StaticToken.objects.filter(device__user=staff).exists()
    client.logout()
    sign_in(client, "clerk")
    response = client.post("/admin/sign-in/verify/", {"code": "abcd2345", "recovery": "1"})
    assert response.status_code == 200
    assert EventKind.RECOVERY_CODE_USED in kinds("clerk")


def test_five_wrong_codes_sign_the_session_out(client, staff, settings):
    ensure_totp_device(staff)
    sign_in(client, "clerk")
    # django-otp slows down each further wrong code; the test lifts the delay.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    for _ in range(4):
        assert client.post("/admin/sign-in/verify/", {"code": "000000"}).status_code == 200
    response = client.post("/admin/sign-in/verify/", {"code": "000000"})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert kinds("clerk").count(EventKind.OTP_FAILED) == 5


def test_wrong_codes_are_throttled_by_django_otp(client, staff):
    device = ensure_totp_device(staff)
    sign_in(client, "clerk")
    client.post("/admin/sign-in/verify/", {"code": "000000"})
    # Right after a failure even the right code waits (exponential back-off).
    response = client.post("/admin/sign-in/verify/", {"code": current_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_a_verified_session_may_replace_its_authenticator(client, staff):
    old = ensure_totp_device(staff)
    client.force_login(staff)
    page = client.get("/admin/sign-in/setup/")
    assert page.status_code == 200
    new = TOTPDevice.objects.get(user=staff, confirmed=False)
    client.post("/admin/sign-in/setup/", {"code": current_code(new)})
    assert list(TOTPDevice.objects.filter(user=staff).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_a_half_signed_in_session_cannot_replace_the_authenticator(client, staff):
    ensure_totp_device(staff)
    password_only_login(client, staff)
    response = client.get("/admin/sign-in/setup/")
    assert response["Location"].startswith("/admin/sign-in/verify/")
    assert not TOTPDevice.objects.filter(user=staff, confirmed=False).exists()


# -- idle timeout and the log ---------------------------------------------------------------


def test_an_idle_session_is_signed_out(client, staff, settings):
    client.force_login(staff)
    assert client.get("/admin/cases/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get("/admin/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert EventKind.IDLE_TIMEOUT in kinds("clerk")
    page = client.get(response["Location"]).content.decode()
    assert "without activity" in page or "ohne Aktivität" in page


def test_an_active_session_stays(client, staff, settings):
    client.force_login(staff)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT_MINUTES * 60 + 60
    session.save()
    assert client.get("/admin/cases/").status_code == 200
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5


def test_sign_in_and_sign_out_are_logged_with_the_address(client, staff):
    device = ensure_totp_device(staff)
    client.post(LOGIN, {"username": "clerk", "password": "demo"}, REMOTE_ADDR="192.0.2.7")
    client.post("/admin/sign-in/verify/", {"code": current_code(device)}, REMOTE_ADDR="192.0.2.7")
    client.post("/admin/logout/", REMOTE_ADDR="192.0.2.7")
    events = list(SecurityEvent.objects.filter(username="clerk").order_by("id"))
    assert [e.kind for e in events] == [EventKind.LOGIN, EventKind.OTP_VERIFIED, EventKind.LOGOUT]
    assert {e.ip_address for e in events} == {"192.0.2.7"}
    assert all(e.user_id == staff.pk for e in events)


def test_a_wrong_password_for_an_unknown_account_is_logged_too(client):
    sign_in(client, "nobody", "guess")
    assert kinds("nobody") == [EventKind.LOGIN_FAILED]


# -- the security page ----------------------------------------------------------------------


@pytest.fixture
def office_admin():
    user = UserFactory(username="amt")
    user.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    user.groups.add(casework_staff_group())
    return user


def test_office_management_sees_accounts_and_events_and_resets_a_lost_phone(
    client, staff, office_admin
):
    ensure_totp_device(staff)
    sign_in(client, "clerk", "wrong")
    client.force_login(office_admin)
    page = client.get("/admin/sign-in/security/")
    assert page.status_code == 200
    assert "clerk" in page.content.decode()
    response = client.post(f"/admin/sign-in/security/{staff.pk}/", {"action": "second_factor"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert EventKind.SECOND_FACTOR_RESET in kinds("clerk")


def test_office_management_lifts_a_lock(client, staff, office_admin, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "clerk", "wrong")
    admin_client = client.__class__()
    admin_client.force_login(office_admin)
    admin_client.post(f"/admin/sign-in/security/{staff.pk}/", {"action": "unlock"})
    assert sign_in(client, "clerk", "demo").status_code == 302


def test_a_caseworker_may_not_open_the_security_page(client, staff):
    client.force_login(staff)
    assert client.get("/admin/sign-in/security/").status_code in (302, 403)
    other = UserFactory(username="victim")
    ensure_totp_device(other)
    client.post(f"/admin/sign-in/security/{other.pk}/", {"action": "second_factor"})
    assert TOTPDevice.objects.filter(user=other).exists()


# -- demo -----------------------------------------------------------------------------------


def test_demo_accounts_get_the_published_key_and_the_command_prints_its_code(capsys):
    from io import StringIO

    from django.core.management.color import no_style

    from accounts import demo

    user = member(DepartmentFactory(code="x"), user__username="sachbearbeitung")
    demo.load(stdout=StringIO(), style=no_style())
    demo.load(stdout=StringIO(), style=no_style())
    device = TOTPDevice.objects.get(user=user)
    assert device.key == demo.demo_key_hex()
    out = StringIO()
    call_command("demo_otp_code", stdout=out, stderr=StringIO())
    assert device.verify_token(out.getvalue().strip())
