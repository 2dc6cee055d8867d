"""The only template tags and filters a letter template may use (the sandbox's builtins).

No ``{% load %}``, ``{% include %}``, ``{% extends %}``, ``{% debug %}``, ``{% url %}`` or
anything else that reaches beyond the letter's own flat variables.
"""

from django.template import Library, defaultfilters, defaulttags

register = Library()

ALLOWED_TAGS = ("if", "comment", "firstof", "now")
ALLOWED_FILTERS = (
    "date",
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "yesno",
    "floatformat",
    "stringformat",
)

for _name in ALLOWED_TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
for _name in ALLOWED_FILTERS:
    register.filters[_name] = defaultfilters.register.filters[_name]
