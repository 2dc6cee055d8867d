"""The back office's POST views report a service's refusal the same way (casework.views.
service_errors, used by the decisions' and the participations' views): a refused transition
as one message with its reasons, each validation message as its own."""

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from casework import decision_views, participation_views
from casework.exceptions import TransitionNotAllowed
from casework.views import service_errors


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _texts(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_a_refused_transition_is_one_message_with_its_reasons():
    request = _request()
    with service_errors(request, refused="Not possible: %(reasons)s") as outcome:
        raise TransitionNotAllowed(["no approval", "deadline open"])
    assert not outcome.ok
    assert _texts(request) == ["Not possible: no approval; deadline open"]


def test_each_validation_message_is_its_own_message():
    request = _request()
    with service_errors(request, refused="Not possible: %(reasons)s") as outcome:
        raise ValidationError(["first", "second"])
    assert not outcome.ok
    assert _texts(request) == ["first", "second"]


def test_a_call_that_goes_through_says_nothing_and_other_errors_pass():
    request = _request()
    with service_errors(request, refused="%(reasons)s") as outcome:
        pass
    assert outcome.ok and _texts(request) == []
    with pytest.raises(PermissionDenied), service_errors(request, refused="%(reasons)s"):
        raise PermissionDenied


def test_the_decisions_and_participations_views_use_it():
    for module in (decision_views, participation_views):
        assert module.service_errors is service_errors
        source = Path(module.__file__).read_text()
        assert "except TransitionNotAllowed" not in source
        assert "except ValidationError" not in source
