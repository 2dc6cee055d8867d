"""How appointments follow the case workflow, without casework knowing about appointments.

casework sends :data:`casework.services.case_changed` after the transaction that changed a case
has committed. A case that has ended (refused, withdrawn, forwarded, handed over) no longer needs
its appointment: the slot is freed and offered to the waiting list, and its waiting-list places
are withdrawn.


Any write that may free or add a slot voids the sold-out markers (see
:mod:`appointments.availability`).
"""

import logging

from casework.constants import FINAL_STATES

from . import availability
from .models import Booking
from .services import release_case_bookings

logger = logging.getLogger(__name__)

__all__ = ["release_bookings_of_ended_case", "slots_may_have_changed"]


def release_bookings_of_ended_case(sender, case=None, **kwargs) -> None:
    if case is None or case.state not in FINAL_STATES:
        return
    try:
        released = release_case_bookings(case=case)
    except Exception:
        # The case change has committed already; a failure here must not turn the caseworker's
        # answer into an error. The booking stays and shows in the case file and day list.
        logger.exception("Could not release the appointments of case %s", case.file_number)
        return
    if released:
        logger.info("Released %d appointment(s) of ended case %s", released, case.file_number)


def slots_may_have_changed(sender, created=False, **kwargs) -> None:
    """Saved or deleted slots, counters, services, bookings; a new booking frees nothing."""
    if sender is Booking and created:
        return
    availability.changed()
