"""A generic, declarative workflow engine (Plone DCWorkflow style) on top of django-fsm-2."""

from .engine import Guard, Input, Option, State, Transition, Workflow
from .participations import (
    ParticipationStatus,
    describe_open,
    participation_workflow,
    participations_settled,
)
from .registry import WorkflowRegistry

__all__ = [
    "Guard",
    "Input",
    "Option",
    "ParticipationStatus",
    "State",
    "Transition",
    "Workflow",
    "WorkflowRegistry",
    "describe_open",
    "participation_workflow",
    "participations_settled",
]
