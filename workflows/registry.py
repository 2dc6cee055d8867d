"""Named workflow definitions: Plone's "workflow chain per type".

A :class:`WorkflowRegistry` holds the workflows objects of one model may follow, each under a
short key (``"eat"``, ``"duldung"``). Whatever decides which workflow an object follows (in
casework: the case type) stores the key; the registry turns it back into the declaration. The
engine itself stays ignorant of what the keys mean.

Several workflows can share one state field: :meth:`WorkflowRegistry.bind` makes every
transition of every registered workflow a django-fsm ``@transition`` method (each workflow
with its own ``method_prefix``), guarded so that a method only fires on an object that follows
its workflow.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .engine import Workflow, _ModelBinding

__all__ = ["WorkflowRegistry"]


class WorkflowRegistry:
    """Workflows under keys, in the order they were registered (the first is the default)."""

    def __init__(self, name: str, *, key_attr: str = "workflow_key") -> None:
        self.name = name
        #: The attribute of a bound object that holds its workflow's key.
        self.key_attr = key_attr
        self._workflows: dict[str, Workflow] = {}
        self._bound = False

    # -- declaring -----------------------------------------------------------------------------

    def register(self, key: str, workflow: Workflow) -> Workflow:
        if self._bound:
            raise ImproperlyConfigured(
                f"registry {self.name!r} is bound to a model already; register {key!r} earlier"
            )
        if not key.isidentifier():
            raise ImproperlyConfigured(f"registry {self.name!r}: key {key!r} is not an identifier")
        if key in self._workflows:
            raise ImproperlyConfigured(f"registry {self.name!r}: {key!r} registered twice")
        prefixes = {w.method_prefix for w in self._workflows.values()}
        if workflow.method_prefix in prefixes:
            raise ImproperlyConfigured(
                f"registry {self.name!r}: {key!r} needs a method_prefix of its own "
                f"({workflow.method_prefix!r} is taken)"
            )
        self._workflows[key] = workflow
        return workflow

    # -- asking --------------------------------------------------------------------------------

    @property
    def default_key(self) -> str:
        if not self._workflows:
            raise ImproperlyConfigured(f"registry {self.name!r} is empty")
        return next(iter(self._workflows))

    def __contains__(self, key: object) -> bool:
        return key in self._workflows

    def __iter__(self) -> Iterator[str]:
        return iter(self._workflows)

    def __len__(self) -> int:
        return len(self._workflows)

    def keys(self) -> list[str]:
        return list(self._workflows)

    def items(self) -> list[tuple[str, Workflow]]:
        return list(self._workflows.items())

    def values(self) -> list[Workflow]:
        return list(self._workflows.values())

    def get(self, key: str) -> Workflow:
        """The workflow registered under ``key``; ``LookupError`` naming the known keys."""
        try:
            return self._workflows[key]
        except KeyError:
            known = ", ".join(self._workflows) or "none"
            raise LookupError(
                f"registry {self.name!r}: no workflow {key!r} (known: {known})"
            ) from None

    def key_of(self, workflow: Workflow) -> str:
        for key, candidate in self._workflows.items():
            if candidate is workflow:
                return key
        raise LookupError(f"registry {self.name!r}: {workflow.name!r} is not registered")

    def of(self, obj: Any) -> Workflow:
        """The workflow ``obj`` follows (its ``key_attr``; the default where that is empty)."""
        return self.get(getattr(obj, self.key_attr, "") or self.default_key)

    def choices(self) -> list[tuple[str, str]]:
        """``(key, title)`` pairs for a form field."""
        return [(key, workflow.title) for key, workflow in self._workflows.items()]

    def states(self) -> dict[str, str]:
        """Every state of every workflow with its title (the first workflow declaring a state
        names it), e.g. for the choices of the shared state field."""
        result: dict[str, str] = {}
        for workflow in self._workflows.values():
            for name, state in workflow.states.items():
                result.setdefault(name, state.title)
        return result

    def transition_names(self) -> list[str]:
        """Every transition name of every workflow, each once, in declaration order."""
        result: dict[str, None] = {}
        for workflow in self._workflows.values():
            result.update(dict.fromkeys(workflow.transitions))
        return list(result)

    def transition_title(self, name: str, key: str | None = None) -> str | None:
        """The title of transition ``name`` in the workflow ``key`` (any workflow when no key
        is given or that workflow lacks it); ``None`` if no workflow declares it."""
        if key in self._workflows and name in self._workflows[key].transitions:
            return str(self._workflows[key].transitions[name].title)
        for workflow in self._workflows.values():
            if name in workflow.transitions:
                return str(workflow.transitions[name].title)
        return None

    def resolve(self) -> None:
        """:meth:`Workflow.resolve` for every registered workflow (call at start-up)."""
        for workflow in self._workflows.values():
            workflow.resolve()

    # -- binding -------------------------------------------------------------------------------

    def bind(self) -> _RegistryBinding:
        """Use as a model class attribute: ``_workflows = REGISTRY.bind()``; every registered
        workflow's transitions become ``@transition`` methods on the model."""
        return _RegistryBinding(self)

    def __repr__(self) -> str:
        return f"<WorkflowRegistry {self.name}: {', '.join(self._workflows)}>"


class _RegistryBinding:
    def __init__(self, registry: WorkflowRegistry) -> None:
        self.registry = registry

    def contribute_to_class(self, cls: type, name: str, **kwargs: Any) -> None:
        registry = self.registry
        if not len(registry):
            raise ImproperlyConfigured(f"registry {registry.name!r} is empty")
        state_attrs = {w.state_attr for w in registry.values()}
        if len(state_attrs) != 1:
            raise ImproperlyConfigured(
                f"registry {registry.name!r}: workflows use different fields {sorted(state_attrs)}"
            )
        (state_attr,) = state_attrs
        declared = {f.name for f in cls._meta.local_fields}
        if state_attr not in declared:
            raise ImproperlyConfigured(f"{cls.__name__} has no field {state_attr!r}")
        field_obj = cls._meta.get_field(state_attr)
        choices = {str(value) for value, _label in (field_obj.choices or [])}
        every_state = set(registry.states())
        if choices and choices != every_state:
            raise ImproperlyConfigured(
                f"{cls.__name__}.{state_attr} choices {sorted(choices)} do not match the "
                f"states of the workflows in {registry.name!r}: {sorted(every_state)}"
            )
        for workflow in registry.values():
            _ModelBinding(workflow, only_for=registry).contribute_to_class(
                cls, None, check_choices=False
            )
        registry._bound = True
        setattr(cls, name, registry)
