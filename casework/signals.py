"""Signals casework sends for others to record (the security event log listens)."""

from django.dispatch import Signal

#: ``kind`` is "issued", "revoked" or "refused"; also ``token``, ``request``, ``by``.
api_token_event = Signal()
