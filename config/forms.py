"""The base of every public form: one field template (label with its required or optional
marker, hint, error and input tied together) and one error summary, so the application,
status, booking and waiting-list forms behave alike for screen-reader and keyboard users.

Every field of a public form answers control characters (NUL and the like, which a pasted or
forged value may carry and PostgreSQL cannot store) with a translated error at the field,
before the field looks at the value; the views that take such forms are let through by
:class:`config.middleware.RejectControlCharactersMiddleware` for that (see
:func:`config.middleware.forms_answer_control_characters`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

__all__ = ["PublicForm", "PublicFormRenderer"]


class PublicFormRenderer(TemplatesSetting):
    """Django's templates, with the public site's field template (``forms/field.html``)."""

    field_template_name = "forms/field.html"


class PublicForm(forms.Form):
    """A form of the public site.

    Required fields carry a ``*`` (and the ``required`` attribute screen readers announce),
    optional ones "(optional)". Fields named in ``unmarked_fields`` get neither: they are
    required only in some cases, which their hint explains.
    """

    default_renderer = PublicFormRenderer()
    label_suffix = ""
    unmarked_fields: frozenset[str] = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Per form: ``self.fields`` is this form's own copy of the declared fields.
            field.to_python = _refusing_control_characters(field.to_python)

    @property
    def has_required_fields(self) -> bool:
        """Whether the form shows a ``*`` (and so the hint that explains it)."""
        return any(
            field.required and not field.widget.is_hidden and name not in self.unmarked_fields
            for name, field in self.fields.items()
        )


CONTROL_CHARACTERS_MESSAGE = _(
    "This entry contains invisible control characters (such as NUL). Please type it again "
    "without them."
)


def _refusing_control_characters(to_python):
    """``to_python`` of a field, first refusing text with control characters (also in the
    values of a multiple choice): before a choice field looks the value up in the database."""
    from casework.api_common import CONTROL_CHARACTERS

    def checked(value):
        values = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(item, str) and CONTROL_CHARACTERS.search(item) for item in values):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
        return to_python(value)

    return checked
