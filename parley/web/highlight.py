"""Article text as HTML with its annotations (statements, speakers, cues, evidence) highlighted.

The text is inert: every piece of it is escaped (``markupsafe.escape``) between annotation
boundaries, and the only markup added is ``<span>`` elements whose attributes parley writes.

Annotations may overlap (a speaker named in the sentence after the statement, evidence crossing a
sentence end). HTML elements must nest, so the text is cut at every boundary and, for each piece,
the annotations covering it are opened outermost first (earlier start, then later end); where an
annotation has to close early because an outer one ends inside it, it is reopened as a further
piece. Every piece carries ``data-span="START-END"``; the first piece of a targetable annotation
also has ``id="span-START-END"``, so a link to ``#span-START-END`` lands on it (CSS ``:target``)
and the page script highlights all its pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

#: Nesting order of annotations that cover the same stretch: statements outside, evidence inside.
_LAYER = {"statement": 0, "evidence": 1, "speaker": 2, "cue": 3}


@dataclass(frozen=True)
class Mark:
    """One annotation: ``kind`` is statement, evidence, speaker or cue; ``classes`` extra CSS classes."""

    start: int
    end: int
    kind: str
    classes: str = ""
    title: str = ""
    target: bool = False  # gets the id ``span-START-END`` links point at

    @property
    def span(self) -> str:
        return f"{self.start}-{self.end}"

    def order(self) -> tuple[int, int, int, str, str]:
        return (self.start, -self.end, _LAYER.get(self.kind, 9), self.classes, self.title)


def anchor(start: int, end: int) -> str:
    """The fragment id of a span of an article's text."""
    return f"span-{start}-{end}"


def render(text: str, marks: list[Mark]) -> Markup:
    """``text`` escaped, with ``marks`` as nested ``<span>`` elements (see the module docstring)."""
    size = len(text)
    kept = sorted(
        {m for m in marks if 0 <= m.start < m.end <= size},
        key=Mark.order,
    )
    cuts = sorted({0, size, *(m.start for m in kept), *(m.end for m in kept)})
    starting: dict[int, list[Mark]] = {}
    for mark in kept:
        starting.setdefault(mark.start, []).append(mark)
    ids_given: set[str] = set()
    out: list[str] = []
    stack: list[Mark] = []
    active: list[Mark] = []  # the marks covering the piece from ``left`` to the next cut, outermost first
    for left, right in zip(cuts, cuts[1:], strict=False):
        active = [m for m in active if m.end > left]
        if left in starting:
            active = sorted(active + starting[left], key=Mark.order)
        same = 0
        while same < min(len(stack), len(active)) and stack[same] == active[same]:
            same += 1
        out.extend("</span>" for _ in stack[same:])
        for mark in active[same:]:
            out.append(_open(mark, ids_given))
        stack = active
        out.append(str(escape(text[left:right])))
    out.extend("</span>" for _ in stack)
    return Markup("".join(out))


def _open(mark: Mark, ids_given: set[str]) -> str:
    attrs = [f'class="{escape(" ".join(filter(None, ["mark", f"mark-{mark.kind}", mark.classes])))}"']
    attrs.append(f'data-span="{mark.span}"')
    if mark.target and mark.span not in ids_given:
        ids_given.add(mark.span)
        attrs.append(f'id="{anchor(mark.start, mark.end)}"')
    if mark.title:
        attrs.append(f'title="{escape(mark.title)}"')
    return f"<span {' '.join(attrs)}>"
