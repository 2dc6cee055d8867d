"""The registry of named workflows: several workflows on one state field (Plone's chain)."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps
from django_fsm import FSMField, can_proceed

from workflows import State, Transition, Workflow, WorkflowRegistry


@dataclass
class User:
    name: str


ANYONE = frozenset({"clerk"})


def clerk(user, obj):
    return {"clerk"}


def _short(prefix="do_"):
    return Workflow(
        name="short",
        title="Short",
        states=[State("new", "New"), State("done", "Done", final=True)],
        transitions=[Transition("finish", "Finish", ("new",), "done", ANYONE)],
        initial="new",
        roles=clerk,
        method_prefix=prefix,
    )


def _long(prefix="long_"):
    return Workflow(
        name="long",
        title="Long",
        states=[
            State("new", "Entered"),
            State("review", "In review"),
            State("done", "Done", final=True),
        ],
        transitions=[
            Transition("submit", "Submit", ("new",), "review", ANYONE),
            Transition("finish", "Approve", ("review",), "done", ANYONE),
        ],
        initial="new",
        roles=clerk,
        method_prefix=prefix,
    )


def test_lookup_by_key_with_the_first_as_default():
    registry = WorkflowRegistry("paper", key_attr="kind")
    short, long = registry.register("short", _short()), registry.register("long", _long())
    assert registry.default_key == "short"
    assert registry.get("long") is long
    assert list(registry) == ["short", "long"] and "long" in registry and "x" not in registry
    assert registry.choices() == [("short", "Short"), ("long", "Long")]
    assert registry.key_of(long) == "long"

    @dataclass
    class Paper:
        kind: str = ""

    assert registry.of(Paper("long")) is long
    assert registry.of(Paper("")) is short  # no key: the default
    with pytest.raises(LookupError, match="known: short, long"):
        registry.get("nope")


def test_states_and_transitions_over_all_workflows():
    registry = WorkflowRegistry("paper")
    registry.register("short", _short())
    registry.register("long", _long())
    # The first workflow that declares a state names it.
    assert registry.states() == {"new": "New", "done": "Done", "review": "In review"}
    assert registry.transition_names() == ["finish", "submit"]
    assert registry.transition_title("finish", "long") == "Approve"
    assert registry.transition_title("finish") == "Finish"
    assert registry.transition_title("submit", "short") == "Submit"  # another workflow's
    assert registry.transition_title("nothing") is None


def test_refuses_duplicate_keys_bad_keys_and_shared_method_prefixes():
    registry = WorkflowRegistry("paper")
    registry.register("short", _short())
    with pytest.raises(ImproperlyConfigured, match="twice"):
        registry.register("short", _long())
    with pytest.raises(ImproperlyConfigured, match="not an identifier"):
        registry.register("not a key", _long())
    with pytest.raises(ImproperlyConfigured, match="method_prefix"):
        registry.register("long", _long(prefix="do_"))


@isolate_apps("workflows")
def test_binding_moves_each_object_only_along_its_own_workflow():
    registry = WorkflowRegistry("paper", key_attr="kind")
    short = registry.register("short", _short())
    long = registry.register("long", _long())

    class Paper(models.Model):
        kind = models.CharField(max_length=10, blank=True)
        state = FSMField(
            default="new", choices=[(s, s) for s in ("new", "review", "done")], protected=True
        )
        workflows = registry.bind()

        class Meta:
            app_label = "workflows"

    quick, slow = Paper(kind="short"), Paper(kind="long")
    assert Paper.workflows is registry
    # The long workflow's methods do not move a paper of the short one, and vice versa.
    assert can_proceed(quick.do_finish) and not can_proceed(quick.long_submit)
    assert can_proceed(slow.long_submit) and not can_proceed(slow.do_finish)
    long.fire(slow, User("c"), "submit")
    long.fire(slow, User("c"), "finish")
    short.fire(quick, User("c"), "finish")
    assert (quick.state, slow.state) == ("done", "done")
    with pytest.raises(ImproperlyConfigured, match="bound to a model already"):
        registry.register("later", _long(prefix="later_"))


@isolate_apps("workflows")
def test_binding_refuses_choices_that_differ_from_all_states():
    registry = WorkflowRegistry("paper")
    registry.register("short", _short())
    registry.register("long", _long())
    with pytest.raises(ImproperlyConfigured, match="do not match"):

        class Paper(models.Model):
            state = FSMField(default="new", choices=[("new", "new"), ("done", "done")])
            workflows = registry.bind()

            class Meta:
                app_label = "workflows"
