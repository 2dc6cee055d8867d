"""The policy read first on every back-office request.

:func:`casework.policy.policy_for` reads in one query what the user may do with case files,
and with it what Django's permission lookup (``user.has_perm``, asked by Wagtail's admin on
every request) and Wagtail's page, collection and site permission lookups (asked by the
admin's menu) would each read in queries of their own. Read first, it answers them all.
"""

from __future__ import annotations

from .policy import policy_for

#: The back office (Wagtail's admin) lives under this path.
ADMIN_PREFIX = "/admin/"


class PolicyMiddleware:
    """After authentication and the second factor: read the signed-in user's policy once
    before any view asks a permission question, on back-office requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIX):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                policy_for(user)
        return self.get_response(request)
