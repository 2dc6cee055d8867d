"""The list of letter variables per kind, shown under the text in the letter template editor."""

from wagtail.admin.panels import Panel

from .letter_context import kinds, variables_for


class LetterVariablesPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "operations/letter_variables_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["example_variable"] = "{{ family_name }}"
            context["example_date"] = '{{ expires_on|date:"d.m.Y" }}'
            context["example_condition"] = "{% if granted_until %} … {% endif %}"
            context["kinds"] = [
                {"kind": kind, "label": label, "variables": list(variables_for(kind).values())}
                for kind, label in kinds()
            ]
            return context
