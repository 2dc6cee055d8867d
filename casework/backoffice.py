"""The back office's building block: a Wagtail ``ViewSet`` per family of screens.

One class registers a family's URLs (``get_urlpatterns``, under ``url_prefix`` and the URL
namespace ``url_namespace``), its menu entry or submenu, and who sees that menu: ``is_shown``
asks the permission policy (:func:`casework.policy.policy_for`, read once per request, so the
menu adds no queries). The views themselves keep asking the policy too; a hidden menu entry is
a courtesy, the view's check is the guard.

Register an instance with the ``register_admin_viewset`` hook::

    class StatisticsViewSet(BackOfficeViewSet):
        name = "operations"
        menu_label = _("Office operations")
        menu_entries = [MenuEntry("dashboard", _("Statistics"), icon="table", order=100)]

        def is_shown(self, request):
            return policy_for(request.user).supervises_anything()

        def get_urlpatterns(self):
            return [path("", views.dashboard, name="dashboard")]

With ``menu_entries`` the viewset appears as a submenu (like Wagtail's ``ViewSetGroup``, but its
entries share the viewset's one URL namespace, so ``casework:case`` and friends keep their
names); without, as one menu item leading to ``menu_url_name``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.base import ViewSet

ShownTest = Callable[[HttpRequest], bool]


class PolicyMenuItem(MenuItem):
    """A menu item shown when ``shown(request)`` says so (a question to the policy)."""

    def __init__(self, label, url, *, shown: ShownTest, **kwargs) -> None:
        super().__init__(label, url, **kwargs)
        self.shown = shown

    def is_shown(self, request) -> bool:
        return self.shown(request)


class PolicySubmenuItem(SubmenuMenuItem):
    """A submenu shown when ``shown(request)`` says so, without asking each entry first."""

    def __init__(self, label, menu, *, shown: ShownTest, **kwargs) -> None:
        super().__init__(label, menu, **kwargs)
        self.shown = shown

    def is_shown(self, request) -> bool:
        return self.shown(request)


@dataclass(frozen=True)
class MenuEntry:
    """One entry of a viewset's submenu: a page of the viewset by its URL name."""

    url_name: str
    label: str | Promise
    icon: str = ""
    order: int = 1000
    #: The ``name`` of the menu item (for ``construct_*_menu`` hooks and tests); by default
    #: the viewset's ``url_namespace`` and the URL name.
    name: str = ""
    #: The name of a viewset method that decides, beyond ``is_shown``, whether this entry shows.
    shown: str = ""


class BackOfficeViewSet(ViewSet):
    """A family of back-office screens: URLs, menu and who sees the menu, in one class."""

    add_to_admin_menu = True
    #: Submenu entries; empty for a single menu item leading to ``menu_url_name``.
    menu_entries: tuple[MenuEntry, ...] | list[MenuEntry] = ()
    #: The page a single menu item leads to (default: the first URL pattern).
    menu_url_name: str = ""
    #: Hooks through which other apps add items to (or change) this viewset's submenu.
    submenu_hook: str | None = None
    submenu_construct_hook: str | None = None

    def is_shown(self, request: HttpRequest) -> bool:
        """Whether the user sees this family in the menu: ask the policy."""
        raise NotImplementedError

    @property
    def menu_url(self) -> str:
        if self.menu_url_name:
            return reverse(self.get_url_name(self.menu_url_name))
        return super().menu_url

    def get_menu_item(self, order=None) -> MenuItem:
        if not self.menu_entries:
            return PolicyMenuItem(
                self.menu_label,
                self.menu_url,
                shown=self.is_shown,
                name=self.menu_name,
                icon_name=self.menu_icon,
                order=self.get_menu_item_order(order),
            )
        menu = Menu(
            register_hook_name=self.submenu_hook,
            construct_hook_name=self.submenu_construct_hook,
            items=[self.get_entry_item(entry) for entry in self.menu_entries],
        )
        return PolicySubmenuItem(
            self.menu_label,
            menu,
            shown=self.is_shown,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )

    def get_entry_item(self, entry: MenuEntry) -> MenuItem:
        extra = getattr(self, entry.shown) if entry.shown else None

        def shown(request) -> bool:
            return self.is_shown(request) and (extra is None or extra(request))

        return PolicyMenuItem(
            entry.label,
            reverse(self.get_url_name(entry.url_name)),
            shown=shown,
            name=entry.name or f"{self.url_namespace}-{entry.url_name}".replace("_", "-"),
            icon_name=entry.icon,
            order=entry.order,
        )
