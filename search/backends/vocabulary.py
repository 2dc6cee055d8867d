"""The name vocabulary: every name key in the index (:class:`~search.models.NameTerm`), held
per process, and the keys one typo away from a query's words.

Both backends widen a name query by these neighbours (the database backend's second key
tier, the Elasticsearch backend's typo arm), so a typo finds the same people in both: a
search engine's own fuzzy matching would walk its terms and score every near key per query,
where a neighbour here is a plain key lookup.
"""

from __future__ import annotations

import threading
import time

from django.db import connection
from django.db.models import Max
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from .. import names
from ..models import NameTerm

__all__ = ["TYPO_SIMILARITY", "changed", "max_term_id", "near_keys", "typo_words"]

#: A vocabulary word this similar to a query word counts as "the same with one typo".
TYPO_SIMILARITY = 0.78
#: Neighbours kept per query word (the most similar).
NEIGHBOURS = 15
#: Seconds a copy of the vocabulary counts as current without asking the database for its
#: newest key (callers that read the newest id anyway pass it and are always current). A
#: key written elsewhere meanwhile only lacks as a typo neighbour for that long; a key
#: written by this process (:func:`changed`) never does.
FRESH_SECONDS = 2.0


class _Vocabulary:
    """The name keys of the index, cached per process and reloaded when new keys appear."""

    def __init__(self):
        self._lock = threading.Lock()
        self._stamp: tuple[str, int | None] | None = None
        self._by_length: dict[int, list[str]] = {}
        #: When the newest key id was last read (monotonic seconds).
        self._checked = -1e9

    def changed(self) -> None:
        """This process wrote or deleted keys: read the newest id again before the next use."""
        self._checked = -1e9

    def near(self, words: set[str], max_id: int | None = -1) -> set[str]:
        """Vocabulary keys one typo away; ``max_id``: newest key id if the caller read it,
        ``-1`` to read it (at most every :data:`FRESH_SECONDS`)."""
        database = connection.settings_dict.get("NAME", "")
        if max_id == -1:
            now = time.monotonic()
            stamp = self._stamp
            if stamp is not None and stamp[0] == database and now - self._checked < FRESH_SECONDS:
                max_id = stamp[1]
            else:
                max_id = max_term_id()
                self._checked = now
        stamp = (database, max_id)
        with self._lock:
            if stamp != self._stamp:
                by_length: dict[int, list[str]] = {}
                for key in NameTerm.objects.values_list("key", flat=True).iterator(5000):
                    by_length.setdefault(len(key), []).append(key)
                self._by_length = by_length
                self._stamp = stamp
            by_length = self._by_length
        out: set[str] = set()
        for word in words:
            if len(word) < 4:
                continue
            span = max(1, len(word) // 4)
            pool = [
                k
                for n in range(len(word) - span, len(word) + span + 1)
                for k in by_length.get(n, ())
            ]
            for match, _score, _i in process.extract(
                word,
                pool,
                scorer=DamerauLevenshtein.normalized_similarity,
                score_cutoff=TYPO_SIMILARITY,
                limit=NEIGHBOURS,
            ):
                out.add(match)
        return out


def max_term_id() -> int | None:
    """The newest vocabulary id (tells whether the process's copy is still current)."""
    return NameTerm.objects.aggregate(m=Max("id"))["m"]


_vocabulary = _Vocabulary()


def changed() -> None:
    """Keys were written or deleted here (indexing, forgetting a person)."""
    _vocabulary.changed()


def typo_words(parsed: names.ParsedQuery) -> set[str]:
    """The query's words (spellings and phonetic keys) whose typo neighbours are looked up."""
    return {f for t in parsed.tokens for f in (*t.folds, *t.keys)}


def near_keys(words: set[str], max_id: int | None = -1) -> set[str]:
    """Vocabulary keys one typo away from these words (the words themselves included when
    they are keys); ``max_id``: the newest key id if the caller read it already."""
    return _vocabulary.near(words, max_id)
