import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfWriter

from casework.constants import CaseCategory
from casework.models import RequiredDocument
from tests.casework.factories import CaseTypeFactory, DepartmentFactory


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def case_types(db):
    """The catalogue entries the three forms offer, each with a short checklist."""
    department = DepartmentFactory(code="aufenthalt", name="Aufenthalt/Anerkennung")
    types = {
        "18b": CaseTypeFactory(code="18b", legal_basis="§ 18b AufenthG", department=department),
        "18g": CaseTypeFactory(
            code="18g", name="Blaue Karte EU", legal_basis="§ 18g AufenthG", department=department
        ),
        "9": CaseTypeFactory(
            code="9",
            name="Niederlassungserlaubnis",
            legal_basis="§ 9 AufenthG",
            category=CaseCategory.PERMANENT,
            department=department,
        ),
        "24": CaseTypeFactory(
            code="24",
            name="Vorübergehender Schutz",
            legal_basis="§ 24 AufenthG",
            category=CaseCategory.HUMANITARIAN,
            department=department,
        ),
    }
    for case_type in types.values():
        RequiredDocument.objects.create(
            case_type=case_type, code="passport", name="Reisepass", sort_order=1
        )
        RequiredDocument.objects.create(
            case_type=case_type, code="contract", name="Arbeitsvertrag", sort_order=2
        )
    return types


def personal_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "family_name": "SHEVCHENKO",
        "given_names": "OLENA",
        "family_name_native": "Шевченко",
        "given_names_native": "Олена",
        "birth_date": "1990-05-17",
        "nationality": "UKR",
        "id_document": "passport",
        "passport_number": "FA 123456",
        "passport_valid_until": (today + dt.timedelta(days=900)).isoformat(),
        "street": "Hauptstraße 1",
        "postal_code": "40822",
        "town": "Mettmann",
        "email": "olena@example.org",
        "phone": "",
        "language": "uk",
    }
    data.update(overrides)
    return data


class Wizard:
    """Drives the application form through the test client, step by step."""

    def __init__(self, client, kind: str = "employment", language: str = "de"):
        self.client = client
        self.kind = kind
        with translation.override(language):
            self.url = reverse("applications:apply", kwargs={"kind": kind})
        self.response = client.get(self.url)
        assert self.response.status_code == 200

    @property
    def token(self) -> str:
        return self.client.session[f"wizard_application_{self.kind}"]["extra_data"]["token"]

    def post(self, step: str, data: dict, **extra):
        payload = {f"application_{self.kind}-current_step": step}
        payload.update({f"{step}-{key}": value for key, value in data.items()})
        self.response = self.client.post(self.url, payload, **extra)
        return self.response

    def fill_until_documents(self, case_type, *, personal=None, application=None, family=None):
        response = self.post("personal", personal or personal_data())
        assert response.context["wizard"]["steps"].current == "application", form_errors(response)
        application = {"case_type": case_type.pk, "is_extension": "0", **(application or {})}
        response = self.post("application", application)
        if response.context["wizard"]["steps"].current == "family":
            response = self.post_family(family or [])
        assert response.context["wizard"]["steps"].current == "documents", form_errors(response)
        return response

    def post_family(self, members: list[dict], **extra):
        """The family step (§ 24 form): one formset entry per member."""
        payload = {
            f"application_{self.kind}-current_step": "family",
            "family-TOTAL_FORMS": str(len(members)),
            "family-INITIAL_FORMS": "0",
            "family-MIN_NUM_FORMS": "0",
            "family-MAX_NUM_FORMS": "15",
        }
        for index, member in enumerate(members):
            payload.update({f"family-{index}-{key}": value for key, value in member.items()})
        payload.update(extra)
        self.response = self.client.post(self.url, payload)
        return self.response

    def finish(self, *, documents=None, photo=None):
        response = self.post("documents", documents or {})
        assert response.context["wizard"]["steps"].current == "photo", form_errors(response)
        response = self.post("photo", photo or {"photo_source": "on_site"})
        assert response.context["wizard"]["steps"].current == "consent", form_errors(response)
        response = self.post("consent", {"consent": "on", "truthful": "on"})
        assert response.context["wizard"]["steps"].current == "summary", form_errors(response)
        token = self.token
        return self.post("summary", {"token": token}), token


def form_errors(response):
    context = getattr(response, "context", None)
    if not context or "form" not in context:
        return response.status_code
    return context["form"].errors
