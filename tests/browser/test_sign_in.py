"""Staff sign-in in a real browser: the lock-out, setting up the authenticator app, and the
sign-in with a one-time code. Screenshots go to test-artifacts/sign-in/."""

import base64
import time

import pytest
from django_otp.oath import totp

from accounts.constants import EventKind
from accounts.models import SecurityEvent
from tests.casework.backoffice import member
from tests.casework.factories import DepartmentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name):
    folder = artifacts_dir / "sign-in"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def submit_password(page, url, username, password):
    page.goto(f"{url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_wrong_passwords_lock_the_account_with_a_clear_message(
    live_server, make_page, artifacts_dir, assert_accessible, settings
):
    member(DepartmentFactory(code="aufenthalt"), user__username="clerk")
    page = make_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        submit_password(page, live_server.url, "clerk", "falsch")
    submit_password(page, live_server.url, "clerk", "demo")  # the right one, too late
    message = page.locator("[data-testid=locked-out]")
    assert message.is_visible()
    assert "15" in message.inner_text()
    assert "/admin/sign-in/" not in page.url and "_auth_user_id" not in page.url
    shot(page, artifacts_dir, "01-locked-out")
    assert_accessible(page)
    page.goto(f"{live_server.url}/admin/cases/")
    assert "/admin/login/" in page.url  # nothing of the back office opened
    assert SecurityEvent.objects.filter(username="clerk", kind=EventKind.LOCKED_OUT).exists()


def test_first_sign_in_sets_up_the_authenticator_then_signs_in_with_a_code(
    live_server, make_page, artifacts_dir, assert_accessible
):
    member(DepartmentFactory(code="aufenthalt"), user__username="clerk")
    page = make_page()
    submit_password(page, live_server.url, "clerk", "demo")
    page.wait_for_url("**/admin/sign-in/setup/**")
    assert page.locator("[data-testid=totp-qr] svg").is_visible()
    shot(page, artifacts_dir, "02-setup")
    assert_accessible(page)

    # The "phone": the key as shown on the page, the code computed from it.
    secret = page.locator("[data-testid=totp-secret]").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=code]", f"{totp(key):06d}")
    page.click("button[type=submit]")
    codes = page.locator("[data-testid=recovery-codes] li")
    codes.first.wait_for()
    assert codes.count() == 10
    shot(page, artifacts_dir, "03-recovery-codes")
    assert_accessible(page)
    page.click("[data-testid=continue]")
    page.wait_for_url(f"{live_server.url}/admin/")

    # A new session: password, then the code of the next time step.
    page.context.clear_cookies()
    submit_password(page, live_server.url, "clerk", "demo")
    page.wait_for_url("**/admin/sign-in/verify/**")
    shot(page, artifacts_dir, "04-verify")
    assert_accessible(page)
    page.fill("input[name=code]", "123456")
    page.click("button[type=submit]")
    page.locator("[data-testid=form-error]").first.wait_for()
    shot(page, artifacts_dir, "05-wrong-code")
    time.sleep(1.1)  # django-otp's back-off after a wrong code
    page.fill("input[name=code]", f"{totp(key, drift=1):06d}")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/cases/")
    assert "/admin/cases/" in page.url
    kinds = list(
        SecurityEvent.objects.filter(username="clerk").order_by("id").values_list("kind", flat=True)
    )
    assert kinds[-3:] == [EventKind.LOGIN, EventKind.OTP_FAILED, EventKind.OTP_VERIFIED]
