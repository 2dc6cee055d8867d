"""Diagrams are generated from the declaration, with or without Graphviz installed."""

import shutil
import xml.etree.ElementTree as ET

import pytest

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
