"""The records model: what parley finds in one article (format ``parley-records/1``).

This module imports nothing of parley's own: every other layer depends on it, never the reverse.
Records are plain dataclasses; ``Records.to_dict``/``Records.from_dict`` convert to and from the
JSON interchange format described in ``shared/spec/RECORDS.md``. Fields beyond the spec
(``speaker_span``, ``cue_span``, ``hedged``, ``when``, ``statement``...) are extensions the scorer
ignores and the store, the board and the web page use.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FORMAT = "parley-records/1"

Span = tuple[int, int]

#: The closed list of negotiation issues (spec: "Issues").
ISSUES: tuple[str, ...] = (
    "ceasefire",
    "energy_infrastructure",
    "maritime",
    "territory",
    "alliance_membership",
    "sanctions",
    "military_aid",
    "mediation",
    "prisoners",
    "humanitarian",
    "troop_withdrawal",
    "security_guarantees",
    "disarmament",
    "political_settlement",
    "reconstruction",
    "other",
)

#: Record kinds other than statements, in the order of the format.
RECORD_KINDS: tuple[str, ...] = ("commitments", "proposals", "positions", "threats", "violations", "meetings")
KINDS: tuple[str, ...] = ("statements", *RECORD_KINDS)


#: Code points no stored text may hold, each replaced by U+FFFD: lone surrogates (JSON "\\ud800",
#: HTML "&#55296;") cannot be encoded as UTF-8 at all, NUL cannot be stored in PostgreSQL, and the
#: other C0 controls (ESC, backspace...) would act on a terminal that prints the text. Tab, the line
#: breaks, vertical tab and form feed stay: they are text.
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def safe_text(text: str) -> str:
    """``text`` with every unsafe code point replaced by U+FFFD, one for one: the length and every
    offset stay the same, so records index the stored text exactly."""
    return _UNSAFE.sub(REPLACEMENT, text) if _UNSAFE.search(text) else text


@dataclass
class Article:
    """An article as it enters parley: its text and what is known about it.

    Every text field is made safe on creation (:func:`safe_text`), whoever builds the article (a
    reader, the web API, ``parley.extract``): this is the one edge all input passes.
    """

    text: str
    source: str  # where it came from (a path, a URL, "stdin", "batch.jsonl#12"), for messages
    id: str | None = None  # a stable id; defaults to the file stem or a hash of the text
    published: str | None = None  # ISO date
    outlet: str | None = None  # "outlet:slug"
    url: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        for name in ("text", "source", "id", "published", "outlet", "url", "title"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, safe_text(value))


@dataclass
class Document:
    """The article a set of records was read from."""

    id: str
    published: str | None = None  # ISO date of publication, when known
    outlet: str | None = None  # "outlet:slug" of the publisher, when known
    url: str | None = None
    title: str | None = None


@dataclass
class Statement:
    """A piece of reported speech or an attributed claim, with who said it and through whom."""

    span: Span
    speaker: str  # actor id: "USA", "person:marco-rubio", "outlet:axios", "anon:europe", "anon"
    via: list[str] = field(default_factory=list)  # channels, nearest last: ["outlet:axios"]
    direct: bool = False  # the speaker's own words in quotation marks
    hedged: bool = False  # presented as belief or uncertainty
    speaker_span: Span | None = None  # the mention of the speaker ("he", "three European diplomats")
    cue_span: Span | None = None  # the attribution cue ("said", "according to", "told Axios")
    party: str | None = None  # the state or group the speaker acts for


@dataclass
class Commitment:
    """A party's undertaking to do or refrain from something."""

    party: str
    issue: str
    text: str
    conditional: bool = False
    condition_issue: str | None = None
    duration_days: int | None = None
    negated: bool = False  # an undertaking to refrain ("not attack energy facilities")
    evidence: list[Span] = field(default_factory=list)
    statement: int | None = None  # index of the supporting statement, if reported speech
    when: str | None = None  # the time expression attached to it, as written ("on March 18")


@dataclass
class Proposal:
    """One term of a proposed deal or plan."""

    proposer: str
    issue: str
    text: str
    evidence: list[Span] = field(default_factory=list)
    statement: int | None = None
    when: str | None = None


@dataclass
class Position:
    """A party's stated stance, demand or refusal on an issue."""

    party: str
    issue: str
    text: str
    red_line: bool = False
    evidence: list[Span] = field(default_factory=list)
    statement: int | None = None
    when: str | None = None


@dataclass
class Threat:
    """A warning or ultimatum: what the actor will do if a condition is (not) met."""

    actor: str
    issue: str
    text: str
    target: list[str] = field(default_factory=list)
    has_deadline: bool = False
    deadline: str | None = None  # the deadline as written ("in a few days", "by Friday")
    evidence: list[Span] = field(default_factory=list)
    statement: int | None = None
    when: str | None = None


@dataclass
class Violation:
    """An accusation or acknowledgement that a party broke a commitment."""

    accused: str
    issue: str
    text: str
    accuser: str | None = None
    evidence: list[Span] = field(default_factory=list)
    statement: int | None = None
    when: str | None = None


@dataclass
class Meeting:
    """A reported meeting or round of talks."""

    place: str | None
    date: str | None  # "2025-04-17", or "--04-17" when the year is unknown
    participants: list[str] = field(default_factory=list)
    text: str = ""
    evidence: list[Span] = field(default_factory=list)
    when: str | None = None


RECORD_TYPES: dict[str, type] = {
    "statements": Statement,
    "commitments": Commitment,
    "proposals": Proposal,
    "positions": Position,
    "threats": Threat,
    "violations": Violation,
    "meetings": Meeting,
}


@dataclass
class Records:
    """Everything parley found in one article."""

    document: Document
    statements: list[Statement] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    threats: list[Threat] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)

    def count(self) -> int:
        """Number of records of all kinds, statements included."""
        return sum(len(getattr(self, kind)) for kind in KINDS)

    def to_dict(self) -> dict[str, Any]:
        """The ``parley-records/1`` JSON object."""
        out: dict[str, Any] = {"format": FORMAT, "document": asdict(self.document)}
        for kind in KINDS:
            out[kind] = [_record_to_dict(r) for r in getattr(self, kind)]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Records:
        """Read a ``parley-records/1`` object; unknown fields are ignored, missing ones default."""
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"unsupported records format {data.get('format')!r}, expected {FORMAT!r}")
        doc = data.get("document") or {}
        document = Document(**{f.name: doc.get(f.name) for f in fields(Document) if f.name in doc})
        kwargs: dict[str, Any] = {}
        for kind, typ in RECORD_TYPES.items():
            kwargs[kind] = [_record_from_dict(typ, r) for r in data.get(kind) or []]
        return cls(document=document, **kwargs)


def _record_to_dict(record: Any) -> dict[str, Any]:
    d = asdict(record)
    for key, value in d.items():
        if isinstance(value, tuple):
            d[key] = list(value)
        elif key == "evidence":
            d[key] = [list(s) for s in value]
    return d


def _record_from_dict(typ: type, raw: dict[str, Any]) -> Any:
    names = {f.name for f in fields(typ)}
    kwargs = {k: v for k, v in raw.items() if k in names}
    for key in ("span", "speaker_span", "cue_span"):
        if kwargs.get(key) is not None:
            kwargs[key] = tuple(kwargs[key])
    if "evidence" in kwargs:
        kwargs["evidence"] = [tuple(s) for s in kwargs["evidence"] or []]
    for key, value in list(kwargs.items()):
        if isinstance(value, list) and value and key in ("issue", "condition_issue"):
            kwargs[key] = value[0]  # gold files may list alternatives; a record names one
    return typ(**kwargs)
