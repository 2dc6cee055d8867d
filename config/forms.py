"""The base of every public form: one field template (label with its required or optional
marker, hint, error and input tied together) and one error summary, so the application,
status, booking and waiting-list forms behave alike for screen-reader and keyboard users."""

from django import forms
from django.forms.renderers import TemplatesSetting

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

    @property
    def has_required_fields(self) -> bool:
        """Whether the form shows a ``*`` (and so the hint that explains it)."""
        return any(
            field.required and not field.widget.is_hidden and name not in self.unmarked_fields
            for name, field in self.fields.items()
        )
