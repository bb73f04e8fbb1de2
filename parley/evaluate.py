"""The records scorer: ``parley-records/1`` predictions against gold annotations.

The rules are those of ``shared/spec/RECORDS.md`` and the numbers are exactly those of the reference
scorer ``shared/eval/score.py`` (same algorithm, same order of floating-point sums, same rounding):

- each kind is a set of keys; a prediction key found twice in one article counts once;
- predictions pair with required gold records first and then with optional ones, each by a
  maximum matching (so the order of records never matters); a gold record marked ``optional``
  neither helps nor hurts;
- a leftover prediction that still matches some gold record (a statement split finer than the
  gold, a second alternative) is ignored; any other leftover is a false positive;
- a gold ``issue`` may list alternatives; a prediction names one (from a list, its first);
- person speakers also match by surname, one letter of spelling apart, when the given names agree
  as far as written or are themselves one letter apart (transliterations);
- attributes (``direct``, ``via``, ``conditional``...) are scored on matched pairs only.

Standard library only: the scorer must run wherever records do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.errors import InputError
from parley.records import KINDS

Record = dict[str, Any]

#: The fields that make two records of a kind "the same" (statements and meetings have their own rules).
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "commitments": ("party", "issue"),
    "proposals": ("proposer", "issue"),
    "positions": ("party", "issue"),
    "threats": ("actor", "issue"),
    "violations": ("accused", "issue"),
}

#: Attributes scored on matched pairs, per kind.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "statements": ("direct", "via"),
    "commitments": ("conditional", "condition_issue"),
    "positions": ("red_line",),
    "threats": ("has_deadline",),
    "meetings": ("participants",),
}

# Surnames shorter than this must be spelt exactly to match.
_MIN_FUZZY_SURNAME = 5
# A predicted statement matches a gold one when they overlap by at least this share of the shorter.
_MIN_SPAN_OVERLAP = 0.5


@dataclass
class Tally:
    """Counts of one kind: true/false positives, misses, and per-attribute (sum of scores, pairs)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    attributes: dict[str, list[float]] = field(default_factory=dict)  # name -> [score sum, pairs]

    @classmethod
    def for_kind(cls, kind: str) -> Tally:
        """An empty tally with a slot for each attribute scored on ``kind``."""
        return cls(attributes={name: [0.0, 0] for name in ATTRIBUTES.get(kind, ())})

    def add(self, other: Tally) -> None:
        """Add ``other``'s counts (attribute sums are added per article, as the reference does)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        for name, (total, pairs) in other.attributes.items():
            self.attributes[name][0] += total
            self.attributes[name][1] += pairs


# -- what "the same record" means -------------------------------------------------------------


def _alternatives(value: Any) -> set[str]:
    """A gold value's acceptable values: each item of a list, else the value itself."""
    return {str(x) for x in value} if isinstance(value, list) else {str(value)}


def _first(value: Any) -> str:
    """A prediction names one value; from a list only the first counts (alternatives are gold-only)."""
    return str(value[0]) if isinstance(value, list) and value else str(value)


def meeting_key(record: Record) -> tuple[str, str]:
    """A meeting's key: lower-cased place, and month and day of the date (the year may be unknown)."""
    date = str(record.get("date") or "")
    return (str(record.get("place") or "").strip().lower(), date[-5:] if len(date) >= 5 else date)


def span_overlap(a: Sequence[int], b: Sequence[int]) -> float:
    """The overlap of two spans as a share of the shorter one."""
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    shorter = max(1, min(a[1] - a[0], b[1] - b[0]))
    return max(0, hi - lo) / shorter


def _near(a: str, b: str) -> bool:
    """Equal, or one letter apart (inserted, dropped or changed): zelensky ~ zelenskyy."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < _MIN_FUZZY_SURNAME:
        return False
    if len(a) > len(b):
        a, b = b, a
    dropped = any(a == b[:i] + b[i + 1 :] for i in range(len(b)))
    changed = len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1
    return dropped or changed


def same_speaker(gold: Any, pred: Any) -> bool:
    """Speaker ids match; two people also match by surname when the given names agree as far as
    written or are one letter apart (``person:s-jaishankar`` ~ ``person:subrahmanyam-jaishankar``,
    ``person:dmitry-peskov`` ~ ``person:dmitriy-peskov``)."""
    if gold == pred:
        return True
    if not (isinstance(gold, str) and isinstance(pred, str)):
        return False
    if not (gold.startswith("person:") and pred.startswith("person:")):
        return False
    gold_names, pred_names = gold[len("person:") :].split("-"), pred[len("person:") :].split("-")
    if not _near(gold_names[-1], pred_names[-1]):
        return False
    if len(gold_names) > 1 and len(pred_names) > 1:
        gold_given, pred_given = gold_names[0], pred_names[0]
        return (
            gold_given.startswith(pred_given)
            or pred_given.startswith(gold_given)
            or _near(gold_given, pred_given)
        )
    return True


def matches(kind: str, gold: Record, pred: Record) -> bool:
    """True when ``pred`` is the same record as ``gold`` under the rules of ``kind``."""
    if kind == "statements":
        return (
            same_speaker(gold.get("speaker"), pred.get("speaker"))
            and span_overlap(gold["span"], pred["span"]) >= _MIN_SPAN_OVERLAP
        )
    if kind == "meetings":
        return meeting_key(gold) == meeting_key(pred)
    return all(_first(pred.get(f)) in _alternatives(gold.get(f)) for f in KEY_FIELDS[kind])


def attribute_score(name: str, gold: Record, pred: Record) -> float:
    """How well a matched prediction's attribute agrees: Jaccard for participants, else 0 or 1."""
    gold_value, pred_value = gold.get(name), pred.get(name)
    if name == "participants":
        gold_set, pred_set = set(gold_value or []), set(pred_value or [])
        return len(gold_set & pred_set) / max(1, len(gold_set | pred_set))
    if name == "via":
        return float(set(gold_value or []) == set(pred_value or []))
    return float(gold_value == pred_value)


def dedupe(kind: str, records: Sequence[Record]) -> list[Record]:
    """The records with each key once, first found kept (statements are all kept)."""
    if kind == "statements":
        return list(records)
    seen: set[tuple[str, ...]] = set()
    out = []
    for record in records:
        key = (
            meeting_key(record) if kind == "meetings" else tuple(str(record.get(f)) for f in KEY_FIELDS[kind])
        )
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


# -- scoring ----------------------------------------------------------------------------------


def max_matching(
    preds: Sequence[Record], golds: Sequence[Record], allowed: Sequence[int], same: Callable[..., bool]
) -> dict[int, int]:
    """The most pairs ``pred index -> gold index`` among the ``allowed`` golds (Kuhn's augmenting paths)."""
    edges = [[j for j in allowed if same(golds[j], p)] for p in preds]
    owner: dict[int, int] = {}  # gold index -> pred index

    def augment(i: int, visited: set[int]) -> bool:
        for j in edges[i]:
            if j not in visited:
                visited.add(j)
                if j not in owner or augment(owner[j], visited):
                    owner[j] = i
                    return True
        return False

    for i in range(len(preds)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


@dataclass
class Pairing:
    """How one kind's predictions in one article pair with the gold records.

    ``preds`` are the deduplicated predictions; ``pairs`` maps a prediction index to the required
    gold record it matched; ``missed`` are the required gold records left unmatched and
    ``spurious`` the predictions that match no gold record at all (the false positives)."""

    preds: list[Record]
    pairs: dict[int, int]
    missed: list[int]
    spurious: list[int]


def pair_kind(kind: str, golds: Sequence[Record], preds: Sequence[Record]) -> Pairing:
    """Pair one kind's predictions with the gold records of one article (the scorer's rules)."""

    def same(gold: Record, pred: Record) -> bool:
        return matches(kind, gold, pred)

    preds = dedupe(kind, preds)
    required = [j for j, g in enumerate(golds) if not g.get("optional")]
    optional = [j for j, g in enumerate(golds) if g.get("optional")]
    pairs = max_matching(preds, golds, required, same)
    rest = [i for i in range(len(preds)) if i not in pairs]
    with_optional = {rest[i] for i in max_matching([preds[i] for i in rest], golds, optional, same)}
    spurious = [i for i in rest if i not in with_optional and not any(same(g, preds[i]) for g in golds)]
    matched = set(pairs.values())
    return Pairing(preds, pairs, [j for j in required if j not in matched], spurious)


def score_kind(kind: str, golds: Sequence[Record], preds: Sequence[Record]) -> Tally:
    """Counts of one kind in one article."""
    pairing = pair_kind(kind, golds, preds)
    tally = Tally.for_kind(kind)
    tally.fp = len(pairing.spurious)
    for i, j in pairing.pairs.items():
        for name, slot in tally.attributes.items():
            slot[0] += attribute_score(name, golds[j], pairing.preds[i])
            slot[1] += 1
    tally.tp = len(pairing.pairs)
    tally.fn = len(pairing.missed)
    return tally


def score_doc(gold: Record, pred: Record) -> dict[str, Tally]:
    """Per kind, the counts of one article's predictions against its gold annotation."""
    return {kind: score_kind(kind, gold.get(kind, []), pred.get(kind, []) or []) for kind in KINDS}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1, rounded to 4 places (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def _read_json(path: Path) -> Record:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read records: {err}", source=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("not a records object (expected a JSON object)", source=str(path))
    return data


def _directory(path: str | Path, what: str) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"the {what} directory does not exist", source=str(folder))
    return folder


def score_dirs(gold_dir: str | Path, pred_dir: str | Path) -> dict[str, Any]:
    """Score every ``gold_dir/<id>.json`` against ``pred_dir/<id>.json`` (missing: empty).

    Returns the reference scorer's JSON structure: ``documents``, ``missing_predictions``,
    ``micro`` (P/R/F1 and counts over all kinds), ``kinds`` (the same per kind, with attribute
    accuracies) and ``per_doc_f1``. Raises InputError for a missing directory or unreadable file.
    """
    gold_folder, pred_folder = _directory(gold_dir, "gold"), _directory(pred_dir, "predictions")
    totals = {kind: Tally.for_kind(kind) for kind in KINDS}
    per_doc: dict[str, float] = {}
    missing: list[str] = []
    for gold_file in sorted(gold_folder.glob("*.json")):
        pred_file = pred_folder / gold_file.name
        if pred_file.exists():
            pred = _read_json(pred_file)
        else:
            pred = {}
            missing.append(gold_file.stem)
        doc = score_doc(_read_json(gold_file), pred)
        per_doc[gold_file.stem] = prf(*_sums(doc.values()))[2]
        for kind, tally in doc.items():
            totals[kind].add(tally)
    kinds = {}
    for kind, tally in totals.items():
        p, r, f = prf(tally.tp, tally.fp, tally.fn)
        kinds[kind] = {
            "precision": p,
            "recall": r,
            "f1": f,
            "tp": tally.tp,
            "fp": tally.fp,
            "fn": tally.fn,
            "attributes": {
                name: round(total / pairs, 4) if pairs else None
                for name, (total, pairs) in tally.attributes.items()
            },
        }
    tp, fp, fn = _sums(totals.values())
    p, r, f = prf(tp, fp, fn)
    return {
        "documents": len(per_doc),
        "missing_predictions": missing,
        "micro": {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn},
        "kinds": kinds,
        "per_doc_f1": per_doc,
    }


def _sums(tallies: Iterable[Tally]) -> tuple[int, int, int]:
    tallies = list(tallies)
    return sum(t.tp for t in tallies), sum(t.fp for t in tallies), sum(t.fn for t in tallies)


def format_json(result: dict[str, Any]) -> str:
    """The result as the reference scorer prints it with ``--json``."""
    return json.dumps(result, indent=1)


def format_table(result: dict[str, Any], per_doc: bool = False) -> str:
    """The result as the reference scorer's text table (one line per kind, then the micro F1)."""
    lines = [f"{'kind':<12} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn  attributes"]
    for kind, v in result["kinds"].items():
        attrs = " ".join(f"{name}={x}" for name, x in v["attributes"].items() if x is not None)
        lines.append(
            f"{kind:<12} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f}"
            f" {v['tp']:>4} {v['fp']:>3} {v['fn']:>3}  {attrs}"
        )
    if per_doc:
        lines += [f"  {doc}: F1 {f1:.3f}" for doc, f1 in result["per_doc_f1"].items()]
    m = result["micro"]
    lines.append(
        f"micro F1 {m['f1']:.3f} (P {m['precision']:.3f} R {m['recall']:.3f}) over {result['documents']} articles"
    )
    return "\n".join(lines) + "\n"


# -- explaining the errors --------------------------------------------------------------------

#: What went wrong with a missed gold record (measured against the predictions in its sentences) or
#: a spurious prediction (against the gold records in its sentences): the other side has the record
#: with another party, another issue, under another kind, or has nothing comparable there.
ERROR_TYPES: tuple[str, ...] = (
    "wrong party",
    "wrong issue",
    "wrong party and issue",
    "wrong kind",
    "wrong speaker",
    "wrong span",
    "wrong place",
    "wrong date",
    "wrong place and date",
    "nothing",
)

# A sentence ends at . ! or ? (a closing quote or bracket may follow) before white space, or at a
# line break; "U.S." and "Mr." are not ends (a single capital letter or a title before the point).
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b(?:Mr|Ms|Dr|St))(?<!\bMrs)[.!?][\"')\]”’»]*(?=\s)|\n")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The smallest run of whole sentences of ``text`` around ``[start, end)``."""
    lo, hi = 0, len(text)
    for found in _SENTENCE_END.finditer(text):
        if found.end() <= start:
            lo = found.end()
        elif found.start() >= max(start, end - 1):
            hi = found.end() if found.group() != "\n" else found.start()
            break
    while lo < hi and text[lo].isspace():
        lo += 1
    return lo, max(lo, hi)


def _record_spans(kind: str, record: Record) -> list[tuple[int, int]]:
    spans = [record["span"]] if kind == "statements" and record.get("span") else record.get("evidence") or []
    return [(int(s[0]), int(s[1])) for s in spans if isinstance(s, list | tuple) and len(s) == 2]


def _party_field(kind: str) -> str | None:
    return KEY_FIELDS[kind][0] if kind in KEY_FIELDS else None


def describe(kind: str, record: Record) -> str:
    """A record as its key: ``party=RUS issue=ceasefire``, ``speaker=... span=[a, b]``, ``place=... date=...``."""
    if kind == "statements":
        return f"speaker={record.get('speaker')} span={list(record.get('span') or [])}"
    if kind == "meetings":
        return f"place={record.get('place')} date={record.get('date')}"
    return " ".join(f"{name}={record.get(name)}" for name in KEY_FIELDS[kind])


@dataclass
class _Placed:
    """A record with its kind and the sentences (or bare evidence spans) it comes from."""

    kind: str
    record: Record
    sentences: list[tuple[int, int]] | None  # None: no evidence, so anywhere in the article

    def near(self, other: _Placed) -> bool:
        if self.sentences is None or other.sentences is None:
            return True
        return any(a < d and c < b for a, b in self.sentences for c, d in other.sentences)


def _place(kind: str, record: Record, text: str | None) -> _Placed:
    spans = _record_spans(kind, record)
    if not spans:
        return _Placed(kind, record, None)
    if text is None:
        return _Placed(kind, record, spans)
    return _Placed(kind, record, sorted({sentence_bounds(text, lo, hi) for lo, hi in spans}))


def _error_type(item: _Placed, others: Sequence[_Placed]) -> str:
    """Why ``item`` found no match among the other side's records in its sentences."""
    kind, record = item.kind, item.record
    same_kind = [o.record for o in others if o.kind == kind]
    if kind == "statements":
        for other in same_kind:
            if same_speaker(record.get("speaker"), other.get("speaker")) or same_speaker(
                other.get("speaker"), record.get("speaker")
            ):
                return "wrong span"
        return "wrong speaker" if same_kind else "nothing"
    if kind == "meetings":
        place, date = meeting_key(record)
        if any(meeting_key(o)[0] == place for o in same_kind):
            return "wrong date"
        if any(meeting_key(o)[1] == date for o in same_kind):
            return "wrong place"
        if same_kind:
            return "wrong place and date"
        return "wrong kind" if any(o.kind != "statements" for o in others) else "nothing"
    party, issue = KEY_FIELDS[kind]

    def agree(field_name: str, a: Record, b: Record) -> bool:  # either side may be the gold one
        return bool(_alternatives(a.get(field_name)) & _alternatives(b.get(field_name)))

    if any(agree(party, record, o) for o in same_kind):
        return "wrong issue"
    if any(agree(issue, record, o) for o in same_kind):
        return "wrong party"
    parties = _alternatives(record.get(party))
    for other in others:
        other_party = _party_field(other.kind)
        if other.kind != kind and other_party and _alternatives(other.record.get(other_party)) & parties:
            return "wrong kind"
    return "wrong party and issue" if same_kind else "nothing"


def default_texts_dir(gold_dir: str | Path) -> Path | None:
    """Where the articles of a gold directory are when not told: its sibling named with ``corpus``
    for ``gold`` (``gold-news`` → ``corpus-news``), if there is one."""
    gold = Path(gold_dir)
    if "gold" not in gold.name:
        return None
    sibling = gold.with_name(gold.name.replace("gold", "corpus"))
    return sibling if sibling.is_dir() else None


def _article_text(texts: Path | None, stem: str) -> str | None:
    if texts is None:
        return None
    path = texts / f"{stem}.txt"
    try:  # bytes, so that line ends stay as written and the spans index the text
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the article text: {err}", source=str(path)) from None


def explain_doc(gold: Record, pred: Record, text: str | None, kinds: Sequence[str] = KINDS) -> dict[str, Any]:
    """One article's missed and spurious records of ``kinds``, each with its key, error type,
    sentence (when ``text`` is given) and what the other side has in that sentence."""
    golds = [_place(kind, g, text) for kind in KINDS for g in gold.get(kind, []) or []]
    preds_all = {kind: dedupe(kind, pred.get(kind, []) or []) for kind in KINDS}
    preds = [_place(kind, p, text) for kind in KINDS for p in preds_all[kind]]

    def entry(item: _Placed, others: list[_Placed]) -> dict[str, Any]:
        there = [o for o in others if item.near(o)]
        sentences = item.sentences or []
        return {
            "kind": item.kind,
            "key": describe(item.kind, item.record),
            "error": _error_type(item, there),
            "sentence": " … ".join(text[a:b] for a, b in sentences)
            if text is not None and sentences
            else None,
            "spans": [list(s) for s in _record_spans(item.kind, item.record)],
            "there": [f"{o.kind} {describe(o.kind, o.record)}" for o in there if o.kind != "statements"]
            + [f"statements {describe(o.kind, o.record)}" for o in there if o.kind == "statements"],
        }

    missed, spurious = [], []
    for kind in kinds:
        golds_of_kind = gold.get(kind, []) or []
        pairing = pair_kind(kind, golds_of_kind, pred.get(kind, []) or [])
        missed += [entry(_place(kind, golds_of_kind[j], text), preds) for j in pairing.missed]
        spurious += [entry(_place(kind, pairing.preds[i], text), golds) for i in pairing.spurious]
    return {"missed": missed, "spurious": spurious}


def explain_dirs(
    gold_dir: str | Path,
    pred_dir: str | Path,
    texts_dir: str | Path | None = None,
    kinds: Sequence[str] = KINDS,
) -> dict[str, Any]:
    """Every article's errors (see :func:`explain_doc`) and their counts by error type per kind.

    The article texts are ``texts_dir/<id>.txt`` (default: :func:`default_texts_dir`); without them
    the errors come with their spans but no sentence. Raises InputError for a missing directory,
    an unknown kind or an unreadable file."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"unknown kind {unknown[0]!r} (one of {', '.join(KINDS)})", source="--kind")
    gold_folder, pred_folder = _directory(gold_dir, "gold"), _directory(pred_dir, "predictions")
    texts = _directory(texts_dir, "texts") if texts_dir is not None else default_texts_dir(gold_folder)
    counts: dict[str, dict[str, dict[str, int]]] = {kind: {"missed": {}, "spurious": {}} for kind in kinds}
    articles = []
    for gold_file in sorted(gold_folder.glob("*.json")):
        pred_file = pred_folder / gold_file.name
        pred = _read_json(pred_file) if pred_file.exists() else {}
        errors = explain_doc(_read_json(gold_file), pred, _article_text(texts, gold_file.stem), kinds)
        for side in ("missed", "spurious"):
            for error in errors[side]:
                tally = counts[error["kind"]][side]
                tally[error["error"]] = tally.get(error["error"], 0) + 1
        if errors["missed"] or errors["spurious"]:
            articles.append({"id": gold_file.stem, **errors})
    return {"texts": str(texts) if texts else None, "articles": articles, "counts": counts}


def format_explanation(explanation: dict[str, Any]) -> str:
    """The errors as text: per article each missed and spurious record with its sentence and what
    the other side has there, then the counts by error type per kind."""
    lines = []
    if explanation["texts"] is None:
        lines.append("(no article texts found: give --texts DIR for the sentences)")
    for article in explanation["articles"]:
        lines.append(
            f"== {article['id']}: {len(article['missed'])} missed, {len(article['spurious'])} spurious"
        )
        for side, other in (("missed", "parley has there"), ("spurious", "gold has there")):
            for error in article[side]:
                lines.append(f"  {side.upper()} {error['kind']} {error['key']}  [{error['error']}]")
                sentence = error["sentence"] or f"spans {error['spans']}"
                lines.append(f"      in: {' '.join(sentence.split())}")
                if error["there"]:
                    lines.append(f"      {other}: {'; '.join(error['there'])}")
    lines.append("")
    lines.append("errors by type:")
    for kind, sides in explanation["counts"].items():
        parts = []
        for side in ("missed", "spurious"):
            by_type = sides[side]
            listed = ", ".join(f"{name} {by_type[name]}" for name in ERROR_TYPES if name in by_type)
            parts.append(f"{side} {sum(by_type.values())}" + (f" ({listed})" if listed else ""))
        lines.append(f"  {kind:<12} {'; '.join(parts)}")
    return "\n".join(lines) + "\n"
