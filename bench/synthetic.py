"""Synthetic news articles about ceasefire talks, for volume tests and benchmarks.

Each article is a short wire-style report (about 1,000 characters, 8 sentences) built from
sentence patterns filled with the parties, mediators, people, places, issues and numbers of one
negotiation. The same ``seed`` gives the same articles; every article's text is unique (a repeat,
which the store would skip as already present, is drawn again). The patterns give the extractor
real work: attributed quotes, commitments (some conditional), proposals, red lines, threats with
deadlines, violations and meetings.

As a script: ``python bench/synthetic.py N OUT.jsonl [--seed S]`` writes a JSONL batch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Side:
    """A party to a negotiation and the people who speak for it."""

    name: str
    speakers: tuple[str, ...]  # "title Name", e.g. "Kremlin spokesman Dmitry Peskov"


@dataclass(frozen=True)
class Negotiation:
    """A conflict: two sides, who mediates, where they meet and what they argue about."""

    sides: tuple[Side, Side]
    mediators: tuple[str, ...]  # "title Name" of a mediating official
    places: tuple[str, ...]
    commitments: tuple[str, ...]  # "to ..." undertakings
    demands: tuple[str, ...]  # what a side refuses or insists on
    terms: tuple[str, ...]  # terms of a proposal
    threats: tuple[str, ...]  # what a side threatens to do


NEGOTIATIONS: tuple[Negotiation, ...] = (
    Negotiation(
        sides=(
            Side(
                "Russia",
                (
                    "Kremlin spokesman Dmitry Peskov",
                    "Foreign Minister Sergei Lavrov",
                    "presidential aide Yuri Ushakov",
                    "negotiator Vladimir Medinsky",
                ),
            ),
            Side(
                "Ukraine",
                (
                    "President Volodymyr Zelensky",
                    "Foreign Minister Andrii Sybiha",
                    "Defence Minister Rustem Umerov",
                    "presidential adviser Mykhailo Podolyak",
                ),
            ),
        ),
        mediators=(
            "Secretary of State Marco Rubio",
            "special envoy Steve Witkoff",
            "envoy Keith Kellogg",
            "Turkish Foreign Minister Hakan Fidan",
            "Saudi Foreign Minister Faisal bin Farhan",
        ),
        places=("Riyadh", "Istanbul", "Jeddah", "Geneva", "Abu Dhabi"),
        commitments=(
            "halt strikes on energy infrastructure",
            "exchange {n} prisoners of war",
            "observe a {d}-day ceasefire",
            "keep the shipping lanes of the Black Sea open",
            "return {n} children taken from occupied areas",
            "pull heavy weapons back from the front",
        ),
        demands=(
            "any freeze of the front line",
            "NATO membership for Ukraine",
            "foreign troops in Ukraine",
            "the lifting of sanctions before a truce",
            "recognition of the annexed regions",
        ),
        terms=(
            "a {d}-day ceasefire along the front line",
            "an exchange of all prisoners",
            "European security guarantees for Ukraine",
            "a phased easing of sanctions",
            "a monitoring mission of {n} observers",
        ),
        threats=(
            "impose new sanctions on oil buyers",
            "resume strikes on power plants",
            "withdraw from the talks",
            "launch a new offensive",
        ),
    ),
    Negotiation(
        sides=(
            Side(
                "Israel",
                (
                    "Prime Minister Benjamin Netanyahu",
                    "Defence Minister Israel Katz",
                    "Strategic Affairs Minister Ron Dermer",
                    "Foreign Minister Gideon Saar",
                ),
            ),
            Side(
                "Hamas",
                (
                    "senior Hamas official Basem Naim",
                    "Hamas negotiator Khalil al-Hayya",
                    "Hamas spokesman Hazem Qassem",
                    "Hamas official Sami Abu Zuhri",
                ),
            ),
        ),
        mediators=(
            "Qatari spokesman Majed al-Ansari",
            "Egyptian Foreign Minister Badr Abdelatty",
            "special envoy Steve Witkoff",
            "Qatari Prime Minister Mohammed bin Abdulrahman Al Thani",
        ),
        places=("Doha", "Cairo", "Sharm el-Sheikh", "Washington"),
        commitments=(
            "release {n} hostages",
            "free {n} Palestinian prisoners",
            "allow {n} aid trucks a day into Gaza",
            "observe a {d}-day truce",
            "withdraw troops from the Netzarim corridor",
        ),
        demands=(
            "disarmament of Hamas",
            "a lasting halt to the fighting",
            "a full withdrawal from Gaza",
            "foreign forces in Gaza",
            "a role for the Palestinian Authority",
        ),
        terms=(
            "a {d}-day pause in fighting",
            "the release of all hostages in two phases",
            "an international stabilisation force",
            "reconstruction funded by Gulf states",
            "{n} aid trucks entering Gaza each day",
        ),
        threats=(
            "resume the offensive in Gaza City",
            "halt all aid deliveries",
            "suspend the hostage releases",
            "expand the ground operation",
        ),
    ),
    Negotiation(
        sides=(
            Side(
                "Thailand",
                (
                    "Prime Minister Anutin Charnvirakul",
                    "Foreign Minister Maris Sangiampongsa",
                    "army spokesman Winthai Suvaree",
                ),
            ),
            Side(
                "Cambodia",
                (
                    "Prime Minister Hun Manet",
                    "Defence Minister Tea Seiha",
                    "ministry spokeswoman Maly Socheata",
                ),
            ),
        ),
        mediators=(
            "Malaysian Prime Minister Anwar Ibrahim",
            "Secretary of State Marco Rubio",
            "Chinese Foreign Minister Wang Yi",
        ),
        places=("Kuala Lumpur", "Putrajaya", "Shanghai"),
        commitments=(
            "pull troops back {n} kilometres from the border",
            "observe an immediate ceasefire",
            "return {n} captured soldiers",
            "clear landmines along the border",
        ),
        demands=("changes to the border map", "third-party observers on its soil", "talks under ICJ rules"),
        terms=(
            "an ASEAN observer team of {n} officers",
            "a joint border committee",
            "a {d}-day cooling-off period",
        ),
        threats=("close the border crossings", "respond with full force", "cut electricity supplies"),
    ),
    Negotiation(
        sides=(
            Side(
                "Congo",
                (
                    "President Felix Tshisekedi",
                    "Foreign Minister Therese Kayikwamba Wagner",
                    "government spokesman Patrick Muyaya",
                ),
            ),
            Side(
                "M23",
                (
                    "M23 spokesman Lawrence Kanyuka",
                    "rebel leader Corneille Nangaa",
                    "M23 negotiator Benjamin Mbonimpa",
                ),
            ),
        ),
        mediators=(
            "Qatari minister Mohammed Al-Khulaifi",
            "US adviser Massad Boulos",
            "African Union mediator Faure Gnassingbe",
        ),
        places=("Doha", "Washington", "Luanda", "Addis Ababa"),
        commitments=(
            "release {n} detainees",
            "withdraw from Walikale",
            "observe a truce in North Kivu",
            "reopen Goma airport",
            "let the Red Cross reach {n} prisoners",
        ),
        demands=(
            "an amnesty for its fighters",
            "the withdrawal of foreign troops",
            "a transitional government",
        ),
        terms=(
            "a prisoner exchange overseen by the ICRC",
            "a {d}-day truce in the Kivus",
            "a verification mechanism of {n} monitors",
        ),
        threats=("march on Uvira", "suspend the Doha talks", "seek new sanctions on Rwanda"),
    ),
)

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_OUTLETS = ("Reuters", "Associated Press", "Agence France-Presse", "Axios", "Anadolu Agency", "Bernama")
_ANONYMOUS = (
    "a diplomat briefed on the talks",
    "two officials familiar with the matter",
    "a source close to the negotiations",
    "a senior Western official",
)
_DEADLINES = ("by Friday", "within {d} days", "before the end of the month", "by midnight on Sunday")

# Sentence patterns. Fields: {a}/{b} the two sides, {sa}/{sb} their speakers, {m} a mediator,
# {place}, {day}, {ordinal}, {commit}/{commit2}, {demand}, {term}/{term2}, {threat}, {deadline},
# {outlet}, {anon}, {n}, {k}.
_TITLES = (
    "{a} and {b} agree to {commit} after talks in {place}",
    "{a} rejects {demand} as {ordinal} round of talks opens in {place}",
    "{m} presses {a} and {b} to accept {term}",
    "{a} threatens to {threat} as negotiations with {b} stall",
)
_LEADS = (
    "{a} and {b} agreed on {day} to {commit} after {ordinal} round talks in {place}, {m} said.",
    "{a} said on {day} it was ready to {commit} if {b} did the same, following talks in {place}.",
    "Negotiators from {a} and {b} ended a {ordinal} round of talks in {place} on {day} with a pledge to {commit}.",
)
_BODY = (
    '"We are prepared to {commit2} as soon as the other side does," {sa} told reporters in {place}.',
    '"We will {commit2} when we see real steps from {b}," {sa} said on {day}.',
    "{sb} said {b} would {commit2} only if {a} stopped its attacks first.",
    "{sb} told {outlet} that {b} could {commit2} within {k} days, provided the shelling stopped.",
    "{sa} said {a} would never accept {demand}, calling it a red line.",
    '"{demand_cap} is out of the question," {sb} said in a televised address on {day}.',
    "{sb} insisted on {demand} in remarks carried by {outlet}.",
    "The plan drafted by the mediators calls for {term} and {term2}, according to a copy seen by {outlet}.",
    "{m} proposed {term}, {anon} told {outlet}.",
    "Under a proposal put forward by {m}, the parties would agree to {term2}.",
    "{sa} warned that {a} would {threat} unless {b} agreed {deadline}.",
    '"If there is no answer {deadline}, we will {threat}," {sb} said.',
    "{b} accused {a} of violating the ceasefire with {k} drone attacks overnight, {sb} said.",
    "{a} accused {b} of breaking the truce near {place2} on {day}, killing {k} people.",
    "Delegations are due to meet again in {place2} next week, {anon} said.",
    "A {ordinal} meeting could take place in {place2} {deadline}, {anon} told {outlet}.",
    "{m} met {sa} and {sb} separately in {place} on {day}, the foreign ministry said.",
    "More than {n} people have been killed since the fighting began, according to the United Nations.",
    "Aid groups say {n} families have fled their homes since {day}.",
    "{sb} said the talks had been constructive but that serious differences remained over {demand}.",
    "Officials on both sides described the {ordinal} round as difficult, {outlet} reported.",
)


def _fill(pattern: str, rng: random.Random, neg: Negotiation, swap: bool) -> str:
    a, b = reversed(neg.sides) if swap else neg.sides
    n = rng.randrange(12, 2400)
    d = rng.choice((3, 7, 10, 14, 30, 60, 90))
    demand = rng.choice(neg.demands)
    place, place2 = rng.sample(neg.places, 2)
    values = {
        "a": a.name,
        "b": b.name,
        "sa": rng.choice(a.speakers),
        "sb": rng.choice(b.speakers),
        "m": rng.choice(neg.mediators),
        "place": place,
        "place2": place2,
        "day": rng.choice(_DAYS),
        "ordinal": rng.choice(_ORDINALS),
        "commit": rng.choice(neg.commitments),
        "commit2": rng.choice(neg.commitments),
        "demand": demand,
        "demand_cap": demand[0].upper() + demand[1:],
        "term": rng.choice(neg.terms),
        "term2": rng.choice(neg.terms),
        "threat": rng.choice(neg.threats),
        "deadline": rng.choice(_DEADLINES),
        "outlet": rng.choice(_OUTLETS),
        "anon": rng.choice(_ANONYMOUS),
        "n": n,
        "k": rng.randrange(2, 40),
    }
    # Inner fields ({n}, {d}) of the chosen phrases are filled in a second pass.
    text = pattern.format(**values).format(n=rng.randrange(12, 2400), d=d)
    return text[0].upper() + text[1:]


def article(rng: random.Random, index: int, start: date = date(2025, 1, 1)) -> dict[str, str]:
    """One article as a batch row: ``id``, ``title``, ``text``, ``published``, ``outlet``."""
    neg = rng.choice(NEGOTIATIONS)
    swap = rng.random() < 0.5
    title = _fill(rng.choice(_TITLES), rng, neg, swap)
    lead = _fill(rng.choice(_LEADS), rng, neg, swap)
    body = [_fill(p, rng, neg, rng.random() < 0.5) for p in rng.sample(_BODY, 7)]
    return {
        "id": f"synthetic-{index}",
        "title": title,
        "text": "\n\n".join([title, lead, *body]),
        "published": (start + timedelta(days=rng.randrange(365))).isoformat(),
        "outlet": rng.choice(_OUTLETS),
    }


def articles(count: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """``count`` articles with unique texts, the same ones for the same ``seed``."""
    rng = random.Random(seed)
    seen: set[bytes] = set()
    index = 0
    while index < count:
        row = article(rng, index)
        digest = hashlib.blake2b(row["text"].encode("utf-8"), digest_size=12).digest()
        if digest in seen:
            continue
        seen.add(digest)
        yield row
        index += 1


def write_jsonl(path: Path, count: int, seed: int = 0) -> Path:
    """Write ``count`` articles to ``path`` as a JSONL batch; return the path."""
    with path.open("w", encoding="utf-8") as out:
        for row in articles(count, seed):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    """Command line: ``python bench/synthetic.py N OUT.jsonl [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_jsonl(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
