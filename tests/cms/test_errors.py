"""Error pages look like the site and give nothing away."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import path

from cms import views
from config.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", _boom), *project_urlpatterns]
handler404 = "cms.views.page_not_found"
handler500 = "cms.views.server_error"

LEAKS = ["Traceback", "secret internal detail", "RuntimeError", "SECRET_KEY", "DATABASES"]


def test_404_page_uses_the_site_layout(client, home):
    response = client.get("/de/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.text
    assert "/static/css/site.css" in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert '<html lang="de"' in html
    assert "Traceback" not in html


@pytest.mark.urls("tests.cms.test_errors")
def test_500_page_is_styled_and_leaks_nothing(client):
    """An unhandled exception shows the styled page without traceback or settings."""
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "/static/css/site.css" in html
    assert 'class="site-header"' in html
    for leak in [*LEAKS, settings.SECRET_KEY]:
        assert leak not in html


def test_500_page_renders_without_database(django_assert_num_queries):
    """The error page must render even when the database is what failed."""
    request = RequestFactory().get("/de/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert b"site.css" in response.content
