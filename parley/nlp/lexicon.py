"""The words parley's rules look for, read once from ``parley/data/*.yaml``.

The components hold constructions; this module holds vocabulary: cue verbs, source nouns, titles,
negotiation markers and the issue patterns that classify a clause into the closed list of issues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from parley.records import ISSUES

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def _read(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any phrase at a word start ("accus" matches "accused")."""
    alternatives = sorted((re.escape(p.strip()) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    """Attribution vocabulary (``data/cues.yaml``)."""

    report_verbs: frozenset[str]
    report_phrases: frozenset[tuple[str, str]]  # (verb lemma, one of its dependents)
    belief_cues: frozenset[str]
    hedge_words: frozenset[str]
    needs_clause: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]  # each phrase as its words
    citing: frozenset[str]
    source_nouns: frozenset[str]
    document_nouns: frozenset[str]
    joint_documents: frozenset[str]
    anaphors: dict[str, frozenset[str]]
    bare_forces: frozenset[str]
    mediator_nouns: frozenset[str]
    mediator_verbs: frozenset[str]
    talk_nouns: frozenset[str]
    backer_verbs: frozenset[str]
    date_labels: frozenset[str]
    quote_labels: frozenset[str]
    titles: tuple[str, ...]  # longest first
    name_prefixes: frozenset[str]
    bound_prefixes: frozenset[str]


@dataclass(frozen=True)
class NegotiationWords:
    """Negotiation vocabulary (``data/negotiation.yaml``)."""

    commitment_verbs: frozenset[str]
    commitment_nouns: frozenset[str]
    pact_nouns: frozenset[str]
    pact_verbs: frozenset[str]
    readiness: frozenset[str]
    tentative_verbs: frozenset[str]
    condition_markers: re.Pattern[str]
    negators: frozenset[str]
    proposal_nouns: re.Pattern[str]
    proposal_verbs: frozenset[str]
    offer_verbs: frozenset[str]
    release_verbs: frozenset[str]
    holding_verbs: frozenset[str]
    captive_nouns: frozenset[str]
    suggestion_verbs: frozenset[str]
    tabling_verbs: frozenset[str]
    position_verbs: frozenset[str]
    assertion_verbs: frozenset[str]
    aside_verbs: frozenset[str]
    stance_verbs: frozenset[tuple[str, ...]]  # a lemma, with its particle for two-word verbs
    stance_nouns: frozenset[str]
    punishment_phrases: frozenset[tuple[str, str]]  # (verb lemma, one of its dependents)
    limit_nouns: re.Pattern[str]
    stance_frames: dict[str, str]  # verb lemma -> the dependency of the object that makes it a stance
    appeal_verbs: frozenset[tuple[str, ...]]  # like stance_verbs
    position_phrases: re.Pattern[str]
    phase_phrases: re.Pattern[str]
    red_line_phrases: re.Pattern[str]
    threat_verbs: frozenset[str]
    threat_phrases: re.Pattern[str]
    threat_strong: re.Pattern[str]
    violation_verbs: frozenset[str]
    compliance_verbs: frozenset[str]
    calling_verbs: frozenset[str]
    irregular_fighters: frozenset[str]
    failure_verbs: frozenset[str]
    undertaking_nouns: re.Pattern[str]
    charge_nouns: frozenset[str]
    blame_nouns: frozenset[str]
    breach_acts: frozenset[str]
    intent_verbs: frozenset[str]
    force_words: frozenset[str]
    force_by_object: frozenset[str]
    force_phrases: re.Pattern[str]
    deadline_nouns: frozenset[str]
    countdown_nouns: frozenset[str]
    attack_verbs: frozenset[str]
    meeting_verbs: frozenset[str]
    meeting_nouns: frozenset[str]
    signing_verbs: frozenset[str]
    meeting_cancelled: frozenset[str]
    credit_line: re.Pattern[str]  # a line opening with a photo credit label
    venue_cities: dict[str, str]  # lower-cased building -> city


@cache
def cues() -> Cues:
    """The attribution vocabulary."""
    raw = _read("cues.yaml")
    title_data = _read("titles.yaml")
    titles = title_data["titles"]
    return Cues(
        report_verbs=frozenset(raw["report_verbs"]),
        report_phrases=frozenset(tuple(p.lower().split()) for p in raw["report_phrases"]),
        belief_cues=frozenset(raw["belief_cues"]),
        hedge_words=frozenset(raw["hedge_words"]),
        needs_clause=frozenset(raw["needs_clause"]),
        according_to=tuple(tuple(p.lower().split()) for p in raw["according_to"]),
        citing=frozenset(raw["citing"]),
        source_nouns=frozenset(raw["source_nouns"]),
        document_nouns=frozenset(raw["document_nouns"]),
        joint_documents=frozenset(raw["joint_documents"]),
        anaphors={k: frozenset(v) for k, v in raw["anaphors"].items()},
        bare_forces=frozenset(raw["bare_forces"]),
        mediator_nouns=frozenset(raw["mediator_nouns"]),
        mediator_verbs=frozenset(raw["mediator_verbs"]),
        talk_nouns=frozenset(raw["talk_nouns"]),
        backer_verbs=frozenset(raw["backer_verbs"]),
        date_labels=frozenset(raw["date_labels"]),
        quote_labels=frozenset(raw["quote_labels"]),
        titles=tuple(sorted(titles, key=len, reverse=True)),
        name_prefixes=frozenset(title_data["name_prefixes"]),
        bound_prefixes=frozenset(raw["bound_prefixes"]),
    )


@cache
def negotiation_words() -> NegotiationWords:
    """The negotiation vocabulary."""
    raw = _read("negotiation.yaml")
    return NegotiationWords(
        commitment_verbs=frozenset(raw["commitment_verbs"]),
        commitment_nouns=frozenset(raw["commitment_nouns"]),
        pact_nouns=frozenset(raw["pact_nouns"]),
        pact_verbs=frozenset(raw["pact_verbs"]),
        readiness=frozenset(raw["readiness"]),
        tentative_verbs=frozenset(raw["tentative_verbs"]),
        condition_markers=_phrase_regex(raw["condition_markers"]),
        negators=frozenset(raw["negators"]),
        proposal_nouns=_phrase_regex(raw["proposal_nouns"]),
        proposal_verbs=frozenset(raw["proposal_verbs"]),
        offer_verbs=frozenset(raw["offer_verbs"]),
        release_verbs=frozenset(raw["release_verbs"]),
        holding_verbs=frozenset(raw["holding_verbs"]),
        captive_nouns=frozenset(raw["captive_nouns"]),
        punishment_phrases=frozenset(tuple(p.lower().split()) for p in raw["punishment_phrases"]),
        suggestion_verbs=frozenset(raw["suggestion_verbs"]),
        tabling_verbs=frozenset(raw["tabling_verbs"]),
        position_verbs=frozenset(raw["position_verbs"]),
        assertion_verbs=frozenset(raw["assertion_verbs"]),
        aside_verbs=frozenset(raw["aside_verbs"]),
        stance_verbs=frozenset(tuple(v.split()) for v in raw["stance_verbs"]),
        stance_nouns=frozenset(raw["stance_nouns"]),
        limit_nouns=re.compile(
            r"(?<![\w-])(?:"
            + "|".join(re.escape(n) for n in sorted(raw["limit_nouns"], key=len, reverse=True))
            + ")$",
            re.IGNORECASE,
        ),
        stance_frames=dict(raw["stance_frames"]),
        appeal_verbs=frozenset(tuple(v.split()) for v in raw["appeal_verbs"]),
        position_phrases=_phrase_regex(raw["position_phrases"]),
        phase_phrases=_phrase_regex(raw["phase_phrases"]),
        red_line_phrases=_phrase_regex(raw["red_line_phrases"]),
        threat_verbs=frozenset(raw["threat_verbs"]),
        threat_phrases=_phrase_regex(raw["threat_phrases"]),
        threat_strong=_phrase_regex(raw["threat_strong"]),
        violation_verbs=frozenset(raw["violation_verbs"]),
        compliance_verbs=frozenset(raw["compliance_verbs"]),
        calling_verbs=frozenset(raw["calling_verbs"]),
        irregular_fighters=frozenset(raw["irregular_fighters"]),
        failure_verbs=frozenset(raw["failure_verbs"]),
        undertaking_nouns=_phrase_regex(raw["undertaking_nouns"]),
        charge_nouns=frozenset(raw["charge_nouns"]),
        blame_nouns=frozenset(raw["blame_nouns"]),
        breach_acts=frozenset(raw["breach_acts"]),
        intent_verbs=frozenset(raw["intent_verbs"]),
        force_words=frozenset(raw["force_words"]),
        force_by_object=frozenset(raw["force_by_object"]),
        force_phrases=_phrase_regex(raw["force_phrases"]),
        deadline_nouns=frozenset(raw["deadline_nouns"]),
        countdown_nouns=frozenset(raw["countdown_nouns"]),
        attack_verbs=frozenset(raw["attack_verbs"]),
        meeting_verbs=frozenset(raw["meeting_verbs"]),
        meeting_nouns=frozenset(raw["meeting_nouns"]),
        signing_verbs=frozenset(raw["signing_verbs"]),
        meeting_cancelled=frozenset(raw["meeting_cancelled"]),
        credit_line=re.compile(
            r"^[ \t]*(?:" + "|".join(re.escape(label) for label in raw["credit_labels"]) + r")[ \t]*:", re.M
        ),
        venue_cities={building.lower(): city for building, city in raw["venue_cities"].items()},
    )


#: Tiers of issue words, strongest first: a specific word names its issue; a generic one only
#: when no specific word does; a bare pact word ("deal", "agreement") only when nothing else does.
ISSUE_TIERS = ("specific", "generic", "bare")


@cache
def _issue_patterns() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """Per tier (``ISSUE_TIERS``), one compiled pattern per issue, in file order."""
    raw = _read("issues.yaml")
    tiers = {}
    for tier in ISSUE_TIERS:
        words = raw.get(tier) or {}  # a tier may be left out
        unknown = set(words) - set(ISSUES)
        if unknown:
            raise ValueError(f"issues.yaml [{tier}] names issues outside the closed list: {sorted(unknown)}")
        tiers[tier] = tuple(
            (
                issue,
                re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w-])", re.I),
            )
            for issue, patterns in words.items()
        )
    return tiers


def _first_matches(text: str, tier: str) -> list[tuple[int, int, str]]:
    found = []
    for rank, (issue, pattern) in enumerate(_issue_patterns()[tier]):
        m = pattern.search(text)
        if m:
            found.append((m.start(), rank, issue))
    return sorted(found)


def issues_in(text: str) -> list[tuple[int, str]]:
    """Every issue named in ``text`` as ``(offset, issue)``, by offset; generic words only count
    for issues that no specific word names."""
    specific = _first_matches(text, "specific")
    named = {issue for _, _, issue in specific}
    generic = [m for m in _first_matches(text, "generic") if m[2] not in named]
    return [(start, issue) for start, _, issue in sorted(specific + generic)]


def issue_mentions(text: str) -> list[tuple[int, int, int, str]]:
    """Every issue word in ``text`` as ``(start, end, tier, issue)``, tier an index of ``ISSUE_TIERS``."""
    found = []
    for tier_rank, tier in enumerate(ISSUE_TIERS):
        for issue, pattern in _issue_patterns()[tier]:
            found += [(m.start(), m.end(), tier_rank, issue) for m in pattern.finditer(text)]
    return found


def specific_issues(text: str) -> list[str]:
    """The issues named by specific words in ``text``, in order of first mention."""
    return [issue for _, _, issue in _first_matches(text, "specific")]


def primary_issue(text: str) -> str | None:
    """The issue a clause is about: the first issue named in it by the strongest tier of words."""
    for tier in ISSUE_TIERS:
        found = _first_matches(text, tier)
        if found:
            return found[0][2]
    return None


#: Issues an accusation of breaking a truce can be about besides the truce itself, most specific first.
_VIOLATION_ISSUES = (
    "energy_infrastructure",
    "maritime",
    "humanitarian",
    "troop_withdrawal",
    "prisoners",
    "security_guarantees",
    "disarmament",
)


def violation_issue(text: str) -> str:
    """The issue of an accused breach: a specific undertaking named in it, else the ceasefire."""
    named = {issue for _, issue in issues_in(text)}
    return next((issue for issue in _VIOLATION_ISSUES if issue in named), "ceasefire")
