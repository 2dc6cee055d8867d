"""django-axes' lock-out check, marking the requests it refuses (for the event log)."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account before its password is checked, like axes' own backend;
    the request remembers it, so the log says "locked" and not "wrong password"."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.abh_refused_while_locked = True
            raise
