"""The access report (DSGVO Art. 15): everything stored about one person, as PDF and JSON."""

import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from casework.models import CaseAccessLog
from privacy import services
from privacy.models import AccessReport

from .walk import all_models

pytestmark = pytest.mark.django_db


def produce(world, fmt, language="de"):
    return services.produce_access_report(
        person=world.gone.person, user=world.amt2, fmt=fmt, language=language
    )


def test_json_holds_everything_stored_about_the_person(world):
    filename, content_type, content = produce(world, "json")
    assert filename.endswith(".json") and content_type == "application/json"
    data = json.loads(content)
    assert data["person"]["family_name"] == "Zyxwvutsky"
    assert data["person"]["passport_number"] == "ZX9876543"
    numbers = [c["file_number"] for c in data["cases"]]
    assert numbers == [c.file_number for c in world.gone.cases]
    kinds = {block["model"] for case in data["cases"] for block in case["records"]}
    assert {
        "casework.CaseHistory",
        "casework.CaseDocument",
        "casework.CaseComment",
        "casework.CaseAccessLog",
        "casework.CardOrder",
        "casework.HandOver",
        "appointments.Booking",
        "appointments.WaitingListEntry",
        "applications.Submission",
        "operations.ContinuationItem",
    } <= kinds
    assert "operations.Reminder" in {b["model"] for b in data["person_records"]}
    assert {f["kind"] for f in data["files"]} == {"upload", "letter"}
    assert len(data["files"]) == 3
    # Staff appear by role, secrets never.
    history = next(b for b in data["cases"][0]["records"] if b["model"] == "casework.CaseHistory")[
        "records"
    ]
    assert any("Aufenthalt/Anerkennung" in (row.get("by") or "") for row in history)
    assert world.worker_a.username not in content.decode()
    assert "cancel_key_hash" not in content.decode() and "tok-ZX" not in content.decode()
    assert data["retention"][0]["due_on"] == "2019-01-01"


def test_every_table_that_points_at_a_person_or_case_is_in_the_report(world):
    """A table added later appears by itself: the report follows the foreign keys."""
    from casework.models import Case, Person

    produce(world, "pdf")  # the second report lists the first
    data = json.loads(produce(world, "json")[2])
    reported = {b["model"] for c in data["cases"] for b in c["records"]} | {
        b["model"] for b in data["person_records"]
    }
    for model in all_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model in (Person, Case) and model is not Case:
                owner = {"person": world.gone.person, "case": None}
                rows = model._base_manager.filter(
                    **{f"{f.name}__in": world.gone.cases}
                    if f.related_model is Case
                    else {f.name: owner["person"]}
                )
                if rows.exists() and model._meta.label != "search.CaseIndexEntry":
                    assert model._meta.label in reported


def test_pdf_is_a_letter_with_every_section(world, tmp_path):
    _name, content_type, content = produce(world, "pdf")
    assert content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Art. 15" in text and "Zyxwvutsky" in text
    for number in (c.file_number for c in world.gone.cases):
        assert number in text
    assert "Speicherdauer" in text or "Storage period" in text
    (tmp_path / "report.pdf").write_bytes(content)


def test_the_report_is_available_in_the_applicants_languages(world):
    _name, _type, content = produce(world, "pdf", language="uk")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Ваші персональні дані" in text


def test_zip_holds_the_pdf_the_json_and_the_stored_files(world):
    _name, content_type, content = produce(world, "zip")
    assert content_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert "auskunft.pdf" in names and "auskunft.json" in names
        files = [n for n in names if n.startswith("files/")]
        assert len(files) == 3
        assert any(archive.read(n).startswith(b"%PDF") for n in files)


def test_producing_the_report_is_logged(world):
    before = CaseAccessLog.objects.filter(user=world.amt2).count()
    produce(world, "pdf")
    report = AccessReport.objects.get()
    assert report.person == world.gone.person and report.produced_by == world.amt2
    assert report.format == "pdf"
    assert CaseAccessLog.objects.filter(user=world.amt2, route="export").count() == before + 2
