"""The Elasticsearch backend (``elasticsearch`` >= 9 and ``elasticsearch.dsl``).

What is indexed: one document per case, built from its row of the database index
(:class:`~search.models.CaseIndexEntry`, the system of record). Names and identifiers are
indexed as the keys :mod:`search.names` computes (folded spellings, phonetic keys, consonant
skeletons, native script, initials) in a ``keyword`` field, so no optional analyzer is needed;
the notes and comments as text, with the ``german`` analyzer where the cluster has it and
``standard`` where it does not (a bare node lacks the ``analysis-common`` module; detected
when an index is created, and logged), plus a folded copy for prefix matching.

Indices are versioned (``<alias>-<timestamp>``) behind an alias: a rebuild fills a new index
and swaps the alias in one step, so searches never see a half-built index.

Searching: names and free text are looked up here, each kind of candidate with its own limit,
with the user's scope (:class:`casework.policy.CaseScope`) and the search filters as a ``filter``
clause of every query, so hits, totals and aggregations only ever count visible cases. The
candidates are then read through the permission-filtered queryset of the database index and
ranked by :func:`search.names.score`, exactly as for the database backend. Text matches
beyond the ranked top set are counted, faceted and listed here, paged with ``search_after``
(no 10,000-hit window).

Writes: a case change queues the case in the outbox (:mod:`search.sync`), which a background
job drains into the index; while the cluster is down, changes wait there and searches raise
:class:`~search.backends.base.SearchUnavailable`.

Settings: ``{"BACKEND": "search.backends.elasticsearch", "URL": "http://a:9200,http://b:9200",
"INDEX": "abh-cases"}``; optional ``SHARDS`` (1), ``REPLICAS`` ("0-all": a copy of every shard
on every node, so that each node answers a search from its own copy), ``TIMEOUT`` (seconds, 10).

The test cluster runs Elasticsearch 9.5 (the newest 9.x of the integration-test distribution
that Maven Central serves here). The 9.x client asks for REST API compatibility with its own
major version, which an 8.x node refuses; :class:`CompatibleNode` asks each node for its
version first and sends the compatibility header it accepts, so an 8.19 cluster works too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, NodeSelector, TransportError, Urllib3HttpNode
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import Q as EQ
from elasticsearch.dsl import Search
from elasticsearch.serializer import JsonSerializer

from casework.policy import CaseScope

from .. import indexing, names
from ..models import CaseIndexEntry
from . import vocabulary
from .base import (
    CANDIDATE_LIMIT,
    FACET_COLUMNS,
    ROW_FIELDS,
    BaseCaseSearchBackend,
    Candidates,
    IndexDifferences,
    RestMatches,
    SearchFilters,
    SearchUnavailable,
    ids_condition,
    serial_candidates_wanted,
)

__all__ = [
    "CompatibleNode",
    "ElasticsearchCaseSearchBackend",
    "IndexDifferences",
    "SearchBackend",
    "document",
]

logger = logging.getLogger(__name__)

#: Bulk requests carry this many documents.
BULK_CHUNK = 1000
#: ``search_after`` pages of ids are fetched this many at a time.
PAGE_CHUNK = 2000
MAX_KEYS = 250
#: Seconds a rebuild waits for the new index to be merged into one segment.
MERGE_TIMEOUT = 3600
#: Searches are answered from the copy of the node the client asked (every node has one,
#: see ``REPLICAS``): no hop to another node, and repeated searches meet warm caches.
PREFERENCE = "_local"


# --- the client --------------------------------------------------------------------------------


class CompatibleNode(Urllib3HttpNode):
    """A node that sends the REST compatibility header its server accepts (its major version).

    elasticsearch-py 9 sends ``compatible-with=9``; an 8.x server answers 400 to that. The
    node reads the server's version once (``GET /_nodes/_local`` with plain JSON, which every
    version accepts) and rewrites the header's version to the server's major.
    """

    _major: str | None = None

    def perform_request(self, method, target, body=None, request_timeout=None, headers=None):
        if self._major is None:
            self._major = self._server_major(request_timeout)
        if headers and self._major != _CLIENT_MAJOR:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value and "compatible-with=" in value:
                    headers[name] = value.replace(
                        f"compatible-with={_CLIENT_MAJOR}", f"compatible-with={self._major}"
                    )
        return super().perform_request(
            method, target, body=body, request_timeout=request_timeout, headers=headers
        )

    def _server_major(self, request_timeout) -> str:
        plain = {"accept": "application/json"}
        meta, data = super().perform_request(
            "GET",
            "/_nodes/_local?filter_path=nodes.*.version",
            headers=plain,
            request_timeout=request_timeout,
        )
        if meta.status != 200:
            return _CLIENT_MAJOR
        versions = [n.get("version", "") for n in json.loads(data).get("nodes", {}).values()]
        return (versions[0].split(".")[0] if versions else "") or _CLIENT_MAJOR


def _client_major() -> str:
    from elasticsearch import __versionstr__

    return __versionstr__.split(".")[0]


_CLIENT_MAJOR = _client_major()


class HomeNodeSelector(NodeSelector):
    """Each process sends its requests to one node of the cluster (its "home", chosen by the
    process id among the configured nodes), and to the next live node while that one is down.

    With a copy of the index on every node (``REPLICAS``) and ``preference=_local``, a search
    is answered where it arrives: sticking to one node keeps that node's caches and compiled
    code warm for this process's searches, where the default round robin spread them over
    every node's cold caches; the processes of a server still spread over the nodes.
    """

    def __init__(self, node_configs):
        super().__init__(node_configs)
        self._position = {config: i for i, config in enumerate(node_configs)}

    def select(self, nodes):
        count = len(self.node_configs)
        home = os.getpid() % count
        return min(nodes, key=lambda node: (self._position.get(node.config, count) - home) % count)


_clients: dict[tuple, Elasticsearch] = {}
#: (client, alias) known to exist in this process.
_ensured: set[tuple[int, str]] = set()
_clients_lock = threading.Lock()


class FastJsonSerializer(JsonSerializer):
    """Answers parsed with orjson: a name search reads the hits of hundreds of candidates
    (about 200 kB), which the standard library's parser takes several times longer for.
    Requests are still written by the standard library (as the client does by default)."""

    def json_loads(self, data: bytes) -> Any:
        return orjson.loads(data)


def _serializers() -> dict[str, JsonSerializer]:
    serializer = FastJsonSerializer()
    # Plain JSON, and JSON in REST compatibility mode (the content type answers carry).
    return {"application/json": serializer, "application/vnd.elasticsearch+json": serializer}


def get_client(urls: str | list[str], timeout: float = 10) -> Elasticsearch:
    """One client (connection pool) per cluster and process."""
    if isinstance(urls, str):
        urls = [u.strip() for u in urls.split(",") if u.strip()]
    key = (tuple(urls), timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = Elasticsearch(
                list(urls),
                node_class=CompatibleNode,
                node_selector_class=HomeNodeSelector,
                randomize_nodes_in_pool=False,
                serializers=_serializers(),
                request_timeout=timeout,
                max_retries=len(urls),
                retry_on_timeout=True,
                # A dead node is left alone for a while, then tried again.
                dead_node_backoff_factor=1.0,
                max_dead_node_backoff=30.0,
            )
        return client


#: Errors that mean "the cluster cannot answer now" (as opposed to a bad request).
UNAVAILABLE_ERRORS = (TransportConnectionError, ConnectionTimeout, TransportError)


def _unavailable(exc: Exception) -> bool:
    if isinstance(exc, UNAVAILABLE_ERRORS) and not isinstance(exc, ApiError):
        return True
    if isinstance(exc, ApiError):
        status = getattr(exc, "status_code", None) or getattr(exc.meta, "status", 0)
        # 503: no master, shards not allocated, all shards failed; 429: overloaded.
        return status in (429, 502, 503, 504)
    return False


class _Guard:
    """Turns "the cluster cannot answer" into :class:`SearchUnavailable`."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None and _unavailable(exc):
            raise SearchUnavailable(str(exc)) from exc
        return False


_guard = _Guard()


# --- documents ---------------------------------------------------------------------------------


def _fold_text(text: str) -> str:
    """Lower case without diacritics, for prefix matching without ``asciifolding``."""
    from anyascii import anyascii

    return anyascii(text).lower()


def document(entry: CaseIndexEntry) -> dict[str, Any]:
    """The document of a case, with a digest of its content (for the verification)."""
    doc = {
        "case_id": entry.case_id,
        "person_id": entry.person_id,
        "file_number": entry.file_number,
        "file_year": entry.file_year,
        "file_serial": entry.file_serial,
        "passport_number": entry.passport_number or None,
        "name_keys": entry.name_keys.split(),
        ROW_FIELD: base64.b64encode(packed_row(entry).encode()).decode("ascii"),
        "body": entry.body,
        "body_folded": _fold_text(entry.body),
        "department_id": entry.department_id,
        "case_type_id": entry.case_type_id,
        "assigned_to_id": entry.assigned_to_id,
        "state": entry.state,
        "nationality": entry.nationality or None,
        "birth_date": entry.birth_date.isoformat() if entry.birth_date else None,
        "received_at": entry.received_at.isoformat(),
        "title_expires_on": (
            entry.title_expires_on.isoformat() if entry.title_expires_on else None
        ),
        "granted_until": entry.granted_until.isoformat() if entry.granted_until else None,
    }
    doc["digest"] = _digest(doc)
    return doc


#: Separates the values of :func:`packed_row` (a control character no name contains).
ROW_SEPARATOR = "\x1f"
#: The field that holds :func:`packed_row` (UTF-8, as a binary doc value).
ROW_FIELD = "packed_row"


def packed_row(entry: CaseIndexEntry) -> str:
    """What ranking and facets read of a candidate, as one column: the names and birth date
    (:data:`~search.backends.ranking.ROW_FIELDS`), the receipt time (seconds since the epoch)
    and the facet values (:data:`~search.backends.results.FACET_COLUMNS`).

    One value per hit keeps the reads on the nodes to one doc-values lookup and the response
    to a third of the size of separate fields, for hundreds of candidates per search; no
    row query in the database is needed. Stored as a ``binary`` doc value (:data:`ROW_FIELD`,
    base64 in the answer): read in place, where a ``keyword`` doc value is looked up in the
    field's compressed term dictionary, which made reading 400 rows take 3.5 ms on a node
    instead of 0.8 ms.
    """
    values = (
        entry.family_name,
        entry.given_names,
        entry.family_name_native,
        entry.given_names_native,
        entry.birth_date.isoformat() if entry.birth_date else "",
        repr(entry.received_at.timestamp()),
        entry.state,
        "" if entry.case_type_id is None else str(entry.case_type_id),
        "" if entry.department_id is None else str(entry.department_id),
        entry.nationality,
    )
    return ROW_SEPARATOR.join((v or "").replace(ROW_SEPARATOR, " ") for v in values)


def unpack_row(pk: int, packed: str) -> tuple[tuple, tuple]:
    """``(ROW_FIELDS values, FACET_COLUMNS values)`` of a :func:`packed_row`."""
    values = packed.split(ROW_SEPARATOR)
    family, given, family_native, given_native, birth, received = values[:6]
    state, case_type, department, nationality = values[6:]
    row = (
        pk,
        family,
        given,
        family_native,
        given_native,
        dt.date.fromisoformat(birth) if birth else None,
        float(received),
    )
    facets = (
        state,
        int(case_type) if case_type else None,
        int(department) if department else None,
        nationality,
    )
    return row, facets


def _digest(doc: dict[str, Any]) -> str:
    payload = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()[:16]


#: Fields added to the mapping after indices were first created: put on an existing index
#: when a process first uses it (adding a field is allowed; its documents get the values when
#: ``sync_case_index --verify`` rewrites them, their digest having changed).
ADDED_FIELDS: dict[str, Any] = {
    # Year and serial of the file number: "262" or "2026-262" finds ABH-2026-000262.
    "file_year": {"type": "integer"},
    "file_serial": {"type": "integer"},
    # Until when the title granted in the procedure is valid.
    "granted_until": {"type": "date"},
    # What ranking and facets read of a hit (see packed_row): read, never searched. (An
    # earlier "row" keyword held the same; indices that have it keep it, unwritten.)
    ROW_FIELD: {"type": "binary", "doc_values": True},
}


def _mappings(text_analyzer: str) -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "properties": {
            "case_id": {"type": "long"},
            "person_id": {"type": "long"},
            "file_number": {"type": "keyword"},
            **ADDED_FIELDS,
            "passport_number": {"type": "keyword"},
            "name_keys": {"type": "keyword"},
            "body": {"type": "text", "analyzer": text_analyzer},
            "body_folded": {
                "type": "text",
                "analyzer": "standard",
                "index_prefixes": {"min_chars": 2, "max_chars": 10},
            },
            # Ids that are only ever filtered on: keyword (the terms index) is much faster
            # than a numeric point query for a filter on a few values of many documents.
            "department_id": {"type": "keyword"},
            "case_type_id": {"type": "keyword"},
            "assigned_to_id": {"type": "keyword"},
            "state": {"type": "keyword"},
            "nationality": {"type": "keyword"},
            "birth_date": {"type": "date"},
            "received_at": {"type": "date"},
            "title_expires_on": {"type": "date"},
            "digest": {"type": "keyword", "index": False, "doc_values": True},
        },
    }


# --- the backend -------------------------------------------------------------------------------


class ElasticsearchCaseSearchBackend(BaseCaseSearchBackend):
    name = "elasticsearch"
    external = True

    def __init__(self, params=None):
        super().__init__(params)
        self.alias = self.params.get("INDEX", "abh-cases")
        self.client = get_client(self.params["URL"], float(self.params.get("TIMEOUT", 10)))
        self.shards = int(self.params.get("SHARDS", 1))
        self.replicas = str(self.params.get("REPLICAS", "0-all"))

    # -- indices -----------------------------------------------------------------------------

    def text_analyzer(self) -> str:
        """``german`` where the cluster has the analyzer (analysis-common), else ``standard``."""
        try:
            self.client.indices.analyze(analyzer="german", text="Aufenthaltserlaubnisse")
        except BadRequestError:
            logger.info("Elasticsearch has no german analyzer: case notes use 'standard'.")
            return "standard"
        logger.info("Elasticsearch case notes use the german analyzer.")
        return "german"

    def _create_index(self, *, with_alias: bool, loading: bool = False) -> str:
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        analyzer = self.text_analyzer()
        index_settings: dict[str, Any] = {"number_of_shards": self.shards}
        if loading:  # no replicas and no refreshes while a rebuild fills the index
            index_settings.update(number_of_replicas=0, refresh_interval="-1")
        else:
            index_settings["auto_expand_replicas"] = self.replicas
        body: dict[str, Any] = {
            "settings": index_settings,
            "mappings": {**_mappings(analyzer), "_meta": {"text_analyzer": analyzer}},
        }
        if with_alias:
            body["aliases"] = {self.alias: {"is_write_index": True}}
        self.client.indices.create(index=name, **body)
        logger.info("Created the Elasticsearch index %s (text analyzer %s).", name, analyzer)
        return name

    def _ready(self) -> bool:
        return (id(self.client), self.alias) in _ensured

    def _current_indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def ensure_index(self) -> None:
        """The alias and an index behind it (created on first use)."""
        if self._ready():
            return
        with _guard:
            if not self._current_indices():
                try:
                    self._create_index(with_alias=True)
                except BadRequestError:
                    if not self._current_indices():  # not a concurrent creation
                        raise
            else:
                self.client.indices.put_mapping(index=self.alias, properties=ADDED_FIELDS)
        _ensured.add((id(self.client), self.alias))

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests, uninstall)."""
        _ensured.discard((id(self.client), self.alias))
        with _guard:
            for index in self._current_indices():
                self.client.indices.delete(index=index, ignore_unavailable=True)

    # -- writes ------------------------------------------------------------------------------

    def sync(self, case_ids: Iterable[int], *, refresh: bool = True) -> int:
        """Write the database index rows of these cases (and delete cases that have none)."""
        ids = sorted(set(case_ids))
        if not ids:
            return 0
        self.ensure_index()
        done = 0
        with _guard:
            for start in range(0, len(ids), BULK_CHUNK):
                chunk = ids[start : start + BULK_CHUNK]
                entries = list(CaseIndexEntry.objects.filter(case_id__in=chunk))
                present = {e.case_id for e in entries}
                actions = [self._index_action(e) for e in entries]
                actions += [
                    {"_op_type": "delete", "_index": self.alias, "_id": str(pk)}
                    for pk in chunk
                    if pk not in present
                ]
                ok, errors = helpers.bulk(
                    self.client,
                    actions,
                    refresh="wait_for" if refresh else False,
                    raise_on_error=False,
                    stats_only=False,
                )
                failed = [e for e in errors if not _is_missing_delete(e)]
                if failed:
                    raise SearchUnavailable(f"bulk write failed: {failed[:3]}")
                done += len(entries)
        return done

    def _index_action(self, entry: CaseIndexEntry, index: str | None = None) -> dict[str, Any]:
        return {
            "_op_type": "index",
            "_index": index or self.alias,
            "_id": str(entry.case_id),
            "_source": document(entry),
        }

    def index_cases(self, case_ids) -> int:
        ids = list(case_ids)
        count = indexing.index_cases(ids)
        self.sync(ids)
        return count

    def remove_cases(self, case_ids) -> None:
        ids = list(case_ids)
        indexing.remove_cases(ids)
        self.sync(ids)

    def rebuild(self, progress=None) -> int:
        """The database index, then a fresh search index from it."""
        count = indexing.rebuild()
        self.reindex(progress)
        return count

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Fill a new versioned index from the database index and swap the alias to it.

        Searches keep using the old index until the swap. Cases indexed in the database
        while the new index was filled are written to it again after the swap.
        """
        started = timezone.now()
        with _guard:
            new = self._create_index(with_alias=False, loading=True)
            total = CaseIndexEntry.objects.count()
            done = 0
            try:
                rows = CaseIndexEntry.objects.order_by("case_id").iterator(chunk_size=BULK_CHUNK)
                actions = (self._index_action(e, new) for e in rows)
                for ok, item in helpers.streaming_bulk(
                    self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=True
                ):
                    done += 1
                    if progress and (done % BULK_CHUNK == 0 or done == total):
                        progress(done, total)
                    del ok, item
                if progress and total == 0:
                    progress(0, 0)
                self.client.indices.refresh(index=new)
                # One segment: a search visits each segment of a shard, and the replicas
                # then copy the merged segment instead of merging on their own.
                self.client.options(request_timeout=MERGE_TIMEOUT).indices.forcemerge(
                    index=new, max_num_segments=1
                )
                self.client.indices.put_settings(
                    index=new,
                    settings={"refresh_interval": None, "auto_expand_replicas": self.replicas},
                )
                self.client.cluster.health(index=new, wait_for_status="yellow", timeout="60s")
            except Exception:
                self.client.indices.delete(index=new, ignore_unavailable=True)
                raise
            old = self._current_indices()
            actions = [{"remove": {"index": i, "alias": self.alias}} for i in old]
            actions.append({"add": {"index": new, "alias": self.alias, "is_write_index": True}})
            self.client.indices.update_aliases(actions=actions)
            _ensured.add((id(self.client), self.alias))
            for index in old:
                self.client.indices.delete(index=index, ignore_unavailable=True)
        changed = CaseIndexEntry.objects.filter(indexed_at__gte=started).values_list(
            "case_id", flat=True
        )
        self.sync(list(changed))
        return done

    # -- verification ------------------------------------------------------------------------

    def verify(self) -> IndexDifferences:
        """Compare every row of the database index with its document (digest of the content)."""
        with _guard:
            self.client.indices.refresh(index=self.alias)
            indexed: dict[int, str] = {}
            search = (
                Search(using=self.client, index=self.alias)
                .source(False)
                .extra(docvalue_fields=["digest"], track_total_hits=False)
                .sort({"case_id": "asc"})
            )
            for hit in _scan(search):
                indexed[int(hit.meta.id)] = hit.meta.fields["digest"][0]
        missing, stale = [], []
        total = 0
        for entry in CaseIndexEntry.objects.order_by("case_id").iterator(chunk_size=2000):
            total += 1
            digest = indexed.pop(entry.case_id, None)
            if digest is None:
                missing.append(entry.case_id)
            elif digest != document(entry)["digest"]:
                stale.append(entry.case_id)
        return IndexDifferences(missing, sorted(indexed), stale, total)

    def repair(self, differences: IndexDifferences) -> None:
        self.sync([*differences.missing, *differences.extra, *differences.stale])

    # -- reads -------------------------------------------------------------------------------

    def _search(self, scope: CaseScope | None, filters: SearchFilters | None) -> Search:
        """A search on the alias, narrowed to the user's scope and the filters."""
        search = (
            Search(using=self.client, index=self.alias).source(False).params(preference=PREFERENCE)
        )
        for clause in filter_clauses(scope, filters):
            search = search.filter(clause)
        return search

    def name_arms(self, parsed: names.ParsedQuery) -> list[tuple[Any, int]]:
        """Queries for name candidates with their limits, like the database backend's tiers.

        Precise keys (spellings, phonetic keys, native script, initials), their typo
        neighbours in the name vocabulary, consonant skeletons, and for several words one arm
        that needs a match of every word. Each arm scores a case by the number of query words
        it matches.
        """
        precise, coarse = names.query_key_levels(parsed)
        precise_keys = sorted(precise)[:MAX_KEYS]
        # Typo neighbours from the name vocabulary, as the database backend's second tier:
        # a plain key lookup, where a fuzzy query would walk the terms and score every near
        # key on the nodes per search (most of a search's time there).
        near_keys = sorted(vocabulary.near_keys(vocabulary.typo_words(parsed)) - precise)
        near_keys = near_keys[:MAX_KEYS]
        per_word = [
            EQ("constant_score", filter=EQ("terms", name_keys=sorted(keys)), boost=1.0)
            for keys in (names.token_keys(t) for t in parsed.tokens)
            if keys
        ]
        # Scored by how many query words a case explains (a joined name counts its words).
        per_unit = [
            EQ("constant_score", filter=EQ("terms", name_keys=sorted(keys)), boost=len(covers))
            for keys, covers in ((names.token_keys(t), c) for t, c in names.query_units(parsed))
            if keys
        ]
        # Cases with a precise key for every query word rank first in the precise arm (and the
        # arm of every word): the coarse and typo arms look beyond them. Otherwise, for a
        # common name with more namesakes than an arm's limit, every arm returns the same
        # newest namesakes and other spellings are never seen.
        explained = [EQ("bool", filter=per_word)] if per_word else []
        arms: list[tuple[Any, int]] = []
        if len(per_word) > 1:
            arms.append((EQ("bool", must=per_word), CANDIDATE_LIMIT // 2))
        # Precise keys; their typo neighbours and the consonant skeletons beyond the cases
        # that the precise keys explain.
        tiers = (
            (precise_keys, CANDIDATE_LIMIT, {}),
            (near_keys, CANDIDATE_LIMIT // 2, {"must_not": explained}),
            (sorted(coarse)[:MAX_KEYS], CANDIDATE_LIMIT // 2, {"must_not": explained}),
        )
        for keys, limit, beyond in tiers:
            if keys:
                query = EQ("bool", filter=[EQ("terms", name_keys=keys)], should=per_unit, **beyond)
                arms.append((query, limit))
        return arms

    def candidate_bodies(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        scope: CaseScope | None,
        filters: SearchFilters | None,
    ) -> list[tuple[str, dict[str, Any]]]:
        """(kind, search body) for every kind of candidate: "name" (one per arm), "text",
        "identifier", "serial" and "date". The user's scope and the filters are the
        ``filter`` of every body.

        Plain bodies, the scope and filters serialised once: composed as search objects of
        ``elasticsearch.dsl``, a name search took longer to build than the cluster took to
        answer its text arm.
        """
        clauses = [clause.to_dict() for clause in filter_clauses(scope, filters)]
        text_query = _text_query(text_words).to_dict() if text_words else None
        # Whether a candidate also matches the text (without changing its score).
        flag = (
            [{"constant_score": {"filter": text_query, "boost": 0.0, "_name": "text"}}]
            if text_query
            else []
        )
        newest = [{"received_at": "desc"}, {"case_id": "desc"}]

        def body(query: dict[str, Any], should: list[dict[str, Any]], **extra) -> dict:
            where: dict[str, Any] = {"must": [query]}
            if clauses:
                where["filter"] = clauses
            if should:
                where["should"] = should
            return {"query": {"bool": where}, "_source": False, **HIT_FIELDS, **extra}

        bodies: list[tuple[str, dict[str, Any]]] = []
        for query, limit in self.name_arms(parsed) if parsed.tokens else ():
            arm = body(
                query.to_dict(), flag, sort=["_score", *newest], size=limit, track_total_hits=False
            )
            bodies.append(("name", arm))
        if text_query:
            # Facets of every text match, for the matches beyond the ranked ones.
            text = body(
                text_query,
                [],
                sort=["_score", *newest],
                size=CANDIDATE_LIMIT,
                track_total_hits=True,
                aggs=facet_aggregations(),
            )
            bodies.append(("text", text))
        idents = sorted(set(parsed.file_numbers) | set(parsed.identifiers))
        if idents:
            exact = {
                "bool": {
                    "should": [
                        {"terms": {"file_number": idents}},
                        {"terms": {"passport_number": idents}},
                    ],
                    "minimum_should_match": 1,
                }
            }
            bodies.append(("identifier", body(exact, flag, size=1000)))
        limited = {"sort": newest, "size": CANDIDATE_LIMIT, "track_total_hits": False}
        if serial_candidates_wanted(parsed):
            serials = serial_query(parsed.file_serials).to_dict()
            bodies.append(("serial", body(serials, flag, **limited)))
        if parsed.dates:
            born = {"terms": {"birth_date": [d.isoformat() for d in parsed.dates]}}
            bodies.append(("date", body(born, flag, **limited)))
        return bodies

    def gather(self, parsed, text_words, qs, scope, filters) -> Candidates:
        """Every kind of candidate with its ranking columns and facet values, in one request
        to the cluster (the user's scope and the filters are inside every search of it).

        Only documents written before the names were part of them (until the verification
        rewrote them) have their columns read from the database index.
        """
        candidates = self.find_candidates(parsed, text_words, qs, scope=scope, filters=filters)
        ids = (
            set(candidates.identifiers or ())
            | set(candidates.serials or ())
            | set(candidates.by_name)
            | set(candidates.by_text)
            | set(candidates.dates or ())
        )
        rows = candidates.rows or []
        missing = ids - {row[0] for row in rows}
        if missing:
            rows += qs.filter(ids_condition(missing)).values_list(*ROW_FIELDS)
            candidates.facet_values = None  # counted in the database instead
        candidates.rows = rows
        return candidates

    def find_candidates(
        self,
        parsed: names.ParsedQuery,
        text_words: list[str],
        queryset: QuerySet[CaseIndexEntry],
        *,
        scope: CaseScope | None = None,
        filters: SearchFilters | None = None,
    ) -> Candidates:
        """Identifiers, name arms, birth dates and the text in one round trip (``_msearch``)."""
        candidates = Candidates(
            identifiers=set(), serials=set(), dates=set(), rows=[], facet_values={}
        )
        requests = self.candidate_bodies(parsed, text_words, scope, filters)
        if not requests:
            return candidates
        header = {"index": self.alias, "preference": PREFERENCE}
        body = [part for _kind, search in requests for part in (header, search)]
        self.ensure_index()
        with _guard:
            response = self.client.msearch(searches=body, filter_path=HIT_FILTER_PATH)
        by_name: list[int] = []
        name_text_hits: set[int] = set()
        #: Candidates known to match the text (flagged, or found by it).
        text_hits: set[int] = set()
        facet_values = candidates.facet_values
        for (kind, _body), result in zip(requests, response["responses"], strict=True):
            if "error" in result:
                _raise_item_error(result)
            hits = result.get("hits", {}).get("hits", [])
            ids = []
            for hit in hits:
                fields = hit["fields"]
                pk = int(fields["case_id"][0])
                ids.append(pk)
                if pk not in facet_values and ROW_FIELD in fields:
                    packed = base64.b64decode(fields[ROW_FIELD][0]).decode()
                    row, facet_values[pk] = unpack_row(pk, packed)
                    candidates.rows.append(row)
            text_hits.update(
                pk for pk, h in zip(ids, hits, strict=True) if h.get("matched_queries")
            )
            if kind == "identifier":
                candidates.identifiers.update(ids)
            elif kind == "serial":
                candidates.serials.update(ids)
            elif kind == "date":
                candidates.dates.update(ids)
            elif kind == "name":
                by_name += ids
                name_text_hits |= {
                    pk for pk, h in zip(ids, hits, strict=True) if h.get("matched_queries")
                }
            else:
                top = max((h["_score"] or 0.0 for h in hits), default=1.0) or 1.0
                candidates.by_text = {
                    pk: (h["_score"] or 0.0) / top for pk, h in zip(ids, hits, strict=True)
                }
                candidates.text_total = int(result.get("hits", {}).get("total", {}).get("value", 0))
                candidates.text_facets = facet_counts(result.get("aggregations", {}))
                text_hits.update(ids)
        candidates.by_name = list(dict.fromkeys(by_name))
        # A name candidate that also matches the text but is not among the best text
        # matches ranks as the weakest of them (it is beyond them).
        floor = min(candidates.by_text.values(), default=1.0)
        for pk in name_text_hits:
            candidates.by_text.setdefault(pk, floor)
        candidates.text_hits = text_hits
        return candidates

    def rest_matches(
        self, text_words, ranked_ids, scope, filters, user=None, candidates=None
    ) -> _EsRest:
        """Counted, faceted and listed here, within the policy's scope.

        Count and facets come from the candidates' request where it counted every text match
        (all text matches less the ranked ones among them, whose values came with them).
        """
        base = self._search(scope, filters)
        rest = _EsRest(base, _text_query(text_words), list(ranked_ids))
        if candidates is not None:
            rest.known_summary(candidates)
        return rest


#: Hits carry what ranking and facets read, from the column store: no stored fields (``_id``,
#: ``_source``) are read, which for hundreds of candidates per request would be most of a
#: search's time on the nodes. Documents written before ``ROW_FIELD`` existed lack it (their rows
#: are read from the database index until the verification rewrites them).
HIT_FIELDS = {"stored_fields": ["_none_"], "docvalue_fields": ["case_id", ROW_FIELD]}
#: Only what is read of the answer (not the index name, id and sort values of every hit).
HIT_FILTER_PATH = [
    "responses.status",
    "responses.error",
    "responses.hits.total.value",
    "responses.hits.hits._score",
    "responses.hits.hits.fields",
    "responses.hits.hits.matched_queries",
    "responses.aggregations",
]


def facet_aggregations() -> dict[str, Any]:
    """Counts per facet value of :data:`FACET_FIELDS` over a search's matches."""
    aggregations = {}
    for name, es_field in FACET_FIELDS.items():
        # A blank nationality is "" in the index table (and its facet), absent here.
        missing = {"missing": ""} if name == "nationality" else {}
        aggregations[name] = {"terms": {"field": es_field, "size": 10_000, **missing}}
    return aggregations


def add_facet_aggregations(search: Search) -> None:
    """:func:`facet_aggregations` on a search object."""
    for name, aggregation in facet_aggregations().items():
        search.aggs.bucket(name, "terms", **aggregation["terms"])


def facet_counts(aggregations: dict[str, Any]) -> dict[str, dict[Any, int]]:
    """{facet: {value as in the index table: count}} of :func:`add_facet_aggregations`."""
    return {
        name: {
            (int(b["key"]) if name in _ID_FACETS else b["key"]): b["doc_count"]
            for b in aggregations.get(name, {}).get("buckets", ())
        }
        for name in FACET_FIELDS
    }


def _is_missing_delete(error: dict[str, Any]) -> bool:
    item = error.get("delete")
    return bool(item) and item.get("status") == 404


def _raise_item_error(result: dict[str, Any]) -> None:
    status = result.get("status", 500)
    if status in (429, 502, 503, 504):
        raise SearchUnavailable(json.dumps(result["error"])[:500])
    raise RuntimeError(f"Elasticsearch search failed: {json.dumps(result['error'])[:500]}")


def _scan(search: Search, chunk: int = PAGE_CHUNK) -> Iterator[Any]:
    """Every hit of a sorted search, page by page with ``search_after``."""
    after = None
    while True:
        page = search.extra(size=chunk)
        if after is not None:
            page = page.extra(search_after=after)
        hits = list(page.execute())
        yield from hits
        if len(hits) < chunk:
            return
        after = list(hits[-1].meta.sort)


#: Sort orders of :data:`search.backends.base.SORTS` in Elasticsearch terms.
ES_SORTS = {
    "relevance": [{"received_at": "desc"}, {"case_id": "desc"}],
    "-received": [{"received_at": "desc"}, {"case_id": "desc"}],
    "received": [{"received_at": "asc"}, {"case_id": "asc"}],
    "expiry": [
        {"title_expires_on": {"order": "asc", "missing": "_last"}},
        {"received_at": "asc"},
        {"case_id": "asc"},
    ],
}


class _EsRest(RestMatches):
    """Text matches beyond the ranked ids: count, facets (aggregations), pages.

    ``ids`` pages newest first with ``search_after``; the sort values at every page boundary
    are kept, so the next page continues from there instead of walking from the start.
    ``ordered_ids`` lists ranked and text matches together in another sort order.
    """

    def __init__(self, base: Search, text_query, ranked_ids: list[int]):
        self.base = base
        self.text_query = text_query
        self.ranked_ids = ranked_ids
        self._summary: tuple[int, dict[str, dict[Any, int]]] | None = None
        self._checkpoints: dict[tuple[str, int], list[Any]] = {}

    def _rest(self) -> Search:
        search = self.base.query(self.text_query)
        if self.ranked_ids:
            search = search.exclude("terms", case_id=self.ranked_ids)
        return search

    def _all(self) -> Search:
        """Ranked ids or text matches."""
        should = [self.text_query]
        if self.ranked_ids:
            should.append(EQ("terms", case_id=self.ranked_ids))
        return self.base.query(EQ("bool", should=should, minimum_should_match=1))

    def _summarise(self) -> tuple[int, dict[str, dict[Any, int]]]:
        if self._summary is None:
            search = self._rest().extra(size=0, track_total_hits=True)
            add_facet_aggregations(search)
            with _guard:
                response = search.execute()
            facets = facet_counts(response.aggregations.to_dict())
            self._summary = (int(response.hits.total.value), facets)
        return self._summary

    def known_summary(self, candidates: Candidates) -> None:
        """Count and facets without a request, when the candidates' request counted every
        text match and the ranked ones among them are known with their facet values."""
        values, hits = candidates.facet_values, candidates.text_hits
        if (
            candidates.text_total is None
            or candidates.text_facets is None
            or values is None
            or hits is None
        ):
            return
        both = [pk for pk in self.ranked_ids if pk in hits]
        if any(pk not in values for pk in both):
            return
        facets = {name: dict(counts) for name, counts in candidates.text_facets.items()}
        for pk in both:
            for name, value in zip(FACET_COLUMNS, values[pk], strict=True):
                facets[name][value] = facets[name].get(value, 0) - 1
        facets = {name: {v: n for v, n in c.items() if n > 0} for name, c in facets.items()}
        self._summary = (candidates.text_total - len(both), facets)

    def count(self) -> int:
        return self._summarise()[0]

    def facets(self) -> dict[str, dict[Any, int]]:
        return self._summarise()[1]

    def ids(self, offset: int, limit: int) -> list[int]:
        return self._page("rest", self._rest(), ES_SORTS["-received"], offset, limit)

    def ordered_ids(self, sort: str, offset: int, limit: int) -> list[int]:
        return self._page(sort, self._all(), ES_SORTS[sort], offset, limit)

    def _page(self, key: str, search: Search, sort, offset: int, limit: int) -> list[int]:
        if limit <= 0:
            return []
        # Every order ends with case_id: the id is the hit's last sort value.
        search = search.sort(*sort).extra(track_total_hits=False, stored_fields=["_none_"])
        known = [p for (k, p) in self._checkpoints if k == key and p <= offset]
        position = max(known, default=0)
        after = self._checkpoints.get((key, position))
        out: list[int] = []
        with _guard:
            while position < offset + limit:
                # Up to the offset only the sort values are needed: big pages.
                size = min(PAGE_CHUNK, offset - position) if position < offset else limit
                page = search.extra(size=max(1, size))
                if after is not None:
                    page = page.extra(search_after=after)
                hits = list(page.execute())
                for hit in hits:
                    if position >= offset:
                        out.append(int(hit.meta.sort[-1]))
                    position += 1
                if not hits:
                    break
                after = list(hits[-1].meta.sort)
                self._checkpoints[(key, position)] = after
                if len(hits) < size:
                    break
        return out[:limit]


#: Facets over id fields (keywords in the index, integers in the database).
_ID_FACETS = {"department", "case_type"}
#: Facet name → field of the Elasticsearch document.
FACET_FIELDS = {
    "state": "state",
    "nationality": "nationality",
    "department": "department_id",
    "case_type": "case_type_id",
}


def _text_query(text_words: list[str]):
    """Every word as a prefix of a word of the notes (diacritics folded), as on SQLite FTS5;
    ranked by the analysed text (stemmed where the ``german`` analyzer is there)."""
    must = [
        EQ("prefix", body_folded={"value": _fold_text(w)})
        for w in text_words
        if _fold_text(w).strip()
    ]
    return EQ(
        "bool",
        must=must or [EQ("match_none")],
        should=[EQ("match", body={"query": " ".join(text_words)})],
    )


def visibility_clause(scope: CaseScope | None):
    """The scope as an Elasticsearch filter; ``None``: every case (office admins)."""
    if scope is None:
        return EQ("match_none")
    if scope.everything:
        return None
    should = []
    if scope.department_ids:
        should.append(EQ("terms", department_id=list(scope.department_ids)))
    if scope.states:
        should.append(EQ("terms", state=list(scope.states)))
    if scope.case_ids:
        should.append(EQ("terms", case_id=list(scope.case_ids)))
    if not should:
        return EQ("match_none")
    return EQ("bool", should=should, minimum_should_match=1)


def filter_clauses(scope: CaseScope | None, filters: SearchFilters | None) -> list[Any]:
    """The visibility clause and the search filters, as Elasticsearch filter clauses.

    The same semantics as :meth:`SearchFilters.apply` on the database index.
    """
    clauses = []
    visibility = visibility_clause(scope)
    if visibility is not None:
        clauses.append(visibility)
    if filters is None:
        return clauses
    number, year, serial = filters.file_number_parts() if filters.file_number else (None,) * 3
    terms: dict[str, Any] = {
        "file_number": number,
        "file_year": year,
        "file_serial": serial,
        "passport_number": filters.passport_number,
        "nationality": filters.nationality,
        "state": filters.state,
        "assigned_to_id": filters.assigned_to,
        "birth_date": filters.birth_date.isoformat() if filters.birth_date else None,
    }
    for name, value in terms.items():
        if value not in ("", None):
            clauses.append(EQ("term", **{name: value}))
    # Case type and department by their codes (as users know them), never by database id:
    # case type "24" is § 24, whichever id it has.
    if filters.department:
        clauses.append(EQ("terms", department_id=filters.department_ids()))
    if filters.case_type:
        clauses.append(EQ("terms", case_type_id=filters.case_type_ids()))
    received = received_range(filters.received_from, filters.received_to)
    if received:
        clauses.append(EQ("range", received_at=received))
    return clauses


def serial_query(serials) -> Any:
    """Documents whose file number has one of these ``(year or None, serial)`` parts (as
    :func:`search.backends.base.serial_condition` on the database index)."""
    should = []
    for year, serial in serials:
        part = [EQ("term", file_serial=serial)]
        if year is not None:
            part.append(EQ("term", file_year=year))
        should.append(EQ("bool", filter=part))
    return EQ("bool", should=should or [EQ("match_none")], minimum_should_match=1)


def received_range(
    received_from: dt.date | None, received_to: dt.date | None
) -> dict[str, Any] | None:
    """Whole days in the office's time zone, as the database compares ``received_at__date``."""
    bounds: dict[str, Any] = {}
    if received_from:
        bounds["gte"] = f"{received_from.isoformat()}||/d"
    if received_to:
        bounds["lte"] = f"{received_to.isoformat()}||/d"
    if not bounds:
        return None
    return {**bounds, "time_zone": settings.TIME_ZONE}


SearchBackend = ElasticsearchCaseSearchBackend
