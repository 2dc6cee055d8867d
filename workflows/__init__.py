"""A generic, declarative workflow engine (Plone DCWorkflow style) on top of django-fsm-2."""

from .engine import Guard, Input, Option, State, Transition, Workflow

__all__ = ["Guard", "Input", "Option", "State", "Transition", "Workflow"]
