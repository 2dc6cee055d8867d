"""A small declarative workflow engine in the spirit of Plone's DCWorkflow.

A :class:`Workflow` is data: states (with the fields each role may still edit there),
transitions (sources, target, the roles or predicate that may fire them, guards that explain
*why not*, the inputs they take). It knows nothing about the objects it moves; a ``roles``
callable tells it which roles a user holds on an object.

Bound to a django-fsm-2 ``FSMField`` (see :meth:`Workflow.bind`), every transition becomes a
real ``@transition`` method on the model, so django-fsm's own machinery (protected field,
``ConcurrentTransitionMixin``, signals) does the state change while the workflow answers the
questions a user interface asks: what may I do here, and if not, why not.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

__all__ = [
    "Guard",
    "Input",
    "Option",
    "State",
    "Transition",
    "Workflow",
]

#: ``guard(obj, user, data) -> reasons``; an empty list means the guard lets it pass.
#: ``data`` is ``None`` when the engine only asks whether the object is ready (e.g. to show a
#: button); guards about transition inputs then return ``[]``.
Guard = Callable[[Any, Any, Mapping[str, Any] | None], list[str]]
#: Either a set of role names or ``predicate(user, obj) -> bool``.
Permission = frozenset[str] | Callable[[Any, Any], bool]
#: ``writes(obj, user, data, now)``: the rows a transition writes besides the object itself.
Writes = Callable[[Any, Any, Mapping[str, Any], Any], None]


class Input(str):
    """A value a transition takes from the user (a reason, a deadline, a target office).

    An input *is* its name (a ``str``), so it works as the key of the ``data`` mapping and
    of a form's fields; ``title``, ``required`` and ``kind`` describe it for forms.
    """

    title: str
    #: ``True``/``False``, or ``predicate(obj) -> bool`` when it depends on the object (e.g. a
    #: validity date only for titles granted for a limited time): see :meth:`is_required`.
    required: bool | Callable[[Any], bool]
    kind: str
    choices: tuple[tuple[str, str], ...]

    def __new__(
        cls,
        name: str,
        title: str = "",
        *,
        required: bool | Callable[[Any], bool] = True,
        kind: str = "text",
        choices: tuple[tuple[str, str], ...] = (),
    ) -> Input:
        if not name.isidentifier():
            raise ValueError(f"input name {name!r} is not an identifier")
        obj = super().__new__(cls, name)
        obj.title = title or name
        obj.required = required
        #: A hint for forms: "text", "textarea", "date", "bool", "choice" or "multiple".
        obj.kind = kind
        obj.choices = choices
        return obj

    @property
    def name(self) -> str:
        return str(self)

    def is_required(self, obj: Any = None) -> bool:
        """Whether the input must be given for this object. Without an object a conditional
        input counts as optional (nothing to decide on)."""
        if callable(self.required):
            return obj is not None and bool(self.required(obj))
        return bool(self.required)

    def is_missing(self, data: Mapping[str, Any]) -> bool:
        value = data.get(self.name)
        if isinstance(value, str):
            value = value.strip()
        return value is None or value == "" or value == [] or value == ()


@dataclass(frozen=True)
class State:
    name: str
    title: str
    #: role -> fields that role may still edit while the object is in this state.
    editable_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    final: bool = False
    description: str = ""
    #: Entering this state opens the participations of other authorities the object needs
    #: (see :mod:`workflows.participations` and ``Workflow(open_participations=…)``).
    opens_participations: bool = False

    def fields_for(self, roles: Iterable[str]) -> set[str]:
        result: set[str] = set()
        for role in roles:
            result |= set(self.editable_fields.get(role, ()))
        return result


@dataclass(frozen=True)
class Transition:
    name: str
    title: str
    sources: tuple[str, ...]
    target: str
    permission: Permission
    guards: tuple[Guard, ...] = ()
    needs_comment: bool = False
    inputs: tuple[Input, ...] = ()
    #: ``effect(obj, user, data)`` applies the transition's inputs to the object in memory
    #: (no queries, no I/O); it runs inside the django-fsm transition method.
    effect: Callable[[Any, Any, Mapping[str, Any]], None] | None = None
    #: The transition's database effect: ``writes(obj, user, data, now)`` writes the rows it
    #: needs besides the object itself (a card order, a hand-over record), after the state
    #: change and in the same transaction. Usually a dotted path (the declaration cannot
    #: import the code that writes), resolved and checked by :meth:`Workflow.resolve` at
    #: start-up: a path that names nothing stops the application instead of doing nothing.
    writes: Writes | str | None = None
    description: str = ""
    #: Firing it opens the participations of other authorities the object needs.
    opens_participations: bool = False

    def allows_role(self, roles: Iterable[str]) -> bool:
        if callable(self.permission):
            raise TypeError("permission is a predicate, not a role set")
        return bool(set(roles) & set(self.permission))


@dataclass(frozen=True)
class Option:
    """One transition as offered to a user: allowed, or not with the reasons why."""

    transition: Transition
    allowed: bool
    reasons: list[str]
    #: False when the user lacks the permission (only listed with ``include_forbidden``).
    permitted: bool = True
    #: The title of the target state (as declared; translated when shown).
    target_title: str = ""

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def title(self) -> str:
        return str(self.transition.title)

    @property
    def target(self) -> str:
        return self.transition.target

    @property
    def inputs(self) -> tuple[Input, ...]:
        return self.transition.inputs

    @property
    def needs_comment(self) -> bool:
        return self.transition.needs_comment

    def explain(self, target_title: str | None = None) -> str:
        """``"cannot move to Biometrics: passport expired on …; missing: …"``."""
        if self.allowed:
            return ""
        return _("cannot move to %(target)s: %(reasons)s") % {
            "target": target_title or self.target_title or self.target,
            "reasons": "; ".join(self.reasons),
        }


class Workflow:
    """States and transitions declared once; answers what a user may do with an object."""

    def __init__(
        self,
        *,
        name: str,
        title: str,
        states: Iterable[State],
        transitions: Iterable[Transition],
        initial: str,
        roles: Callable[[Any, Any], set[str]] | str | None = None,
        state_attr: str = "state",
        method_prefix: str = "do_",
        participations: Workflow | None = None,
        open_participations: Writes | str | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.states: dict[str, State] = {}
        for state in states:
            if state.name in self.states:
                raise ImproperlyConfigured(f"{name}: duplicate state {state.name!r}")
            self.states[state.name] = state
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.name in self.transitions:
                raise ImproperlyConfigured(f"{name}: duplicate transition {transition.name!r}")
            self.transitions[transition.name] = transition
        self.initial = initial
        self._roles = roles
        self.state_attr = state_attr
        self.method_prefix = method_prefix
        self._bound_model: type | None = None
        self._writes: dict[str, Writes] | None = None
        #: The lifecycle of each participation (:func:`workflows.participation_workflow`).
        self.participations = participations
        #: ``open_participations(obj, user, data, now)``: writes the participations the object
        #: needs and has not got yet; run after a step that opens them (a dotted path or a
        #: callable, resolved like ``writes``).
        self._open_participations = open_participations
        self.validate()

    # -- declaration -------------------------------------------------------------------------

    def validate(self) -> None:
        """Refuse declarations that cannot work: unknown states, exits from final states."""
        problems = []
        if self.initial not in self.states:
            problems.append(f"initial state {self.initial!r} is not declared")
        for t in self.transitions.values():
            if not t.name.isidentifier() or keyword.iskeyword(t.name):
                problems.append(f"transition name {t.name!r} is not an identifier")
            if not t.sources:
                problems.append(f"transition {t.name!r} has no source state")
            for source in t.sources:
                if source not in self.states:
                    problems.append(f"transition {t.name!r}: unknown source {source!r}")
                elif self.states[source].final:
                    problems.append(f"transition {t.name!r} leaves final state {source!r}")
            if t.target not in self.states:
                problems.append(f"transition {t.name!r}: unknown target {t.target!r}")
            if not callable(t.permission) and not isinstance(t.permission, frozenset | set):
                problems.append(f"transition {t.name!r}: permission must be roles or callable")
            if t.writes is not None and not (callable(t.writes) or isinstance(t.writes, str)):
                problems.append(f"transition {t.name!r}: writes must be a callable or a path")
            names = [i.name for i in t.inputs]
            if len(names) != len(set(names)):
                problems.append(f"transition {t.name!r}: duplicate input names")
        opening = [t.name for t in self.transitions.values() if t.opens_participations] + [
            s.name for s in self.states.values() if s.opens_participations
        ]
        if opening and (self.participations is None or self._open_participations is None):
            problems.append(
                f"{', '.join(opening)} open participations, but the workflow declares no "
                "participations= and open_participations="
            )
        if problems:
            raise ImproperlyConfigured(f"workflow {self.name!r}: " + "; ".join(problems))

    def resolve(self) -> None:
        """Import what the declaration names by dotted path (``roles=``, each transition's
        ``writes=``) and check that each is callable; raises ``ImproperlyConfigured`` naming
        every path that does not resolve. Call it at start-up (``AppConfig.ready``)."""
        problems = []

        def load(what: str, target: Any) -> Any:
            if not isinstance(target, str):
                return target
            try:
                loaded = import_string(target)
            except ImportError as exc:
                problems.append(f"{what}: cannot import {target!r} ({exc})")
                return None
            if not callable(loaded):
                problems.append(f"{what}: {target!r} is not callable")
                return None
            return loaded

        roles = load("roles", self._roles)
        writes = {}
        for t in self.transitions.values():
            if t.writes is not None:
                writes[t.name] = load(f"transition {t.name!r} writes", t.writes)
        opener = load("open_participations", self._open_participations)
        if self.participations is not None:
            self.participations.resolve()
        if problems:
            raise ImproperlyConfigured(f"workflow {self.name!r}: " + "; ".join(problems))
        self._roles = roles
        self._writes = writes
        self._open_participations = opener

    def writes_of(self, transition: Transition | str) -> Writes | None:
        """The transition's database effect (see :attr:`Transition.writes`), resolved."""
        if self._writes is None:
            self.resolve()
        name = transition if isinstance(transition, str) else transition.name
        return self._writes.get(name)

    def opens_participations(self, transition: Transition | str) -> bool:
        """Whether firing the transition opens participations (its own flag, or its target
        state's)."""
        t = self.transitions[transition] if isinstance(transition, str) else transition
        return t.opens_participations or self.states[t.target].opens_participations

    def participation_opener(self) -> Writes | None:
        """``open_participations(obj, user, data, now)``, resolved (``None``: none declared)."""
        if isinstance(self._open_participations, str):
            self.resolve()
        return self._open_participations

    def state(self, name: str) -> State:
        return self.states[name]

    def transition(self, name: str) -> Transition:
        return self.transitions[name]

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def reachable_states(self) -> set[str]:
        seen, todo = {self.initial}, [self.initial]
        while todo:
            for t in self.transitions_from(todo.pop()):
                if t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
        return seen

    def state_title(self, name: str) -> str:
        state = self.states.get(name)
        return str(state.title) if state else name

    # -- questions -----------------------------------------------------------------------------

    def current_state(self, obj: Any) -> str:
        return getattr(obj, self.state_attr)

    def roles_of(self, user: Any, obj: Any) -> set[str]:
        if self._roles is None:
            return set()
        if isinstance(self._roles, str):
            self.resolve()
        return set(self._roles(user, obj))

    def is_permitted(
        self, transition: Transition | str, user: Any, obj: Any, roles: set[str] | None = None
    ) -> bool:
        """Whether the user holds the permission of the transition on this object."""
        t = self.transitions[transition] if isinstance(transition, str) else transition
        if callable(t.permission):
            return bool(t.permission(user, obj))
        if roles is None:
            roles = self.roles_of(user, obj)
        return t.allows_role(roles)

    def check(
        self,
        obj: Any,
        user: Any,
        name: str,
        data: Mapping[str, Any] | None = None,
        *,
        roles: set[str] | None = None,
    ) -> list[str]:
        """Every reason why ``user`` cannot fire ``name`` on ``obj`` now (empty: go ahead).

        Pass ``data`` (the transition's inputs, ``"comment"`` included) to have the inputs
        checked too; with ``data=None`` only the object's readiness counts.
        """
        t = self.transitions.get(name)
        if t is None:
            return [_("unknown transition “%(name)s”") % {"name": name}]
        current = self.current_state(obj)
        if current not in t.sources:
            return [_("not possible in state “%(state)s”") % {"state": self.state_title(current)}]
        if not self.is_permitted(t, user, obj, roles):
            return [_("you are not permitted to do this")]
        return self._guard_reasons(t, obj, user, data)

    def _guard_reasons(
        self, t: Transition, obj: Any, user: Any, data: Mapping[str, Any] | None
    ) -> list[str]:
        reasons: list[str] = []
        if data is not None:
            for spec in t.inputs:
                if spec.is_required(obj) and spec.is_missing(data):
                    reasons.append(_("%(field)s is required") % {"field": spec.title})
            if t.needs_comment and Input("comment").is_missing(data):
                reasons.append(_("a comment is required"))
        for guard in t.guards:
            reasons.extend(str(r) for r in guard(obj, user, data))
        return reasons

    def available(
        self,
        obj: Any,
        user: Any,
        data: Mapping[str, Any] | None = None,
        *,
        include_forbidden: bool = False,
        roles: set[str] | None = None,
    ) -> list[Option]:
        """The transitions leaving the current state, in declaration order.

        Transitions the user may not fire at all are left out unless ``include_forbidden``.
        """
        if roles is None:
            roles = self.roles_of(user, obj)
        options = []
        for t in self.transitions_from(self.current_state(obj)):
            if not self.is_permitted(t, user, obj, roles):
                if include_forbidden:
                    options.append(
                        Option(
                            t,
                            False,
                            [_("you are not permitted to do this")],
                            permitted=False,
                            target_title=self.state_title(t.target),
                        )
                    )
                continue
            reasons = self._guard_reasons(t, obj, user, data)
            options.append(Option(t, not reasons, reasons, target_title=self.state_title(t.target)))
        return options

    def editable_fields(self, obj: Any, user: Any, *, roles: set[str] | None = None) -> set[str]:
        if roles is None:
            roles = self.roles_of(user, obj)
        state = self.states.get(self.current_state(obj))
        return state.fields_for(roles) if state else set()

    # -- doing ---------------------------------------------------------------------------------

    def fire(self, obj: Any, user: Any, name: str, data: Mapping[str, Any] | None = None) -> Any:
        """Run the transition's state change (no checks: callers check first).

        On a bound model this calls the django-fsm ``@transition`` method, so django-fsm
        validates the source state and sends its signals; otherwise it sets the attribute.
        """
        t = self.transitions[name]
        if self._bound_model is not None and isinstance(obj, self._bound_model):
            return getattr(obj, self.method_prefix + name)(user=user, data=data or {})
        if t.effect is not None:
            t.effect(obj, user, data or {})
        setattr(obj, self.state_attr, t.target)
        return None

    # -- binding to django-fsm -----------------------------------------------------------------

    def bind(self) -> _ModelBinding:
        """Use as a model class attribute: ``workflow = CASE_WORKFLOW.bind()``.

        Django hands the class to :meth:`_ModelBinding.contribute_to_class` while it builds
        the model, before django-fsm collects transitions, so each transition becomes a
        ``@transition``-decorated method ``<method_prefix><name>`` on the model.
        """
        return _ModelBinding(self)

    def _make_method(
        self, model_name: str, t: Transition, registry: Any = None
    ) -> Callable[..., None]:
        from django_fsm import transition as fsm_transition

        workflow = self

        def method(instance: Any, *, user: Any = None, data: Mapping[str, Any] | None = None):
            if t.effect is not None:
                t.effect(instance, user, data or {})

        method.__name__ = self.method_prefix + t.name
        method.__qualname__ = f"{model_name}.{method.__name__}"
        method.__doc__ = f"{t.title} ({', '.join(t.sources)} → {t.target})"
        return fsm_transition(
            field=self.state_attr,
            source=list(t.sources),
            target=t.target,
            permission=lambda instance, user: workflow.is_permitted(t, user, instance),
            # Several workflows on one field: only the object's own workflow moves it.
            conditions=[lambda instance: registry.of(instance) is workflow] if registry else [],
            custom={"workflow": self.name, "transition": t.name, "title": t.title},
        )(method)

    def __repr__(self) -> str:
        counts = f"{len(self.states)} states, {len(self.transitions)} transitions"
        return f"<Workflow {self.name}: {counts}>"


class _ModelBinding:
    def __init__(self, workflow: Workflow, *, only_for: Any = None) -> None:
        self.workflow = workflow
        #: A :class:`~workflows.registry.WorkflowRegistry` when several workflows share the
        #: field: each method then fires only on objects that follow its workflow.
        self.only_for = only_for

    def contribute_to_class(
        self, cls: type, name: str | None, *, check_choices: bool = True, **kwargs: Any
    ) -> None:
        workflow = self.workflow
        declared = {f.name for f in cls._meta.local_fields}
        if workflow.state_attr not in declared:
            raise ImproperlyConfigured(
                f"{cls.__name__} has no field {workflow.state_attr!r} for workflow {workflow.name}"
            )
        field_obj = cls._meta.get_field(workflow.state_attr)
        choices = {str(value) for value, _label in (field_obj.choices or [])}
        if check_choices and choices and choices != set(workflow.states):
            raise ImproperlyConfigured(
                f"{cls.__name__}.{workflow.state_attr} choices {sorted(choices)} do not match "
                f"the states of workflow {workflow.name}: {sorted(workflow.states)}"
            )
        for t in workflow.transitions.values():
            attr = workflow.method_prefix + t.name
            if hasattr(cls, attr):
                raise ImproperlyConfigured(f"{cls.__name__}.{attr} already exists")
            setattr(cls, attr, workflow._make_method(cls.__name__, t, self.only_for))
        workflow._bound_model = cls
        if name is not None:
            setattr(cls, name, workflow)
