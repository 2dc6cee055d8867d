"""Tests build cases through the casework services (``WorkflowCaseFactory``), not by writing rows.

A case written directly (``CaseFactory``, ``Case.objects.create``, ``.update()`` of casework's
models, the protected state set through ``__dict__``) has no history, no effects and no change
signal, so a test can pass on a state the real system never reaches. Where a test needs such a
raw state on purpose, the line of the call (or the line above it) says why in a
``# low-level: …`` comment. ``STILL_RAW`` counts what is not converted yet, per module: it may
only go down.

Run by ``make lint`` (``python -m tests.factory_guard``) and by the suite
(``tests/test_factory_guard.py``).
"""

import ast
import pathlib

TESTS = pathlib.Path(__file__).resolve().parent
MARK = "# low-level:"

#: Casework's models: tests change them through ``casework.services`` only.
CASEWORK_MODELS = frozenset(
    {
        "Case",
        "CaseDocument",
        "CardOrder",
        "HandOver",
        "Hearing",
        "Notice",
        "Participation",
        "CaseHistory",
        "CaseComment",
        "CaseAccessLog",
        "Person",
    }
)
WRITES = frozenset({"create", "update", "bulk_create", "bulk_update", "get_or_create"})
#: The factories themselves (the one low-level place that needs no mark).
EXEMPT = frozenset({"casework/factories.py", "factory_guard.py", "test_factory_guard.py"})

#: Raw constructions not converted yet (module: count). Lower a number when you convert one;
#: never raise it (write the case through ``WorkflowCaseFactory`` or mark why it must be raw).
#: Every raw write left carries its reason now: keep it empty.
STILL_RAW: dict[str, int] = {}


def _model_write(call: ast.Call) -> str | None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in WRITES):
        return None
    base = func.value
    while isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute):
        base = base.func.value
    if not (isinstance(base, ast.Attribute) and base.attr in {"objects", "_default_manager"}):
        return None
    model = base.value
    if isinstance(model, ast.Name) and model.id in CASEWORK_MODELS:
        return f"{model.id}.objects….{func.attr}()"
    # The model reached through an instance: ``type(case).objects…``, ``case.__class__.objects…``,
    # ``case._meta.model.objects…``. Which model it is shows only at run time, so every such
    # write counts (tests have no reason to write other apps' rows this way either).
    if (
        isinstance(model, ast.Call)
        and isinstance(model.func, ast.Name)
        and model.func.id == "type"
        and len(model.args) == 1
    ):
        return f"type(…).objects….{func.attr}()"
    if isinstance(model, ast.Attribute) and model.attr == "__class__":
        return f"….__class__.objects….{func.attr}()"
    if (
        isinstance(model, ast.Attribute)
        and model.attr == "model"
        and isinstance(model.value, ast.Attribute)
        and model.value.attr == "_meta"
    ):
        return f"…_meta.model.objects….{func.attr}()"
    return None


def _marked(lines: list[str], first: int, last: int) -> bool:
    """The mark is on a line of the statement or in the comment block right above it."""
    if any(MARK in line for line in lines[first - 1 : last]):
        return True
    above = first - 2
    while above >= 0 and lines[above].lstrip().startswith("#"):
        if MARK in lines[above]:
            return True
        above -= 1
    return False


def raw_constructions(source: str) -> list[tuple[int, str]]:
    """``(line, what)`` of every unmarked raw write of case data in a test module."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        what = None
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "CaseFactory":
                what = "CaseFactory(…)"
            else:
                what = _model_write(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "__dict__"
                    and isinstance(target.slice, ast.Constant)
                    and target.slice.value == "state"
                ):
                    what = "__dict__['state'] = …"
        if what is None:
            continue
        if not _marked(lines, node.lineno, node.end_lineno):
            found.append((node.lineno, what))
    return sorted(found)


def _modules():
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS).as_posix()
        if name not in EXEMPT:
            yield name, path


def too_many() -> dict[str, list[str]]:
    """Modules with more unmarked raw writes than :data:`STILL_RAW` allows, with the lines."""
    found_by_module = {}
    for name, path in _modules():
        found = raw_constructions(path.read_text(encoding="utf-8"))
        if len(found) > STILL_RAW.get(name, 0):
            found_by_module[name] = [f"line {line}: {what}" for line, what in found]
    return found_by_module


def report(found_by_module: dict[str, list[str]]) -> str:
    return (
        "Build cases with WorkflowCaseFactory (traits per state, through the services); a raw "
        f"write needs a '{MARK} why' comment on its line:\n"
        + "\n".join(f"tests/{name}: {', '.join(items)}" for name, items in found_by_module.items())
    )


if __name__ == "__main__":
    import sys

    problems = too_many()
    if problems:
        sys.exit(report(problems))
