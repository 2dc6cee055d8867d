"""Wagtail's admin pages list the locales for the admin's scripts from the cache: no query of
their own once the cache is warm, and a new or removed locale shows on the next page."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

pytestmark = pytest.mark.django_db


def _config_locales(response) -> list[str]:
    match = re.search(
        r'<script id="wagtail-config" type="application/json">(.*?)</script>', response.text, re.S
    )
    assert match, "the admin page carries Wagtail's configuration"
    return [locale["code"] for locale in json.loads(match.group(1))["LOCALES"]]


def _locale_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"wagtail_locale"' in q["sql"] and "JOIN" not in q["sql"]]


def test_the_admin_lists_the_locales_without_a_query_and_follows_a_change(client, editors):
    client.force_login(editors[0])
    expected = list(Locale.objects.values_list("language_code", flat=True))
    assert _config_locales(client.get("/admin/")) == expected
    with CaptureQueriesContext(connection) as queries:
        assert _config_locales(client.get("/admin/")) == expected
    assert _locale_queries(queries.captured_queries) == []

    Locale.objects.create(language_code="uk")
    assert _config_locales(client.get("/admin/")) == sorted([*expected, "uk"])
    Locale.objects.filter(language_code="uk").delete()
    assert _config_locales(client.get("/admin/")) == expected
