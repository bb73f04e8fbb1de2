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
  as far as written;
- attributes (``direct``, ``via``, ``conditional``...) are scored on matched pairs only.

Standard library only: the scorer must run wherever records do.
"""

from __future__ import annotations

import json
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


def score_kind(kind: str, golds: Sequence[Record], preds: Sequence[Record]) -> Tally:
    """Counts of one kind in one article."""

    def same(gold: Record, pred: Record) -> bool:
        return matches(kind, gold, pred)

    preds = dedupe(kind, preds)
    required = [j for j, g in enumerate(golds) if not g.get("optional")]
    optional = [j for j, g in enumerate(golds) if g.get("optional")]
    pairs = max_matching(preds, golds, required, same)
    rest = [i for i in range(len(preds)) if i not in pairs]
    with_optional = {rest[i] for i in max_matching([preds[i] for i in rest], golds, optional, same)}
    tally = Tally.for_kind(kind)
    tally.fp = sum(1 for i in rest if i not in with_optional and not any(same(g, preds[i]) for g in golds))
    for i, j in pairs.items():
        for name, slot in tally.attributes.items():
            slot[0] += attribute_score(name, golds[j], preds[i])
            slot[1] += 1
    tally.tp = len(pairs)
    tally.fn = len(required) - tally.tp
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
