"""The case file's participations of other authorities: what was asked, until when, answers.

Requests are opened by the workflow (entering "received"); the deemed consent is the
background worker's. Here the department records an authority's answer or cancels a request.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workflows import ParticipationStatus

from . import services
from .models import Participation
from .policy import policy_for
from .views import _back_to_case, _form_errors, _visible_case, casework_view, service_errors
from .workflow import PARTICIPATION_WORKFLOW

__all__ = ["ParticipationAnswerForm", "participations_panel"]

ANCHOR = "#panel-participations"


class ParticipationAnswerForm(forms.Form):
    answer = forms.ChoiceField(label=gettext_lazy("Answer of the authority"))
    text = forms.CharField(
        label=gettext_lazy("Reference, conditions or reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required for a refusal and when cancelling the request."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = list(choices)


def _choices(participation, user, roles) -> list[tuple[str, str]]:
    return [
        (name, str(PARTICIPATION_WORKFLOW.transition(name).title))
        for name in services.ANSWERS
        if PARTICIPATION_WORKFLOW.is_permitted(name, user, participation, roles)
    ]


def participations_panel(request, case):
    """Each authority asked for this case: requested when, deemed given when, the answer."""
    if not getattr(case, "has_participations", True):
        return None
    participations = list(case.participations.all())
    if not participations:
        return None
    user = request.user
    roles = set(policy_for(user).roles(case))
    rows = []
    for participation in participations:
        participation.case = case
        form = None
        if participation.status == ParticipationStatus.REQUESTED:
            choices = _choices(participation, user, roles)
            if choices:
                form = ParticipationAnswerForm(
                    choices=choices, prefix=f"p{participation.pk}", auto_id="id_%s"
                )
        rows.append({"participation": participation, "form": form})
    return {
        "name": "participations",
        "title": _("Other authorities"),
        "order": 15,
        "full_file_only": True,
        "template": "casework/participations_panel.html",
        "context": {"rows": rows},
    }


@casework_view
@require_POST
def answer_participation_view(request, file_number: str, pk: int):
    case = _visible_case(request, file_number)
    try:
        participation = case.participations.select_related("kind").get(pk=pk)
    except Participation.DoesNotExist as exc:
        raise Http404 from exc
    participation.case = case
    roles = set(policy_for(request.user).roles(case))
    choices = _choices(participation, request.user, roles)
    if not choices:
        raise PermissionDenied
    form = ParticipationAnswerForm(request.POST, choices=choices, prefix=f"p{pk}")
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_case(request, case, ANCHOR)
    with service_errors(
        request, refused=_("The answer cannot be recorded: %(reasons)s")
    ) as outcome:
        services.answer_participation(
            participation=participation,
            user=request.user,
            answer=form.cleaned_data["answer"],
            text=form.cleaned_data["text"],
        )
    if outcome.ok:
        messages.success(
            request,
            _("Recorded for %(authority)s: %(status)s.")
            % {
                "authority": participation.authority,
                "status": participation.get_status_display(),
            },
        )
    return _back_to_case(request, case, ANCHOR)
