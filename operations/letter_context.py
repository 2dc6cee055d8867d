"""What a letter may say: one flat set of variables per kind of letter, and the sandbox that
renders the office's templates with nothing else.

A letter template sees only plain values (text, dates, numbers) named in the registry below,
never a model object, so no template can walk from a case to its caseworker's password, to
an API token or to another person's file. The templates run in their own template engine
with a handful of tags and filters (:mod:`operations.letter_sandbox`): no ``{% load %}``,
``{% include %}`` or ``{% debug %}``. :func:`check_template` is what the snippet form runs on
save; the preview renders :func:`sample_context`.

Other apps add kinds of letters (notices, hearings …) with :func:`register_letter_kind`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, VariableNode
from django.template.defaulttags import IfNode
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import LetterKind

__all__ = [
    "LetterVariable",
    "check_template",
    "flat_context",
    "kinds",
    "register_letter_kind",
    "render_sample",
    "render_template",
    "render_templates",
    "sample_context",
    "variables_for",
]

#: What a letter variable may hold: values, never objects with attributes to walk.
PLAIN_TYPES = (str, int, float, Decimal, bool, dt.date, dt.datetime, type(None))

Sources = Mapping[str, object]


@dataclass(frozen=True)
class LetterVariable:
    """One variable a letter may use: ``{{ name }}``."""

    name: str
    description: str | Promise
    sample: object
    value: Callable[[Sources], object]


def _attr(source: object, *path: str, default: object = "") -> object:
    for name in path:
        if source is None:
            return default
        source = getattr(source, name, None)
    return default if source is None else source


def _person(*path: str) -> Callable[[Sources], object]:
    return lambda s: _attr(s.get("person"), *path)


def _case(*path: str, default: object = "") -> Callable[[Sources], object]:
    return lambda s: _attr(s.get("case"), *path, default=default)


def _office(name: str) -> Callable[[Sources], object]:
    return lambda s: _attr(s.get("office"), name)


def _full_name(s: Sources) -> str:
    return f"{_person('given_names')(s)} {_person('family_name')(s)}".strip()


def _office_address(s: Sources) -> str:
    office = s.get("office")
    town = f"{_attr(office, 'postcode')} {_attr(office, 'city')}".strip()
    return ", ".join(part for part in (str(_attr(office, "street")), town) if part)


def _case_type_name(s: Sources) -> str:
    case_type = _attr(s.get("case"), "case_type", default=None)
    return case_type.localized_name() if case_type is not None else ""


def _received_on(s: Sources) -> dt.date | None:
    received = _attr(s.get("case"), "received_at", default=None)
    return received.date() if isinstance(received, dt.datetime) else received


V = LetterVariable


def _given(
    name: str, description: str | Promise, sample: object, *, default: object = None
) -> LetterVariable:
    """A variable whose value the caller hands over under the same name (a date, a reason)."""
    return LetterVariable(name, description, sample, lambda s: s.get(name, default))


# The descriptions are shown in the admin's language.

COMMON = (
    V("given_names", gettext_lazy("given names of the addressee"), "Olena", _person("given_names")),
    V(
        "family_name",
        gettext_lazy("family name of the addressee"),
        "Kovalenko",
        _person("family_name"),
    ),
    V("full_name", gettext_lazy("given names and family name"), "Olena Kovalenko", _full_name),
    V("birth_date", gettext_lazy("date of birth"), dt.date(1990, 5, 17), _person("birth_date")),
    V(
        "file_number",
        gettext_lazy("file number of the case"),
        "ABH-2026-000042",
        _case("file_number"),
    ),
    V(
        "legal_basis",
        gettext_lazy("legal basis, e.g. § 24 AufenthG"),
        "§ 24 AufenthG",
        _case("case_type", "legal_basis"),
    ),
    V(
        "case_type",
        gettext_lazy("name of the case type (in the letter's language)"),
        "Vorübergehender Schutz",
        _case_type_name,
    ),
    V(
        "received_on",
        gettext_lazy("date the application arrived"),
        dt.date(2026, 3, 2),
        _received_on,
    ),
    V(
        "granted_until",
        gettext_lazy("validity of the title granted (empty if none)"),
        dt.date(2027, 3, 4),
        _case("granted_until", default=None),
    ),
    V(
        "office_name",
        gettext_lazy("name of the office"),
        "Kreis Beispiel – Ausländerbehörde",
        _office("name"),
    ),
    V(
        "office_address",
        gettext_lazy("street, postcode and town of the office"),
        "Hauptstraße 1, 40822 Mettmann",
        _office_address,
    ),
    V("office_phone", gettext_lazy("phone number of the office"), "02104 99-0", _office("phone")),
    V(
        "office_email",
        gettext_lazy("e-mail address of the office"),
        "abh@kreis-beispiel.de",
        _office("email"),
    ),
    V(
        "today",
        gettext_lazy("date of the letter"),
        dt.date(2026, 6, 1),
        lambda s: timezone.localdate(),
    ),
)
EXPIRES_ON = _given(
    "expires_on",
    gettext_lazy("date the title or passport expires"),
    dt.date(2026, 9, 30),
)
PASSPORT_NUMBER = V(
    "passport_number",
    gettext_lazy("passport number of the addressee"),
    "FX123456",
    _person("passport_number"),
)
CONTINUATION = (
    _given(
        "previous_valid_until",
        gettext_lazy("validity before the continuation"),
        dt.date(2026, 3, 4),
    ),
    V(
        "new_valid_until",
        gettext_lazy("validity after the continuation"),
        dt.date(2027, 3, 4),
        lambda s: _attr(s.get("ordinance"), "valid_until", default=None),
    ),
    V(
        "ordinance_reference",
        gettext_lazy("reference of the ordinance"),
        "Verordnung vom 1. Oktober 2025 (BGBl. 2025 I Nr. 123)",
        lambda s: _attr(s.get("ordinance"), "reference"),
    ),
    V(
        "ordinance_legal_basis",
        gettext_lazy("legal basis of the continued titles"),
        "§ 24 AufenthG",
        lambda s: _attr(s.get("ordinance"), "case_type", "legal_basis"),
    ),
)

_REGISTRY: dict[str, dict[str, LetterVariable]] = {}
_LABELS: dict[str, str | Promise] = {}


def register_letter_kind(
    kind: str, variables: tuple[LetterVariable, ...], *, label: str | Promise | None = None
) -> None:
    """Declare (or extend) the variables of a kind of letter."""
    existing = _REGISTRY.setdefault(str(kind), {})
    for variable in variables:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", variable.name):
            raise ValueError(f"letter variable names are plain lowercase words: {variable.name}")
        existing[variable.name] = variable
    if label is not None:
        _LABELS[str(kind)] = label


register_letter_kind(LetterKind.RECEIPT, COMMON, label=LetterKind.RECEIPT.label)
register_letter_kind(
    LetterKind.TITLE_REMINDER, (*COMMON, EXPIRES_ON), label=LetterKind.TITLE_REMINDER.label
)
register_letter_kind(
    LetterKind.PASSPORT_REMINDER,
    (*COMMON, EXPIRES_ON, PASSPORT_NUMBER),
    label=LetterKind.PASSPORT_REMINDER.label,
)
register_letter_kind(
    LetterKind.CONTINUATION_CERTIFICATE,
    (*COMMON, *CONTINUATION),
    label=LetterKind.CONTINUATION_CERTIFICATE.label,
)
register_letter_kind(LetterKind.BELEHRUNG_104C, COMMON, label=LetterKind.BELEHRUNG_104C.label)
register_letter_kind(
    LetterKind.RIGHT_TO_STAY_INFO,
    (
        *COMMON,
        _given(
            "tolerated_since",
            gettext_lazy("first day of the uninterrupted stay the register shows"),
            dt.date(2020, 3, 2),
        ),
    ),
    label=LetterKind.RIGHT_TO_STAY_INFO.label,
)
DOCUMENT_REQUEST = (
    _given(
        "due_on",
        gettext_lazy("date by which the documents are due"),
        dt.date(2026, 7, 15),
    ),
    _given(
        "documents",
        gettext_lazy("the requested documents, one per line"),
        "- Reisepass\n- Meldebescheinigung",
        default="",
    ),
    _given(
        "status_url",
        gettext_lazy("address of the status page, where the applicant can upload them"),
        "https://www.kreis-beispiel.de/de/status/",
        default="",
    ),
)
register_letter_kind(
    LetterKind.DOCUMENT_REQUEST,
    (*COMMON, *DOCUMENT_REQUEST),
    label=LetterKind.DOCUMENT_REQUEST.label,
)

DECISION = (
    _given(
        "grounds",
        gettext_lazy("the decisive facts and the intended decision (from the hearing step)"),
        "Der Lebensunterhalt ist nicht gesichert (§ 5 Abs. 1 Nr. 1 AufenthG).",
        default="",
    ),
    _given(
        "due_on",
        gettext_lazy("date until which the applicant may comment"),
        dt.date(2026, 7, 15),
    ),
    _given(
        "status_url",
        gettext_lazy("address of the status page, where the applicant can answer"),
        "https://www.kreis-beispiel.de/de/status/",
        default="",
    ),
)
register_letter_kind(LetterKind.HEARING, (*COMMON, *DECISION), label=LetterKind.HEARING.label)
REFUSAL = (
    _given(
        "reason",
        gettext_lazy("the reasons for the refusal (from the drafting step)"),
        "Der Lebensunterhalt ist nicht gesichert; Ihre Stellungnahme ändert daran nichts.",
        default="",
    ),
    _given(
        "hearing_on",
        gettext_lazy("date of the hearing letter"),
        dt.date(2026, 6, 15),
    ),
    _given(
        "answered_on",
        gettext_lazy("date the applicant's answer arrived (empty if none)"),
        dt.date(2026, 7, 1),
    ),
)
register_letter_kind(
    LetterKind.REFUSAL_NOTICE,
    (*COMMON, *DECISION, *REFUSAL),
    label=LetterKind.REFUSAL_NOTICE.label,
)
register_letter_kind(LetterKind.GRANT_NOTICE, COMMON, label=LetterKind.GRANT_NOTICE.label)
FIKTION = (
    _given(
        "valid_until",
        gettext_lazy("validity of the certificate"),
        dt.date(2026, 9, 30),
    ),
    _given(
        "title_expires_on",
        gettext_lazy("date the previous title expired or expires"),
        dt.date(2026, 6, 30),
    ),
    _given(
        "current_title",
        gettext_lazy("the previous title, e.g. § 18b AufenthG"),
        "§ 18b AufenthG",
        default="",
    ),
)
register_letter_kind(
    LetterKind.FIKTION_CERTIFICATE,
    (*COMMON, *FIKTION),
    label=LetterKind.FIKTION_CERTIFICATE.label,
)


APPOINTMENT = (
    _given(
        "booking_url",
        gettext_lazy("address of the appointment booking (with the file number)"),
        "https://www.kreis-beispiel.de/de/termin/",
        default="",
    ),
    _given(
        "status_url",
        gettext_lazy("address of the status page"),
        "https://www.kreis-beispiel.de/de/status/",
        default="",
    ),
)
register_letter_kind(
    LetterKind.FIKTION_REMINDER, (*COMMON, EXPIRES_ON), label=LetterKind.FIKTION_REMINDER.label
)
register_letter_kind(
    LetterKind.APPOINTMENT_INVITATION,
    (*COMMON, *APPOINTMENT),
    label=LetterKind.APPOINTMENT_INVITATION.label,
)
register_letter_kind(
    LetterKind.CARD_READY, (*COMMON, *APPOINTMENT), label=LetterKind.CARD_READY.label
)


def kinds() -> list[tuple[str, str | Promise]]:
    return [(kind, _LABELS.get(kind, kind)) for kind in _REGISTRY]


def variables_for(kind: str) -> dict[str, LetterVariable]:
    return dict(_REGISTRY.get(str(kind), {}))


def _plain(value: object) -> object:
    if isinstance(value, Promise):
        return str(value)
    return value if isinstance(value, PLAIN_TYPES) else str(value)


def flat_context(kind: str, sources: Sources) -> dict[str, object]:
    """The values a letter of ``kind`` may show, taken from the given objects (person, case,
    office, …): plain text, numbers and dates only."""
    return {name: _plain(v.value(sources)) for name, v in variables_for(kind).items()}


def sample_context(kind: str) -> dict[str, object]:
    """Made-up values for the preview in the admin."""
    return {name: _plain(v.sample) for name, v in variables_for(kind).items()}


# -- the sandbox ------------------------------------------------------------------------------


class LetterEngine(Engine):
    """A template engine that knows nothing but :mod:`operations.letter_sandbox`."""

    default_builtins: list[str] = []


_ENGINE = LetterEngine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=["operations.letter_sandbox"],
    autoescape=False,
    string_if_invalid="",
    debug=True,  # line numbers for the error messages
)

_INVALID_TAG = re.compile(r"Invalid block tag on line (\d+): '([^']+)'")
_UNCLOSED_TAG = re.compile(r"Unclosed tag on line (\d+): '([^']+)'")
_INVALID_FILTER = re.compile(r"Invalid filter: '([^']+)'")
_STRAY_BRACES = re.compile(r"\{\{|\}\}|\{%|%\}")


def compile_template(text: str):
    """The template compiled in the sandbox (raises ``TemplateSyntaxError``)."""
    return _ENGINE.from_string(text)


def _expressions(node: Node):
    """Every filter expression a node uses (variables, ``if`` conditions, filter arguments)."""
    if isinstance(node, VariableNode):
        yield node.filter_expression
    elif isinstance(node, IfNode):
        for condition, _nodelist in node.conditions_nodelists:
            yield from _condition_expressions(condition)
    for value in getattr(node, "vars", []) or []:  # {% firstof %}
        if isinstance(value, FilterExpression):
            yield value


def _condition_expressions(condition):
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for side in ("first", "second"):
        part = getattr(condition, side, None)
        if part is not None:
            yield from _condition_expressions(part)


def _variables(expression: FilterExpression):
    var = expression.var
    if hasattr(var, "lookups") and var.lookups is not None:
        yield var.var
    for _func, args in expression.filters:
        for is_var, arg in args:
            if is_var and getattr(arg, "lookups", None) is not None:
                yield arg.var


def _line(template, token_position) -> int:
    source = template.source
    return source.count("\n", 0, token_position[0]) + 1 if token_position else 1


def check_template(kind: str, text: str) -> list[str]:
    """Why ``text`` cannot be a letter template of ``kind`` (translated), or ``[]``."""
    allowed = variables_for(kind)
    try:
        template = compile_template(text)
    except TemplateSyntaxError as exc:
        return [_syntax_message(str(exc))]
    errors: list[str] = []
    for node in template.nodelist.get_nodes_by_type(Node):
        if isinstance(node, TextNode) and _STRAY_BRACES.search(node.s):
            errors.append(
                _(
                    "Line %(line)d: “{{”, “}}”, “{%%” or “%%}” without its counterpart. "
                    "Write variables as {{ name }} and conditions as {%% if name %%} … "
                    "{%% endif %%}."
                )
                % {"line": _line(template, node.token.position)}
            )
            continue
        for expression in _expressions(node):
            for name in _variables(expression):
                if name in allowed:
                    continue
                if "." in name and name.split(".")[0]:
                    message = _(
                        "Line %(line)d: “%(name)s” – letters use plain variables without dots."
                    )
                else:
                    message = _("Line %(line)d: unknown variable “%(name)s”.")
                errors.append(
                    message % {"line": _line(template, node.token.position), "name": name}
                    + " "
                    + _("Letters of this kind may use: %(names)s.")
                    % {"names": ", ".join(sorted(allowed))}
                )
    return list(dict.fromkeys(errors))


def _syntax_message(detail: str) -> str:
    if match := _INVALID_TAG.search(detail):
        line, tag = match.groups()
        if tag.startswith(("end", "el", "else")):
            return _("Line %(line)s: “{%% %(tag)s %%}” has no matching opening tag.") % {
                "line": line,
                "tag": tag,
            }
        return _(
            "Line %(line)s: “{%% %(tag)s %%}” is not allowed in letters. Allowed are "
            "{%% if %%} … {%% elif %%} … {%% else %%} … {%% endif %%}, {%% firstof %%}, "
            "{%% now %%} and comments."
        ) % {"line": line, "tag": tag}
    if match := _UNCLOSED_TAG.search(detail):
        line, tag = match.groups()
        return _(
            "Line %(line)s: “{%% %(tag)s %%}” is not closed (“{%% end%(tag)s %%}” is missing)."
        ) % {
            "line": line,
            "tag": tag,
        }
    if match := _INVALID_FILTER.search(detail):
        from .letter_sandbox import ALLOWED_FILTERS

        return _("The filter “%(filter)s” is not allowed in letters. Allowed are: %(filters)s.") % {
            "filter": match.group(1),
            "filters": ", ".join(ALLOWED_FILTERS),
        }
    return _("The template cannot be read: %(detail)s") % {"detail": detail}


def render_sample(kind: str, text: str, language: str | None = None) -> str:
    """``text`` filled with the made-up values of the preview."""
    with translation.override(language or translation.get_language()):
        return compile_template(text).render(Context(sample_context(kind), autoescape=False))


def render_template(template, kind: str, sources: Sources, *, language: str | None = None) -> str:
    """Render a compiled sandbox template with the flat context of ``kind``."""
    return render_templates([template], kind, sources, language=language)[0]


def render_templates(
    templates, kind: str, sources: Sources, *, language: str | None = None
) -> list[str]:
    """Render several compiled sandbox templates (a subject and a body) with one flat context
    of ``kind``, taken from the sources once."""
    with translation.override(language or translation.get_language()):
        flat = flat_context(kind, sources)
        return [template.render(Context(dict(flat), autoescape=False)) for template in templates]
