"""Diagrams are generated from the declaration, with or without Graphviz installed."""

import shutil
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from workflows.diagram import to_dot, to_svg

from .test_engine import make_workflow

SVG = "{http://www.w3.org/2000/svg}"


def test_dot_has_every_state_and_one_edge_per_source():
    dot = to_dot(make_workflow())
    for name in ("draft", "review", "published", "rejected"):
        assert f'"{name}" [label=' in dot
    assert '"draft" -> "review" [label="Submit"];' in dot
    assert '"draft" -> "rejected" [label="Reject"];' in dot
    assert '"review" -> "rejected" [label="Reject"];' in dot
    assert '"published" [label="Published", peripheries=2];' in dot


def test_pure_python_svg_draws_every_state_and_transition():
    svg = to_svg(make_workflow(), engine="python")
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    states = [g.get("data-state") for g in root.iter(f"{SVG}g") if g.get("data-state")]
    edges = [g.get("data-transition") for g in root.iter(f"{SVG}g") if g.get("data-transition")]
    assert sorted(states) == ["draft", "published", "rejected", "review"]
    assert sorted(edges) == ["publish", "reject", "reject", "submit"]
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Draft", "In review", "Submit", "Publish"} <= texts
    # Every box lies inside the drawing.
    width, height = float(root.get("width")), float(root.get("height"))
    for rect in root.iter(f"{SVG}rect"):
        x, y = float(rect.get("x")), float(rect.get("y"))
        assert x >= 0 and x + float(rect.get("width")) <= width
        assert y >= 0 and y + float(rect.get("height")) <= height


def test_svg_escapes_titles():
    from workflows import State, Workflow

    wf = Workflow(
        name="x", title="<b>", states=[State("a", "A & <B>")], transitions=[], initial="a"
    )
    svg = to_svg(wf, engine="python")
    assert "A &amp; &lt;B&gt;" in svg and "<b>" not in svg


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz is not installed")
def test_graphviz_svg_when_dot_is_installed():
    svg = to_svg(make_workflow(), engine="dot")
    assert "<svg" in svg and "Submit" in svg


def test_asking_for_graphviz_without_it_fails_clearly(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="not installed"):
        to_svg(make_workflow(), engine="dot")
    assert "<svg" in to_svg(make_workflow())  # "auto" falls back to pure Python


def _case_workflow():
    from casework.workflow import CASE_WORKFLOW

    return CASE_WORKFLOW


def _drawn_boxes(root):
    """Every drawn thing as ``(kind, x0, y0, x1, y1)``: line points, state boxes, text boxes."""
    from workflows.diagram import _LABEL_CHAR_W

    boxes = []
    for line in root.iter(f"{SVG}polyline"):
        for pair in line.get("points").split():
            x, y = map(float, pair.split(","))
            boxes.append(("line", x, y, x, y))
    for rect in root.iter(f"{SVG}rect"):
        x, y = float(rect.get("x")), float(rect.get("y"))
        boxes.append(("rect", x, y, x + float(rect.get("width")), y + float(rect.get("height"))))
    for text in root.iter(f"{SVG}text"):
        x, y, width = float(text.get("x")), float(text.get("y")), len(text.text) * _LABEL_CHAR_W
        anchor = text.get("text-anchor", "start")
        x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        kind = "label" if text.get("data-label-of") else "text"
        boxes.append((kind, x0, y - 11, x0 + width, y + 3))
    return boxes


@pytest.mark.parametrize("workflow", [make_workflow, _case_workflow], ids=["small", "case"])
def test_every_line_box_and_label_lies_inside_the_view_box(workflow):
    """Edges routed around the boxes (grandalf's bends) used to run off the drawing."""
    root = ET.fromstring(to_svg(workflow(), engine="python"))  # noqa: S314 - our own output
    min_x, min_y, width, height = map(float, root.get("viewBox").split())
    assert (width, height) == (float(root.get("width")), float(root.get("height")))
    boxes = _drawn_boxes(root)
    assert any(kind == "line" for kind, *_ in boxes)
    for kind, x0, y0, x1, y1 in boxes:
        assert min_x <= x0 <= x1 <= min_x + width, (kind, x0, x1, width)
        assert min_y <= y0 <= y1 <= min_y + height, (kind, y0, y1, height)


def test_edge_labels_do_not_overlap_each_other_or_the_states():
    root = ET.fromstring(to_svg(_case_workflow(), engine="python"))  # noqa: S314
    boxes = _drawn_boxes(root)
    labels = [box[1:] for box in boxes if box[0] == "label"]
    states = [box[1:] for box in boxes if box[0] == "rect"]
    assert len(labels) == len(root.findall(f".//{SVG}polyline"))
    for i, a in enumerate(labels):
        for b in labels[i + 1 :] + states:
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (a, b)


def test_a_transition_from_many_states_is_drawn_once_from_an_any_state_node():
    """Withdrawal is possible from every open state: one edge, not one per state."""
    workflow = _case_workflow()
    root = ET.fromstring(to_svg(workflow, engine="python"))  # noqa: S314
    edges = [g.get("data-transition") for g in root.iter(f"{SVG}g") if g.get("data-transition")]
    assert edges.count("withdraw") == 1 and edges.count("forward") == 1
    assert edges.count("refuse") == len(workflow.transitions["refuse"].sources)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "state-group"]
    assert len(groups) == 1
    tooltip = groups[0].find(f"{SVG}title").text
    assert str(workflow.states["received"].title) in tooltip
    assert str(workflow.states["refused"].title) not in tooltip


def test_a_group_of_some_open_states_is_named_by_its_count():
    from workflows import State, Transition, Workflow

    states = [State(name, name.upper()) for name in "abcde"] + [State("z", "Z", final=True)]
    transitions = [
        Transition(f"{a}{b}", f"{a}->{b}", (a,), b, frozenset())
        for a, b in zip("abcd", "bcde", strict=True)
    ]
    transitions.append(Transition("stop", "Stop", tuple("abcd"), "z", frozenset()))
    wf = Workflow(name="g", title="G", states=states, transitions=transitions, initial="a")
    with translation.override("en"):
        root = ET.fromstring(to_svg(wf, engine="python"))  # noqa: S314
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "state-group")
    assert group.find(f"{SVG}text").text == "Any of 4 states"
    assert group.find(f"{SVG}title").text == "A, B, C, D"
