"""Office management edits a letter template in the Wagtail admin: a broken template is
refused with a clear message, a good one is previewed with sample data. Screenshots go to
test-artifacts/letters/."""

import pytest
from django.contrib.auth.models import Group

from casework.constants import OFFICE_ADMIN_GROUP
from casework.demo import grant_office_admins
from operations import services
from operations.constants import LetterKind
from operations.models import LetterTemplate
from tests.casework.backoffice import casework_staff_group
from tests.casework.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shot(page, artifacts_dir, name):
    folder = artifacts_dir / "letters"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def office_manager():
    user = UserFactory(username="amtsleitung")
    user.groups.add(Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)[0])
    user.groups.add(casework_staff_group())
    grant_office_admins(LetterTemplate, ("view", "add", "change"))
    return user


def test_a_broken_template_is_refused_and_a_good_one_previewed(
    live_server, make_page, admin_login, office_manager, artifacts_dir, assert_accessible
):
    services.seed_letter_templates()
    template = LetterTemplate.objects.get(kind=LetterKind.TITLE_REMINDER, language="de")
    original_body = template.body
    page = make_page(width=1400, height=1000)
    admin_login(page, "amtsleitung")
    page.goto(f"{live_server.url}/admin/snippets/operations/lettertemplate/edit/{template.pk}/")
    body = page.locator("textarea[name=body]")
    body.fill("Guten Tag {{ case.assigned_to.password }},\n\n{% if expires_on %}bis bald")
    page.locator("button[type=submit]", has_text="Speichern").first.click()
    page.wait_for_load_state()
    errors = page.locator("[data-field-wrapper]:has(textarea[name=body]) .error-message")
    errors.first.wait_for()
    text = errors.all_inner_texts()
    assert any("ohne Punkte" in t or "nicht geschlossen" in t for t in text), text
    shot(page, artifacts_dir, "01-refused")
    assert_accessible(page)
    template.refresh_from_db()
    assert template.body == original_body  # nothing was saved

    body.fill(
        "Guten Tag {{ full_name }},\n\nIhr Titel ({{ legal_basis }}) gilt bis "
        "{{ expires_on|date:'d.m.Y' }}.\n\nMit freundlichen Grüßen\n{{ office_name }}"
    )
    page.locator("button[data-side-panel-toggle=preview]").click()
    frame = page.frame_locator("#w-preview-iframe")
    subject = frame.locator("[data-testid=preview-body]")
    subject.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#w-preview-iframe')"
        ".contentDocument.body.innerText.includes('Olena Kovalenko')"
    )
    preview = frame.locator("body").inner_text()
    assert "Guten Tag Olena Kovalenko" in preview
    assert "30.09.2026" in preview and "§ 24 AufenthG" in preview
    shot(page, artifacts_dir, "02-preview")
    page.locator("button[type=submit]", has_text="Speichern").first.click()
    page.wait_for_load_state()
    template.refresh_from_db()
    assert "{{ full_name }}" in template.body

    # The preview page on its own (what the panel's frame shows) meets WCAG too.
    page.goto(f"{live_server.url}/admin/snippets/operations/lettertemplate/preview/{template.pk}/")
    assert "Olena Kovalenko" in page.inner_text("body")
    shot(page, artifacts_dir, "03-preview-page")
    assert_accessible(page)
