"""Absolute links to the public site, for everything read outside the browser.

E-mails, calendar files and letters are read away from the page that caused them, often sent by
the background worker without any request. Every such link is built here, so that one place
decides the site's address:

1. ``settings.PUBLIC_BASE_URL`` (environment variable of the same name), when the office sets it,
   e.g. ``https://termine.kreis-mettmann.de`` behind a proxy whose address Wagtail cannot know;
2. otherwise the default Wagtail site (*Settings → Sites* in the admin: host name and port;
   port 443 gives ``https://``).

Usage::

    from config.links import public_url

    public_url("applications:status", language="uk")  # https://…/uk/status/
    public_url("appointments:cancel", args=[reference, key], language=person_language)
"""

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation

__all__ = ["public_url", "site_base_url"]


def site_base_url() -> str:
    """Scheme, host and port of the public site, without a trailing slash."""
    configured = (getattr(settings, "PUBLIC_BASE_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    if site is None:
        site = Site.objects.only("hostname", "port").order_by("pk").first()
    if site is None:
        return "http://localhost"
    return site.root_url.rstrip("/")


def _language(language: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    base = (language or "").lower().replace("_", "-").split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def public_url(
    target: str,
    *,
    args: Sequence | None = None,
    kwargs: dict | None = None,
    language: str | None = None,
) -> str:
    """The absolute address of ``target`` on the public site.

    ``target`` is a URL name (reversed under the prefix of ``language``, else of the active
    language) or a path starting with ``/`` (e.g. a Wagtail page's ``url``), used as it is.
    """
    if target.startswith("/"):
        path = target
    else:
        chosen = _language(language or translation.get_language())
        with translation.override(chosen):
            path = reverse(target, args=args, kwargs=kwargs)
    return site_base_url() + path
