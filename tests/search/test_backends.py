"""One conformance test class, run against every configured case search backend."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from casework import services
from search.backends import get_search_backend
from search.models import SearchLog
from tests.casework.factories import CaseTypeFactory, WorkflowCaseFactory

from .conftest import backend_names, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(params=backend_names())
def backend(request, shevchenko_cases):
    backend = get_search_backend(request.param)
    backend.rebuild()
    return backend


def file_numbers(results, n=10):
    return [hit.file_number for hit in results[:n]]


class TestBackendConformance:
    def test_german_transcription_finds_passport_spelling(self, backend, office, shevchenko_cases):
        results = backend.search("Schewtschenko", user=office["boss"])
        assert file_numbers(results)[0] in {
            shevchenko_cases["shevchenko"].file_number,
            shevchenko_cases["hidden"].file_number,
        }

    def test_native_script_and_typo(self, backend, office, shevchenko_cases):
        target = shevchenko_cases["shevchenko"].file_number
        assert target in file_numbers(backend.search("Шевченко", user=office["worker_a"]))
        assert file_numbers(backend.search("Sehvchenko", user=office["worker_a"]))[0] == target

    def test_birth_date_decides_between_namesakes(self, backend, office, shevchenko_cases):
        results = backend.search("Schewtschenko 21.07.1969", user=office["boss"])
        assert file_numbers(results)[0] == shevchenko_cases["shevchenko"].file_number

    def test_exact_file_number_and_passport_number_come_first(
        self, backend, office, shevchenko_cases
    ):
        target = shevchenko_cases["savchenko"]
        results = backend.search(f"Shevchenko {target.file_number}", user=office["boss"])
        assert file_numbers(results)[0] == target.file_number
        results = backend.search("fx123456", user=office["boss"])
        assert file_numbers(results) == [shevchenko_cases["shevchenko"].file_number]

    def test_diacritics_and_articles(self, backend, office, shevchenko_cases):
        assert file_numbers(backend.search("Oeztuerk", user=office["worker_a"]))[0] == (
            shevchenko_cases["oztuerk"].file_number
        )
        assert file_numbers(backend.search("El Ahmad Muhammad", user=office["worker_a"]))[0] == (
            shevchenko_cases["alahmad"].file_number
        )

    def test_free_text_over_notes_and_comments(self, backend, office, shevchenko_cases):

        case = shevchenko_cases["shevchuk"]
        services.add_comment(case=case, user=office["worker_a"], text="Arbeitsvertrag fehlt noch")
        backend.index_cases([case.pk])
        results = backend.search("Arbeitsvertrag", user=office["worker_a"])
        assert file_numbers(results) == [case.file_number]
        assert "<mark>" in results[0].highlights["text"]
        filtered = backend.search("", user=office["worker_a"], filters={"text": "Arbeitsvertrag"})
        assert file_numbers(filtered) == [case.file_number]

    def test_filters_sorting_and_paging(self, backend, office, shevchenko_cases):
        results = backend.search(
            "", user=office["boss"], filters={"nationality": "TUR"}, sort="-received"
        )
        assert file_numbers(results) == [shevchenko_cases["oztuerk"].file_number]
        everything = backend.search("", user=office["boss"], filters={"department": "aufenthalt"})
        assert everything.count() == 5
        first, second = everything[0:3], everything[3:6]
        assert len(first) == 3 and len(second) == 2
        assert not {h.file_number for h in first} & {h.file_number for h in second}
        with pytest.raises(ValidationError):
            backend.search("", user=office["boss"], filters={"birth_date": "21.13.1969x"})

    def test_facets_count_all_results(self, backend, office, shevchenko_cases):
        results = backend.search("Shevchenko", user=office["boss"])
        hits = results[: results.count()]
        departments = {f["value"]: f["count"] for f in results.facets()["department"]}
        assert departments["asyl-eu"] == 1
        assert departments["aufenthalt"] == sum(
            h.entry.department.code == "aufenthalt" for h in hits
        )
        assert sum(f["count"] for f in results.facets()["state"]) == results.count()

    def test_case_type_and_department_filters_take_codes_not_ids(
        self, backend, office, shevchenko_cases
    ):
        """ "24" is the case type coded 24 (§ 24), even when some other type has the id 24."""
        from casework.models import CaseType

        type_b = office["type_b"]  # code "24"
        impostor = CaseTypeFactory(code=str(type_b.pk), department=office["dept_a"])
        assert CaseType.objects.filter(code=str(type_b.pk)).exclude(pk=type_b.pk).exists()
        case = make_case(impostor, family_name="Kowalczyk", given_names="Piotr")
        backend.index_cases([case.pk])

        def numbers(**filters):
            return sorted(file_numbers(backend.search("", user=office["boss"], filters=filters)))

        assert numbers(case_type="24") == [shevchenko_cases["hidden"].file_number]
        assert numbers(case_type=str(type_b.pk)) == [case.file_number]
        assert numbers(department="asyl-eu") == [shevchenko_cases["hidden"].file_number]
        with pytest.raises(ValidationError) as exc:
            backend.search("", user=office["boss"], filters={"case_type": "nope"})
        assert "case_type" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            backend.search(
                "", user=office["boss"], filters={"department": str(office["dept_b"].pk)}
            )
        assert "department" in exc.value.message_dict

    @pytest.mark.parametrize(
        "typed", ["262", "000262", "2019-262", "ABH-2019-262", "abh-2019-000262"]
    )
    def test_a_partial_file_number_finds_the_case(self, backend, office, shevchenko_cases, typed):
        # Numbers of earlier years (this year's few cases have low serials).
        in_2019 = dt.datetime(2019, 6, 1, 12, tzinfo=dt.UTC)
        in_2018 = dt.datetime(2018, 6, 1, 12, tzinfo=dt.UTC)
        target = WorkflowCaseFactory(case_type=office["type_a"], received_at=in_2019, serial=262)
        WorkflowCaseFactory(case_type=office["type_a"], received_at=in_2019, serial=1262)
        WorkflowCaseFactory(case_type=office["type_a"], received_at=in_2018, serial=263)
        backend.rebuild()
        results = backend.search(typed, user=office["worker_a"])
        assert file_numbers(results) == [target.file_number]
        filtered = backend.search("", user=office["worker_a"], filters={"file_number": typed})
        assert file_numbers(filtered) == [target.file_number]

    def test_a_partial_file_number_of_another_department_stays_hidden(
        self, backend, office, shevchenko_cases
    ):
        hidden = shevchenko_cases["hidden"]
        serial = hidden.file_number.rsplit("-", 1)[1]
        assert file_numbers(backend.search(serial, user=office["worker_a"])) == []
        assert file_numbers(backend.search(serial, user=office["worker_b"])) == [hidden.file_number]

    def test_a_number_beside_a_name_is_no_file_number(self, backend, office, shevchenko_cases):
        """ "Shevchenko 1969": a birth year or a house number, not case ABH-…-001969."""
        number = WorkflowCaseFactory(case_type=office["type_a"], serial=1969).file_number
        backend.rebuild()
        results = backend.search("Shevchenko 1969", user=office["worker_a"])
        assert number not in file_numbers(results)

    def test_snippets_come_from_notes_and_comments_only(self, backend, office, shevchenko_cases):
        """A name search shows no raw index text (numbers, names, type) under the row."""
        hit = backend.search("Shevchenko", user=office["worker_a"])[0]
        assert hit.highlights["text"] == ""
        case = shevchenko_cases["shevchenko"]
        case.notes = "Reisepass FX123456 liegt vor, Arbeitgeber Müller"
        case.save()
        backend.index_cases([case.pk])
        hit = backend.search("", user=office["worker_a"], filters={"text": "Arbeitgeber"})[0]
        assert "<mark>Arbeitgeber</mark>" in hit.highlights["text"]
        assert "SHEVCHENKO" not in hit.highlights["text"]

    def test_highlights_the_matching_name(self, backend, office, shevchenko_cases):
        hit = backend.search("Schewtschenko", user=office["worker_a"])[0]
        assert "<mark>SHEVCHENKO</mark>" in hit.highlights["name"]

    def test_every_search_is_logged(self, backend, office, shevchenko_cases):
        before = SearchLog.objects.count()
        results = backend.search("Schewtschenko", user=office["worker_a"], route="test")
        log = SearchLog.objects.order_by("-id").first()
        assert SearchLog.objects.count() == before + 1
        assert (log.user, log.query, log.result_count) == (
            office["worker_a"],
            "Schewtschenko",
            results.count(),
        )

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "x" * 10_000,
            '"',
            "*",
            ":",
            "(",
            "OR",
            "-",
            'Shev" OR name_keys:*',
            "NEAR(a b)",
            "\x00\x00Shevchenko\x00",
            "Шевчeнко",
            "Ш∑∂ƒ©˙∆˚¬ 😀",
            "'; DROP TABLE search_caseindexentry; --",
            "a -b +c ^d {e} [f] ~g",
        ],
    )
    def test_bad_input_never_breaks(self, backend, office, shevchenko_cases, query):
        """Syntax characters, NUL bytes, huge and mixed-script input give results, not errors."""
        results = backend.search(query, user=office["boss"])
        assert results.count() >= 0
        list(results[:5])
        results.facets()

    def test_homoglyph_query_finds_the_cyrillic_name(self, backend, office, shevchenko_cases):
        results = backend.search("Шевчeнко", user=office["worker_a"])  # Latin "e"
        assert shevchenko_cases["shevchenko"].file_number in file_numbers(results)
