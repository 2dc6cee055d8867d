"""Who may do what here: office management only (the office admin group and superusers).

One rule for every route: the back-office views, the retention-rule snippets (as their
Wagtail permission policy), the services and the jobs' callers ask :func:`can_manage`.
"""

from wagtail.permission_policies import ModelPermissionPolicy

from casework.constants import OFFICE_ADMIN_GROUP
from casework.policy import policy_for

__all__ = ["OfficeManagementPolicy", "can_manage"]


def can_manage(user) -> bool:
    """Configure retention rules, review and release deletions, produce access reports."""
    return policy_for(user).may_manage_office()


class OfficeManagementPolicy(ModelPermissionPolicy):
    """Django's model permissions, and office management on top: a permission given to
    another group by mistake opens nothing."""

    def user_has_permission(self, user, action):
        return can_manage(user) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return can_manage(user) and super().user_has_any_permission(user, actions)

    def users_with_any_permission(self, actions):
        from django.db.models import Q

        return (
            super()
            .users_with_any_permission(actions)
            .filter(Q(is_superuser=True) | Q(groups__name=OFFICE_ADMIN_GROUP))
            .distinct()
        )
