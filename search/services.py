"""Writes other apps may ask of search: forgetting a person whose file the office deleted.

The index follows case deletions by itself (signals after commit, errors only logged); the
deletion under the retention rules needs more: a removal from every backend that fails
loudly (so the deletion is retried), and the traces a person leaves outside the case index,
i.e. their name keys in the vocabulary and the search log's queries that named them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from . import names
from .backends import get_search_backends, vocabulary
from .models import CaseIndexEntry, NameTerm, SearchLog

__all__ = ["REDACTED_QUERY", "forget_person", "remove_cases_everywhere"]

#: What a search-log query that named an erased person reads afterwards.
REDACTED_QUERY = "[deleted]"


def remove_cases_everywhere(case_ids: Iterable[int]) -> None:
    """Remove the cases from every configured backend now; raises when a backend fails."""
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        return
    for backend in get_search_backends().values():
        backend.remove_cases(ids)


def _family_keys(family_names: Iterable[str]) -> set[str]:
    text = " ".join(part for part in family_names if part)
    precise, _coarse = names.query_key_levels(names.parse_query(text))
    return precise


def _names_person(
    text: str, family_keys: set[str], identifiers: set[str], file_numbers: set[str]
) -> bool:
    parsed = names.parse_query(text)
    if file_numbers & set(parsed.file_numbers) or identifiers & set(parsed.identifiers):
        return True
    precise, _coarse = names.query_key_levels(parsed)
    return bool(family_keys & precise)


def forget_person(
    *,
    family_name: str,
    given_names: str = "",
    family_name_native: str = "",
    given_names_native: str = "",
    file_numbers: Iterable[str] = (),
    identifiers: Iterable[str] = (),
) -> dict[str, int]:
    """After a person's cases are deleted (same transaction): drop their name keys that no
    remaining index entry uses, and blank the search-log queries that named them (by a
    spelling of the family name, a file number or an identifier such as the passport number).

    Returns ``{"name_terms": removed, "search_log": blanked}``.
    """
    keys = names.index_keys(family_name, given_names, family_name_native, given_names_native)
    unused = set(keys)
    if keys:
        condition = Q()
        for key in keys:
            condition |= Q(name_keys__contains=key)
        for row in CaseIndexEntry.objects.filter(condition).values_list("name_keys", flat=True):
            unused -= set(row.split())
            if not unused:
                break
    removed = 0
    if unused:
        removed, _detail = NameTerm.objects.filter(key__in=sorted(unused)).delete()
        vocabulary.changed()

    family_keys = _family_keys([family_name, family_name_native])
    ids = {"".join(str(i).split()).upper() for i in identifiers if i}
    numbers = {str(n).upper() for n in file_numbers if n}
    # The database narrows the log to entries containing a spelling of the family name (as
    # written, transliterated or in German transcription), a file number or an identifier;
    # the name keys then decide.
    spellings: set[str] = set(ids) | numbers
    for token in names.parse_query(f"{family_name} {family_name_native}").tokens:
        spellings |= set(token.folds)
        if token.native:
            # SQLite compares case-insensitively for ASCII letters only.
            spellings |= {token.native, token.native.upper(), token.native.capitalize()}
    condition = Q()
    for spelling in sorted(s for s in spellings if len(s) >= 3):
        condition |= Q(query__icontains=spelling) | Q(filters_text__icontains=spelling)
    if not condition:
        return {"name_terms": removed, "search_log": 0}
    logs = (
        SearchLog.objects.exclude(query=REDACTED_QUERY)
        .annotate(filters_text=Cast("filters", TextField()))
        .filter(condition)
    )
    blanked = []
    for pk, query, filters in logs.values_list("pk", "query", "filters").iterator(2000):
        text = " ".join([query or "", *(str(v) for v in (filters or {}).values())])
        if _names_person(text, family_keys, ids, numbers):
            blanked.append(pk)
    if blanked:
        SearchLog.objects.filter(pk__in=blanked).update(query=REDACTED_QUERY, filters={})
    return {"name_terms": removed, "search_log": len(blanked)}
