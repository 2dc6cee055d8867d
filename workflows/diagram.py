"""Workflow diagrams generated from the declaration: Graphviz DOT text and SVG.

:func:`to_svg` uses the ``dot`` program when it is installed and otherwise lays the graph out
in pure Python (grandalf's Sugiyama layout) and writes the SVG itself, so the back office
shows a diagram on machines without Graphviz.
"""

from __future__ import annotations

import shutil
import subprocess
from html import escape
from typing import Literal

from .engine import Workflow

__all__ = ["to_dot", "to_svg"]

_NODE_H = 36
_CHAR_W = 7.2
_PAD = 24


def _dot_quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(workflow: Workflow) -> str:
    """The workflow as a Graphviz digraph: states as nodes, transitions as labelled edges."""
    lines = [
        f"digraph {_dot_quote(workflow.name)} {{",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="sans-serif"];',
        '  edge [fontname="sans-serif", fontsize=10];',
    ]
    for state in workflow.states.values():
        attrs = [f"label={_dot_quote(state.title)}"]
        if state.name == workflow.initial:
            attrs.append('fillcolor="#e3f2fd"')
        if state.final:
            attrs.append("peripheries=2")
        lines.append(f"  {_dot_quote(state.name)} [{', '.join(attrs)}];")
    for t in workflow.transitions.values():
        for source in t.sources:
            lines.append(
                f"  {_dot_quote(source)} -> {_dot_quote(t.target)} [label={_dot_quote(t.title)}];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(workflow: Workflow, *, engine: Literal["auto", "dot", "python"] = "auto") -> str:
    """The diagram as an SVG document (a string to embed in a page)."""
    dot = shutil.which("dot") if engine in ("auto", "dot") else None
    if dot:
        result = subprocess.run(  # noqa: S603 - fixed program, our own DOT text on stdin
            [dot, "-Tsvg"], input=to_dot(workflow), capture_output=True, text=True, check=True
        )
        return result.stdout
    if engine == "dot":
        raise RuntimeError("Graphviz 'dot' is not installed")
    return _python_svg(workflow)


class _Box:
    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy = (0.0, 0.0)


class _EdgePath:
    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points) -> None:
        self.points = [tuple(p) for p in points]


def _python_svg(workflow: Workflow) -> str:
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    vertices = {}
    for state in workflow.states.values():
        vertex = Vertex(state.name)
        vertex.view = _Box(len(str(state.title)) * _CHAR_W + 2 * 12, _NODE_H)
        vertices[state.name] = vertex
    edges = []
    for t in workflow.transitions.values():
        for source in t.sources:
            if source == t.target:
                continue
            edge = Edge(vertices[source], vertices[t.target], data=t)
            edge.view = _EdgePath()
            edges.append(edge)
    graph = Graph(list(vertices.values()), edges)
    for component in graph.C:
        layout = SugiyamaLayout(component)
        layout.yspace = 70
        layout.xspace = 40
        roots = [vertices[workflow.initial]] if vertices[workflow.initial] in component.sV else []
        layout.init_all(roots=roots or None)
        layout.draw()
        # Edges reversed to break cycles are drawn target-first; keep their real direction.
        for edge in component.sE:
            if not edge.view.points:
                a, b = edge.v[0].view.xy, edge.v[1].view.xy
                edge.view.points = [a, b]

    # Place the components side by side.
    offset_x = 0.0
    min_y = 0.0
    for component in graph.C:
        xs = [v.view.xy[0] - v.view.w / 2 for v in component.sV]
        shift = offset_x - min(xs)
        for v in component.sV:
            v.view.xy = (v.view.xy[0] + shift, v.view.xy[1])
        for e in component.sE:
            e.view.points = [(x + shift, y) for x, y in e.view.points]
        offset_x = max(v.view.xy[0] + v.view.w / 2 for v in component.sV) + 60
        min_y = min(min_y, min(v.view.xy[1] - v.view.h / 2 for v in component.sV))

    all_v = list(vertices.values())
    max_x = max(v.view.xy[0] + v.view.w / 2 for v in all_v)
    max_y = max(v.view.xy[1] + v.view.h / 2 for v in all_v)
    dx, dy = _PAD, _PAD - min_y
    width, height = max_x + 2 * _PAD, max_y - min_y + 2 * _PAD

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-label="{escape(str(workflow.title))}" class="workflow-diagram">',
        f"<title>{escape(str(workflow.title))}</title>",
        '<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>',
        '<g font-family="sans-serif" font-size="11">',
    ]
    for edge in edges:
        t = edge.data
        source, target = edge.v[0], edge.v[1]
        points = list(edge.view.points)
        if points and _dist(points[0], target.view.xy) < _dist(points[0], source.view.xy):
            points.reverse()
        points[0] = _clip(points[0], points[1] if len(points) > 1 else target.view.xy, source)
        points[-1] = _clip(points[-1], points[-2] if len(points) > 1 else source.view.xy, target)
        path = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for x, y in points)
        mid = points[len(points) // 2] if len(points) > 2 else _midpoint(points[0], points[-1])
        out.append(
            f'<g class="transition" data-transition="{escape(t.name)}">'
            f'<polyline points="{path}" fill="none" stroke="#444" marker-end="url(#wf-arrow)"/>'
            f'<text x="{mid[0] + dx + 4:.1f}" y="{mid[1] + dy - 3:.1f}" fill="#333">'
            f"{escape(str(t.title))}</text></g>"
        )
    for state in workflow.states.values():
        v = vertices[state.name]
        x, y = v.view.xy[0] - v.view.w / 2 + dx, v.view.xy[1] - v.view.h / 2 + dy
        fill = "#e3f2fd" if state.name == workflow.initial else "#ffffff"
        stroke_width = 3 if state.final else 1.2
        out.append(
            f'<g class="state{" final" if state.final else ""}" data-state="{escape(state.name)}">'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{v.view.w:.1f}" height="{v.view.h:.1f}" '
            f'rx="8" fill="{fill}" stroke="#222" stroke-width="{stroke_width}"/>'
            f'<text x="{v.view.xy[0] + dx:.1f}" y="{v.view.xy[1] + dy + 4:.1f}" '
            f'text-anchor="middle" font-size="12">{escape(str(state.title))}</text></g>'
        )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _dist(a, b) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def _midpoint(a, b) -> tuple[float, float]:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _clip(point, towards, vertex) -> tuple[float, float]:
    """Move an end point from a box's centre to its border, along the edge."""
    cx, cy = vertex.view.xy
    if _dist(point, (cx, cy)) > 1:
        return point
    hx, hy = vertex.view.w / 2, vertex.view.h / 2
    vx, vy = towards[0] - cx, towards[1] - cy
    if vx == 0 and vy == 0:
        return point
    scale = min(hx / abs(vx) if vx else float("inf"), hy / abs(vy) if vy else float("inf"))
    return (cx + vx * scale, cy + vy * scale)
