"""The case index (one row per case, denormalised for filters) and the search log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseIndexEntry(models.Model):
    """What search knows about a case: filter fields, name keys and the free-text document.

    Written only by :mod:`search.indexing`. The name keys come from :mod:`search.names`; the
    database backend adds a full-text index over ``name_keys`` and ``body`` (SQLite FTS5 or
    PostgreSQL ``tsvector`` with the German configuration, see the migrations).
    """

    case = models.OneToOneField(
        "casework.Case",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        db_constraint=False,
    )
    person_id = models.BigIntegerField(db_index=True)
    file_number = models.CharField(max_length=32, db_index=True)
    #: Year and serial of the file number (``ABH-2026-000262`` → 2026, 262), so that a partial
    #: number ("262", "000262", "2026-262") is an indexed lookup.
    file_year = models.PositiveSmallIntegerField(null=True)
    file_serial = models.PositiveIntegerField(null=True, db_index=True)
    passport_number = models.CharField(max_length=30, blank=True, db_index=True)
    family_name = models.CharField(max_length=200)
    given_names = models.CharField(max_length=200, blank=True)
    family_name_native = models.CharField(max_length=200, blank=True)
    given_names_native = models.CharField(max_length=200, blank=True)
    birth_date = models.DateField(null=True, db_index=True)
    nationality = models.CharField(max_length=3, blank=True, db_index=True)
    department = models.ForeignKey(
        "casework.Department", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    case_type = models.ForeignKey(
        "casework.CaseType", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    state = models.CharField(max_length=30, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    title_expires_on = models.DateField(null=True, db_index=True)
    #: Until when the title granted in this procedure is valid (the case's ``granted_until``).
    granted_until = models.DateField(null=True)
    name_keys = models.TextField(blank=True)
    body = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["department", "state", "received_at"])]
        verbose_name = _("case index entry")
        verbose_name_plural = _("case index entries")

    def __str__(self) -> str:
        return self.file_number


class NameTerm(models.Model):
    """The vocabulary of name keys in the index, for typo-tolerant lookups of query words."""

    key = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.key


class SearchLog(models.Model):
    """Every case search: who, when, what, how many results (data protection)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    query = models.CharField(_("query"), max_length=500, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    result_count = models.PositiveIntegerField(_("number of results"), default=0)
    backend = models.CharField(_("backend"), max_length=40, blank=True)
    route = models.CharField(_("route"), max_length=20, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("search log entry")
        verbose_name_plural = _("search log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id}: {self.query}"


class IndexOutbox(models.Model):
    """A case whose document an external search index (Elasticsearch) has yet to receive.

    Written in the transaction that changes the case (so no change is lost, whatever happens
    after the commit) and again after it; drained by a background job
    (:func:`search.sync.drain`). While the cluster is down the rows wait here.
    """

    backend = models.CharField(max_length=40)
    case_id = models.BigIntegerField()
    queued_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["backend", "case_id"], name="search_outbox_unique")
        ]
        indexes = [models.Index(fields=["backend", "queued_at"], name="search_outbox_queue")]
        verbose_name = _("pending index update")
        verbose_name_plural = _("pending index updates")

    def __str__(self) -> str:
        return f"{self.backend}: {self.case_id}"


class IndexSyncState(models.Model):
    """How writing to an external search index goes: failures and the scheduled retry."""

    backend = models.CharField(max_length=40, primary_key=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index states")

    def __str__(self) -> str:
        return self.backend
