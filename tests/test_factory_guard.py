"""The guard against raw case writes in tests (``tests/factory_guard.py``) finds each kind."""

import pytest

from tests.factory_guard import MARK, STILL_RAW, _modules, raw_constructions, report, too_many


def test_no_unmarked_raw_case_writes_in_tests():
    problems = too_many()
    assert not problems, report(problems)


def test_still_raw_names_only_existing_modules():
    modules = {name for name, _path in _modules()}
    assert set(STILL_RAW) <= modules


@pytest.mark.parametrize(
    "source",
    [
        "CaseFactory(state=CaseState.CHECKED)",
        "CaseFactory()",
        "Case.objects.filter(pk=1).update(granted_until=None)",
        "CaseDocument.objects.create(case=case, code='x', name='X')",
        "CaseHistory.objects.bulk_create(rows)",
        "case.__dict__['state'] = 'checked'",
        "type(case).objects.filter(pk=case.pk).update(state='checked')",
        "case.__class__.objects.create(file_number='X')",
        "case._meta.model.objects.filter(pk=1).update(state='x')",
        "Participation.objects.filter(case=case).update(due_on=None)",
        "Notice.objects.create(case=case)",
    ],
)
def test_the_guard_sees_each_kind_of_raw_write(source):
    assert len(raw_constructions(source)) == 1
    assert raw_constructions(f"{source}  {MARK} a corrupt index on purpose") == []
    assert raw_constructions(f"{MARK} a corrupt index on purpose\n{source}") == []
    assert raw_constructions(f"{MARK} a corrupt index\n# on purpose\n{source}") == []
    assert len(raw_constructions(f"{MARK} a corrupt index\nx = 1\n{source}")) == 1


def test_the_guard_lets_services_and_other_models_pass():
    source = (
        "WorkflowCaseFactory(checked=True)\nSlot.objects.create(start=x)\nservices.create_case()"
    )
    assert raw_constructions(source) == []
