"""Workflow diagrams generated from the declaration: Graphviz DOT text and SVG.

:func:`to_svg` uses the ``dot`` program when it is installed and otherwise lays the graph out
in pure Python (grandalf's Sugiyama layout) and writes the SVG itself, so the back office
shows a diagram on machines without Graphviz. There a transition possible from many states
(withdrawal from every open state) is drawn once, from an "any open state" node, and the
drawing's box is taken from everything drawn: boxes, bent edges and their labels.
"""

from __future__ import annotations

import shutil
import subprocess
from html import escape
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .engine import Workflow

__all__ = ["state_label", "to_dot", "to_svg", "transition_label"]

_NODE_H = 36
_CHAR_W = 7.2
#: Width of one character of an edge label (11 px sans-serif), a generous estimate.
_LABEL_CHAR_W = 6.4
_PAD = 24
#: A transition from this many states or more is drawn once, from an "any of" node.
_GROUP_MIN_SOURCES = 4
_GROUP_PREFIX = "__any_of_"
#: Unconnected parts of the graph go side by side up to this width, then on a new row.
_MAX_ROW_WIDTH = 960
_COMPONENT_GAP = 60


def _dot_quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def state_label(workflow: Workflow, name: str) -> str:
    """A state's title; a state that opens participations of other authorities says so."""
    state = workflow.states[name]
    if state.opens_participations:
        return _("%(state)s (asks other authorities)") % {"state": state.title}
    return str(state.title)


def transition_label(transition) -> str:
    if transition.opens_participations:
        return _("%(step)s (asks other authorities)") % {"step": transition.title}
    return str(transition.title)


def to_dot(workflow: Workflow) -> str:
    """The workflow as a Graphviz digraph: states as nodes, transitions as labelled edges."""
    lines = [
        f"digraph {_dot_quote(workflow.name)} {{",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="sans-serif"];',
        '  edge [fontname="sans-serif", fontsize=10];',
    ]
    for state in workflow.states.values():
        attrs = [f"label={_dot_quote(state_label(workflow, state.name))}"]
        if state.name == workflow.initial:
            attrs.append('fillcolor="#e3f2fd"')
        if state.final:
            attrs.append("peripheries=2")
        lines.append(f"  {_dot_quote(state.name)} [{', '.join(attrs)}];")
    for t in workflow.transitions.values():
        label = _dot_quote(transition_label(t))
        for source in t.sources:
            lines.append(f"  {_dot_quote(source)} -> {_dot_quote(t.target)} [label={label}];")
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


class _Group:
    """A stand-in node for "any of these states" (e.g. withdrawal from every open state)."""

    def __init__(self, key: str, sources: frozenset[str], workflow: Workflow) -> None:
        self.name = key
        self.sources = sources
        open_states = {s.name for s in workflow.states.values() if not s.final}
        if sources == open_states:
            self.title = _("Any open state")
        else:
            self.title = ngettext(
                "Any of %(count)d state", "Any of %(count)d states", len(sources)
            ) % {"count": len(sources)}
        self.tooltip = ", ".join(
            str(workflow.states[name].title) for name in workflow.states if name in sources
        )


def _edge_specs(workflow: Workflow) -> tuple[list, dict[str, _Group]]:
    """``(source, target, transition)`` per drawn edge; many-source transitions share a group."""
    groups: dict[frozenset[str], _Group] = {}
    specs = []
    for t in workflow.transitions.values():
        sources = [source for source in t.sources if source != t.target]
        if len(sources) >= _GROUP_MIN_SOURCES:
            key = frozenset(sources)
            if key not in groups:
                groups[key] = _Group(f"{_GROUP_PREFIX}{len(groups)}", key, workflow)
            specs.append((groups[key].name, t.target, t))
        else:
            specs.extend((source, t.target, t) for source in sources)
    return specs, {group.name: group for group in groups.values()}


def _layout(layout_class, component):
    layout = layout_class(component)
    layout.yspace = 70
    layout.xspace = 40
    return layout


def _back_edges(component, roots) -> list:
    """Edges that close a cycle in a depth-first walk (from ``roots`` first): turned round,
    the graph has no cycle left."""
    seen, on_path, back = set(), set(), []
    order = list(roots) + [v for v in component.sV if v not in roots]
    for start in order:
        if start in seen:
            continue
        seen.add(start)
        on_path.add(start)
        stack = [(start, iter(start.e_out()))]
        while stack:
            vertex, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                on_path.discard(vertex)
                stack.pop()
                continue
            target = edge.v[1]
            if target in on_path:
                back.append(edge)
            elif target not in seen:
                seen.add(target)
                on_path.add(target)
                stack.append((target, iter(target.e_out())))
    return back


def _python_svg(workflow: Workflow) -> str:
    from grandalf.graphs import Edge, Vertex, graph_core
    from grandalf.layouts import SugiyamaLayout

    specs, groups = _edge_specs(workflow)
    titles = {name: state_label(workflow, name) for name in workflow.states}
    titles.update({name: str(group.title) for name, group in groups.items()})
    vertices = {}
    for name, title in titles.items():
        vertex = Vertex(name)
        vertex.view = _Box(len(title) * _CHAR_W + 2 * 12, _NODE_H)
        vertices[name] = vertex
    edges = []
    for source, target, t in specs:
        edge = Edge(vertices[source], vertices[target], data=t)
        edge.view = _EdgePath()
        edges.append(edge)
    components = _components(vertices, edges, graph_core)
    for component in components:
        roots = [vertices[workflow.initial]] if vertices[workflow.initial] in component.sV else []
        layout = _layout(SugiyamaLayout, component)
        try:
            layout.init_all(roots=roots or None)
        except TypeError:
            layout._edge_inverter()  # it failed half-way: turn its inverted edges back first
            # grandalf's own cycle breaking leaves some graphs with nested loops (documents
            # requested and back, a hearing and back, from several states) unranked: break
            # the cycles here, by the back edges of a depth-first walk from the initial state.
            back = _back_edges(component, roots)
            turned = set(map(id, back))
            sources = [
                v
                for v in component.sV
                if not any(id(e) not in turned for e in v.e_in())
                and not any(id(e) in turned for e in v.e_out())
            ]
            layout = _layout(SugiyamaLayout, component)
            layout.init_all(roots=sources, inverted_edges=back)
        layout.draw()
        # Edges reversed to break cycles are drawn target-first; keep their real direction.
        for edge in component.sE:
            if not edge.view.points:
                a, b = edge.v[0].view.xy, edge.v[1].view.xy
                edge.view.points = [a, b]

    # Place the components side by side, in rows no wider than a page, by everything they
    # draw (edges bend around boxes).
    offset_x = row_top = row_bottom = 0.0
    for component in components:
        left, top, right, bottom = _bounds(
            [_box_corners(v) for v in component.sV]
            + [e.view.points for e in component.sE if e.view.points]
        )
        if offset_x and offset_x + right - left > _MAX_ROW_WIDTH:
            offset_x, row_top = 0.0, row_bottom + _COMPONENT_GAP
        shift_x, shift_y = offset_x - left, row_top - top
        for v in component.sV:
            v.view.xy = (v.view.xy[0] + shift_x, v.view.xy[1] + shift_y)
        for e in component.sE:
            e.view.points = [(x + shift_x, y + shift_y) for x, y in e.view.points]
        offset_x = right + shift_x + _COMPONENT_GAP
        row_bottom = max(row_bottom, bottom + shift_y)

    # Opposite edges drawn as straight lines would share one line.
    straight = {(e.v[0].data, e.v[1].data) for e in edges if len(e.view.points) <= 2}
    drawn = []
    node_boxes = [_flat(_box_corners(v)) for v in vertices.values()]
    placed: list[tuple[float, float, float, float]] = []
    for edge in edges:
        source, target = edge.v[0], edge.v[1]
        points = list(edge.view.points)
        if points and _dist(points[0], target.view.xy) < _dist(points[0], source.view.xy):
            points.reverse()
        points[0] = _clip(points[0], points[1] if len(points) > 1 else target.view.xy, source)
        points[-1] = _clip(points[-1], points[-2] if len(points) > 1 else source.view.xy, target)
        # Of a straight pair of opposite edges, each is moved to its own side.
        side = int(len(points) == 2 and (target.data, source.data) in straight)
        if side:
            points = _offset(points, 5)
        label = transition_label(edge.data)
        anchor, at, box = _place_label(points, side, label, placed + node_boxes)
        placed.append(box)
        drawn.append((edge, points, label, anchor, at, box))

    boxes = [_box_corners(v) for v in vertices.values()]
    left, top, right, bottom = _bounds(
        boxes + [points for _e, points, *_rest in drawn] + [[b[:2], b[2:]] for *_r, b in drawn]
    )
    dx, dy = _PAD - left, _PAD - top
    width, height = right - left + 2 * _PAD, bottom - top + 2 * _PAD

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
    for edge, points, _label, _anchor, _at, _box in drawn:
        path = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for x, y in points)
        out.append(
            f'<g class="transition" data-transition="{escape(edge.data.name)}">'
            f'<polyline points="{path}" fill="none" stroke="#444" marker-end="url(#wf-arrow)"/>'
            "</g>"
        )
    # Labels after all lines, with a halo, so no line runs through a label.
    for edge, _points, label, anchor, (lx, ly), _box in drawn:
        out.append(
            f'<text x="{lx + dx:.1f}" y="{ly + dy:.1f}" text-anchor="{anchor}" fill="#333" '
            'stroke="#fff" stroke-width="3" paint-order="stroke" '
            f'data-label-of="{escape(edge.data.name)}">{escape(label)}</text>'
        )
    for name, title in titles.items():
        v = vertices[name]
        x, y = v.view.xy[0] - v.view.w / 2 + dx, v.view.xy[1] - v.view.h / 2 + dy
        group = groups.get(name)
        text = (
            f'<text x="{v.view.xy[0] + dx:.1f}" y="{v.view.xy[1] + dy + 4:.1f}" '
            f'text-anchor="middle" font-size="12">{escape(title)}</text>'
        )
        if group is not None:
            out.append(
                f'<g class="state-group"><title>{escape(group.tooltip)}</title>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{v.view.w:.1f}" height="{v.view.h:.1f}" '
                'rx="8" fill="#f5f5f5" stroke="#666" stroke-dasharray="5 3"/>'
                f"{text}</g>"
            )
            continue
        state = workflow.states[name]
        fill = "#e3f2fd" if name == workflow.initial else "#ffffff"
        stroke_width = 3 if state.final else 1.2
        out.append(
            f'<g class="state{" final" if state.final else ""}" data-state="{escape(name)}">'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{v.view.w:.1f}" height="{v.view.h:.1f}" '
            f'rx="8" fill="{fill}" stroke="#222" stroke-width="{stroke_width}"/>'
            f"{text}</g>"
        )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _components(vertices: dict, edges: list, graph_core) -> list:
    """The connected parts of the graph, each a grandalf ``graph_core``, in declaration order.

    grandalf's own ``Graph`` collects a part's edges in a ``set``, so the layout would change
    from one process to the next; vertices and edges are given here in a fixed order.
    """
    part = {name: name for name in vertices}

    def root(name: str) -> str:
        while part[name] != name:
            name = part[name]
        return name

    for edge in edges:
        part[root(edge.v[1].data)] = root(edge.v[0].data)
    members: dict[str, list] = {}
    for name, vertex in vertices.items():
        members.setdefault(root(name), []).append(vertex)
    return [
        graph_core(group, [e for e in edges if root(e.v[0].data) == key])
        for key, group in members.items()
    ]


def _box_corners(v) -> list[tuple[float, float]]:
    x, y = v.view.xy
    return [(x - v.view.w / 2, y - v.view.h / 2), (x + v.view.w / 2, y + v.view.h / 2)]


def _bounds(point_lists) -> tuple[float, float, float, float]:
    xs = [x for points in point_lists for x, _y in points]
    ys = [y for points in point_lists for _x, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _offset(points, distance: float) -> list[tuple[float, float]]:
    """The polyline moved sideways (to the right of its direction) by ``distance``."""
    (x0, y0), (x1, y1) = points[0], points[-1]
    length = _dist((x0, y0), (x1, y1)) or 1.0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    return [(x + nx * distance, y + ny * distance) for x, y in points]


def _flat(corners) -> tuple[float, float, float, float]:
    (x0, y0), (x1, y1) = corners
    return (x0, y0, x1, y1)


def _overlaps(a, b, margin: float = 2) -> bool:
    return (
        a[0] < b[2] + margin
        and b[0] < a[2] + margin
        and a[1] < b[3] + margin
        and b[1] < a[3] + margin
    )


def _label_candidates(points, side: int):
    """Where an edge's label may go, best first: beside its longest segment's middle, then
    elsewhere along it. One of a straight pair of opposite edges keeps to its own side."""
    segments = sorted(
        zip(points, points[1:], strict=False), key=lambda seg: _dist(*seg), reverse=True
    )
    for a, b in segments:
        for t in (0.3, 0.2, 0.4) if side else (0.5, 0.35, 0.65, 0.2, 0.8):
            x, y = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
            if side:
                right = (a[1] - b[1]) >= 0
                yield ("start", (x + 6, y + 4)) if right else ("end", (x - 6, y + 4))
                continue
            # Beside the line, on the side it comes from: labels of edges fanning out move apart.
            left = b[0] < a[0] - 1
            yield ("end", (x - 4, y - 3)) if left else ("start", (x + 4, y - 3))
            yield ("start", (x + 4, y + 12)) if left else ("end", (x - 4, y + 12))


def _place_label(points, side: int, label: str, taken):
    """The first candidate position whose text box hits no other label and no state box."""
    width = len(label) * _LABEL_CHAR_W
    first = None
    for anchor, (x, y) in _label_candidates(points, side):
        x0 = x - width if anchor == "end" else x
        box = (x0, y - 11, x0 + width, y + 3)
        if first is None:
            first = (anchor, (x, y), box)
        if not any(_overlaps(box, other) for other in taken):
            return anchor, (x, y), box
    return first


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
