import pytest
from django.test import RequestFactory

from config.client_ip import client_ip


@pytest.fixture
def rf():
    return RequestFactory()


def test_without_proxy_the_socket_address_counts_and_the_header_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.7"


def test_behind_one_proxy_the_last_forwarded_address_counts(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; our proxy appended the real address.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_behind_two_proxies(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9, 10.0.0.1"
    )
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("header", ["", "not-an-ip", " , "])
def test_missing_or_garbage_header_falls_back_to_the_socket(rf, settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == "10.0.0.2"


def test_rate_limit_uses_the_forwarded_client(rf, settings):
    from django_ratelimit.core import is_ratelimited

    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"

    def hit(ip):
        request = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ip)
        return is_ratelimited(
            request, group="test-client-ip", key="ip", rate="2/m", method="POST", increment=True
        )

    assert [hit("203.0.113.1") for _ in range(3)] == [False, False, True]
    # Another client behind the same proxy is not limited by the first one's requests.
    assert hit("203.0.113.2") is False
