"""Signals casework sends for others to act on (search, appointments, the security log)."""

from django.dispatch import Signal

#: Sent after the transaction that changed a case has committed (``case``, ``change``).
case_changed = Signal()

#: ``kind`` is "issued", "revoked" or "refused"; also ``token``, ``request``, ``by``.
api_token_event = Signal()
