"""The records scorer: the same output as the reference ``shared/eval/score.py``, and its rules.

The reference is run as a real program on the shared corpus's predictions (text, ``--per-doc`` and
``--json`` output compared byte for byte), imported to compare ``score_doc`` on random documents, and
the matching rules are checked on tiny hand-written gold/prediction pairs.
"""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from parley.cli import main
from parley.errors import InputError
from parley.evaluate import Tally, same_speaker, score_dirs, score_doc

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFERENCE = SHARED / "eval" / "score.py"
GOLD = SHARED / "gold"

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_file(), reason="the shared directory is not beside the project"
)


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared corpus extracted by ``parley extract`` (in process), once for this module."""
    out = tmp_path_factory.mktemp("pred")
    assert main(["extract", str(SHARED / "corpus"), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    """The reference scorer, imported as a module."""
    spec = importlib.util.spec_from_file_location("reference_score", REFERENCE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_reference(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REFERENCE), *args], capture_output=True, text=True, check=True, timeout=60
    )


@pytest.mark.parametrize("options", [[], ["--per-doc"], ["--json"], ["--json", "--per-doc"]], ids=str)
def test_parley_eval_prints_what_the_reference_prints(
    predictions: Path, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--gold", str(GOLD), "--pred", str(predictions), *options]
    expected = run_reference(*args)
    capsys.readouterr()
    assert main(["eval", *args]) == 0
    out, err = capsys.readouterr()
    assert out == expected.stdout
    assert err == expected.stderr


def test_missing_predictions_are_reported_like_the_reference(
    predictions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in sorted(predictions.glob("*.json"))[:3]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    args = ["--gold", str(GOLD), "--pred", str(tmp_path)]
    expected = run_reference(*args)
    assert main(["eval", *args]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (expected.stdout, expected.stderr)
    assert "missing predictions: 12" in err


def test_score_dirs_returns_the_reference_structure(predictions: Path, reference: ModuleType) -> None:
    assert score_dirs(GOLD, predictions) == reference.score_dirs(str(GOLD), str(predictions))


def _random_doc(rng: random.Random, gold: bool) -> dict[str, Any]:
    """A small random document whose records often collide, to exercise every rule."""
    speakers = ["USA", "RUS", "person:volodymyr-zelensky", "person:volodymyr-zelenskyy", "person:v-zelensky",
                "person:sergei-lavrov", "person:s-lavrova", "anon", "anon:europe"]  # fmt: skip
    parties, issues = ["USA", "RUS", "UKR"], ["ceasefire", "maritime", "sanctions", "territory"]

    def issue() -> Any:
        return rng.sample(issues, 2) if gold and rng.random() < 0.3 else rng.choice(issues)

    def record(kind: str) -> dict[str, Any]:
        if kind == "statements":
            start = rng.randrange(0, 200)
            r: dict[str, Any] = {"span": [start, start + rng.randrange(1, 80)], "speaker": rng.choice(speakers),
                                 "direct": rng.random() < 0.5, "via": rng.sample(["outlet:axios", "outlet:tass"],
                                                                                 rng.randrange(0, 3))}  # fmt: skip
        elif kind == "meetings":
            r = {"place": rng.choice(["Riyadh", "riyadh ", "Istanbul", None]),
                 "date": rng.choice(["2025-03-24", "--03-24", "2025-03-25", None]),
                 "participants": rng.sample(parties, rng.randrange(0, 4))}  # fmt: skip
        else:
            field = {"commitments": "party", "proposals": "proposer", "positions": "party", "threats": "actor",
                     "violations": "accused"}[kind]  # fmt: skip
            r = {field: rng.choice(parties), "issue": issue(), "conditional": rng.random() < 0.5,
                 "condition_issue": rng.choice([None, "sanctions"]), "red_line": rng.random() < 0.5,
                 "has_deadline": rng.random() < 0.5}  # fmt: skip
        if gold and rng.random() < 0.25:
            r["optional"] = True
        return r

    kinds = ["statements", "commitments", "proposals", "positions", "threats", "violations", "meetings"]
    return {kind: [record(kind) for _ in range(rng.randrange(0, 6))] for kind in kinds}


def test_score_doc_equals_the_reference_on_random_documents(reference: ModuleType) -> None:
    rng = random.Random(20250318)
    for _ in range(500):
        gold, pred = _random_doc(rng, gold=True), _random_doc(rng, gold=False)
        ours = {kind: {"tp": t.tp, "fp": t.fp, "fn": t.fn, "attr": t.attributes} for kind, t in
                score_doc(gold, pred).items()}  # fmt: skip
        assert ours == reference.score_doc(gold, pred), (gold, pred)


# -- the rules on hand-written pairs --------------------------------------------------------------


def one(kind: str, gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> Tally:
    return score_doc({kind: gold}, {kind: pred})[kind]


def counts(tally: Tally) -> tuple[int, int, int]:
    return tally.tp, tally.fp, tally.fn


def test_optional_gold_neither_helps_nor_hurts() -> None:
    gold = [{"party": "RUS", "issue": "ceasefire"}, {"party": "UKR", "issue": "territory", "optional": True}]
    assert counts(one("positions", gold, [{"party": "RUS", "issue": "ceasefire"}])) == (1, 0, 0)
    found_optional = [{"party": "RUS", "issue": "ceasefire"}, {"party": "UKR", "issue": "territory"}]
    assert counts(one("positions", gold, found_optional)) == (1, 0, 0)


def test_required_gold_is_matched_before_optional() -> None:
    gold = [{"party": "RUS", "issue": "ceasefire", "optional": True}, {"party": "RUS", "issue": "ceasefire"}]
    assert counts(one("commitments", gold, [{"party": "RUS", "issue": "ceasefire"}])) == (1, 0, 0)


def test_issue_alternatives_in_gold() -> None:
    gold = [{"accused": "RUS", "issue": ["energy_infrastructure", "ceasefire"]}]
    assert counts(one("violations", gold, [{"accused": "RUS", "issue": "ceasefire"}])) == (1, 0, 0)
    assert counts(one("violations", gold, [{"accused": "RUS", "issue": "maritime"}])) == (0, 1, 1)


def test_prediction_names_one_issue() -> None:
    gold = [{"accused": "RUS", "issue": "ceasefire"}]
    assert counts(one("violations", gold, [{"accused": "RUS", "issue": ["maritime", "ceasefire"]}])) == (
        0,
        1,
        1,
    )


def test_second_alternative_is_ignored_not_a_false_positive() -> None:
    gold = [{"party": "RUS", "issue": ["energy_infrastructure", "ceasefire"]}]
    pred = [{"party": "RUS", "issue": "energy_infrastructure"}, {"party": "RUS", "issue": "ceasefire"}]
    assert counts(one("commitments", gold, pred)) == (1, 0, 0)


def test_duplicate_keys_count_once() -> None:
    gold = [{"proposer": "USA", "issue": "ceasefire"}]
    pred = [{"proposer": "USA", "issue": "ceasefire"}] * 3
    assert counts(one("proposals", gold, pred)) == (1, 0, 0)


@pytest.mark.parametrize(
    ("gold", "pred", "same"),
    [
        ("person:subrahmanyam-jaishankar", "person:s-jaishankar", True),
        ("person:volodymyr-zelensky", "person:volodymyr-zelenskyy", True),
        ("person:volodymyr-zelenskyy", "person:zelensky", True),  # no given name written
        ("person:volodymyr-zelensky", "person:oleksandr-zelensky", False),  # given names differ
        ("person:dmitry-peskov", "person:dmitriy-peskov", True),  # given names one letter apart
        ("person:li-wei", "person:li-wen", False),  # short surnames must be spelt exactly
        ("person:marco-rubio", "person:marco-robin", False),  # two letters apart
        ("person:marco-rubio", "USA", False),  # a person is not their state
        ("RUS", "RUS", True),
    ],
)
def test_surname_matching(gold: str, pred: str, same: bool) -> None:
    assert same_speaker(gold, pred) is same


def test_statement_split_finer_than_gold_is_not_an_error() -> None:
    gold = [{"span": [0, 100], "speaker": "RUS", "direct": False, "via": []}]
    pred = [
        {"span": [0, 48], "speaker": "RUS", "direct": False, "via": []},
        {"span": [50, 100], "speaker": "RUS", "direct": False, "via": []},
    ]
    assert counts(one("statements", gold, pred)) == (1, 0, 0)


def test_statement_needs_half_of_the_shorter_span_and_the_speaker() -> None:
    gold = [{"span": [0, 100], "speaker": "RUS"}]
    assert counts(one("statements", gold, [{"span": [60, 200], "speaker": "RUS"}])) == (0, 1, 1)  # 40 of 100
    assert counts(one("statements", gold, [{"span": [50, 200], "speaker": "RUS"}])) == (1, 0, 0)  # 50 of 100
    assert counts(one("statements", gold, [{"span": [0, 100], "speaker": "UKR"}])) == (0, 1, 1)


def test_matching_is_maximal_whatever_the_order() -> None:
    gold = [{"span": [0, 10], "speaker": "USA"}, {"span": [10, 30], "speaker": "USA"}]
    # The first prediction fits both gold statements, the second only the first one.
    pred = [{"span": [5, 15], "speaker": "USA"}, {"span": [0, 10], "speaker": "USA"}]
    assert counts(one("statements", gold, pred)) == (2, 0, 0)
    assert counts(one("statements", gold, pred[::-1])) == (2, 0, 0)


def test_attributes_are_scored_on_matched_pairs() -> None:
    gold = [{"span": [0, 50], "speaker": "USA", "direct": True, "via": ["outlet:axios"]}]
    pred = [{"span": [0, 50], "speaker": "USA", "direct": False, "via": ["outlet:axios"]}]
    assert one("statements", gold, pred).attributes == {"direct": [0.0, 1], "via": [1.0, 1]}


def test_meetings_match_on_place_and_month_day_with_participant_jaccard() -> None:
    gold = [{"place": "Riyadh", "date": "--03-24", "participants": ["USA", "RUS", "SAU"]}]
    pred = [{"place": "riyadh ", "date": "2025-03-24", "participants": ["USA", "RUS"]}]
    tally = one("meetings", gold, pred)
    assert counts(tally) == (1, 0, 0)
    assert tally.attributes["participants"] == [2 / 3, 1]


def test_missing_directories_and_bad_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="gold directory does not exist"):
        score_dirs(tmp_path / "nope", tmp_path)
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    (gold / "a.json").write_text(json.dumps({"format": "parley-records/1", "statements": []}))
    (pred / "a.json").write_text("{not json")
    with pytest.raises(InputError) as err:
        score_dirs(gold, pred)
    assert str(pred / "a.json") in str(err.value)


def test_cli_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--gold", str(tmp_path / "nope"), "--pred", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "nope" in err and "Traceback" not in err
