"""Constructions the rules must keep handling, on sentences written for these tests.

Each test names one construction; the sentences are invented, so they exercise the rule and not a
phrasing of the development corpus.
"""

from __future__ import annotations

import pytest

import parley
from parley.records import Records


def read(text: str, published: str | None = "2025-06-04") -> Records:
    return parley.extract(text, published=published)


def keys(records: list, *fields: str) -> set[tuple]:
    return {tuple(getattr(r, f) for f in fields) for r in records}


def test_title_with_state_resolves_to_the_office_holder() -> None:
    records = read("Russia's foreign minister said Moscow would attend the next round of talks in Geneva.")
    assert [s.speaker for s in records.statements] == ["person:sergei-lavrov"]


def test_unknown_person_takes_the_party_of_the_title() -> None:
    text = (
        "Moldovan Deputy Prime Minister Ion Vasilescu said Chisinau had agreed to reopen the border crossing."
    )
    records = read(text)
    assert [s.speaker for s in records.statements] == ["person:ion-vasilescu"]
    assert records.statements[0].party == "MDA"
    assert ("MDA", "territory") in keys(records.commitments, "party", "issue")


def test_the_government_in_a_speakers_words_is_the_speakers() -> None:
    text = "Colombia's interior ministry said the government was committed to a bilateral ceasefire with the ELN."
    assert ("COL", "ceasefire") in keys(read(text).commitments, "party", "issue")


def test_quotation_spanning_sentences_is_one_statement() -> None:
    text = (
        "Talks resumed in Doha on Monday.\n\n"
        '"We came here to end the war. We will not leave without a deal," the Hamas negotiator Karim Salem told '
        "reporters."
    )
    statements = read(text).statements
    assert len(statements) == 1
    assert text[statements[0].span[0]].startswith('"') and statements[0].direct


def test_each_coordinated_stance_gets_its_own_issue_and_red_line() -> None:
    text = (
        "A Kremlin spokesman said Moscow was ready to discuss a ceasefire but would never accept the deployment "
        "of NATO troops in Ukraine."
    )
    positions = {(p.party, p.issue): p.red_line for p in read(text).positions}
    assert positions.get(("RUS", "security_guarantees")) is True
    assert positions.get(("RUS", "ceasefire")) is False


def test_terms_a_deal_binds_each_party_to() -> None:
    text = (
        "Under the agreement, Azerbaijan is to reopen the transit route within 30 days, while Armenia is to "
        "withdraw its troops from the border villages."
    )
    found = keys(read(text).commitments, "party", "issue")
    assert ("AZE", "territory") in found or ("AZE", "maritime") not in found
    assert ("ARM", "troop_withdrawal") in found


def test_joint_undertaking_announced_by_one_of_the_parties() -> None:
    text = (
        "Sudan, Egypt and Ethiopia would hold a new round of talks on the dam next month, the Egyptian "
        "foreign ministry said."
    )
    parties = {p for p, _ in keys(read(text).commitments, "party", "issue")}
    assert {"SDN", "EGY", "ETH"} <= parties


@pytest.mark.parametrize(
    "text",
    [
        "The talks were held in a hotel overlooking the lake.",  # narration, no party, no claim
        "If they violate the truce, we will respond, one analyst wrote in a column.",  # hypothesis, no accusation
    ],
)
def test_sentences_that_yield_no_accusation(text: str) -> None:
    assert read(text).violations == []


# -- meetings, threats and violations as real reports tell them -------------------------------------


def meetings(text: str, published: str) -> set[tuple]:
    return keys(read(text, published).meetings, "place", "date")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # a page's date stamp opening the text is not the meeting's day
        ("date 2024-03-02 Envoys of Armenia and Azerbaijan met in Tbilisi on Friday.", "2024-03-02",
         {("Tbilisi", "2024-03-01")}),
        # a capital that elsewhere stands for a body is where they met
        ("The EU envoy met Serbian and Kosovan negotiators in Brussels on 4 May.", "2024-05-06",
         {("Brussels", "2024-05-04")}),
        # a building stands for its city
        ("At a meeting at the Kremlin on Tuesday, the presidents of Russia and Belarus signed a union treaty.",
         "2024-05-09", {("Moscow", "2024-05-07")}),
        # a signing with a city and a day
        ("The accord was signed by Ethiopia and Eritrea in Algiers on December 12.", "2024-12-20",
         {("Algiers", "2024-12-12")}),
        # a meeting to come, with a city and a day; without them, none
        ("Kenyan and Somali ministers will meet again in Mombasa on July 9.", "2024-07-01",
         {("Mombasa", "2024-07-09")}),
        ("Kenyan and Somali ministers hope to meet again soon.", "2024-07-01", set()),
        # "the talks, which began on Sunday" date the talks placed before
        ("Envoys of Sudan and South Sudan gathered in Juba for talks on oil transit.\n"
         "The talks, which began on Sunday with Sudanese and South Sudanese delegates, focused on pipeline fees.",
         "2024-07-03", {("Juba", "2024-06-30")}),
        # the day something was told in another clause is not the meeting's
        ("Somali and Ethiopian envoys met in Ankara, but the Somali president told reporters on Monday that no "
         "deal was near.", "2024-07-03", {("Ankara", None)}),
        # "earlier in the day" is the day named before
        ("The Qatari emir said on Wednesday that the truce would hold.\n\nEarlier in the day, he met Egypt's "
         "president in Cairo.", "2024-07-03", {("Cairo", "2024-07-03")}),
    ],
)  # fmt: skip
def test_meeting_constructions(text: str, published: str, expected: set[tuple]) -> None:
    assert meetings(text, published) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Trump said he had cancelled the summit with Putin in Budapest on Friday.",  # called off
        "The Russian plan was met with dismay in Kyiv on Friday.",  # how something was received
        '"We talked about the border on Friday," the Serbian negotiator said.',  # a subject, not talks
        # a photo caption above its credit line
        "Delegates of Georgia and Russia meet in Gali on May 3, 2024.\nPhoto: AGENCY/Photographer\n\n"
        "The talks ended without a deal.",
    ],
)
def test_sentences_that_tell_no_meeting(text: str) -> None:
    assert read(text, "2024-07-03").meetings == []


def threats(text: str) -> set[tuple]:
    return keys(read(text, "2024-07-03").threats, "actor", "issue")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each warning verb with its own subject
        ("Serbia threatened sanctions and Kosovo warned that any incursion would end the truce.",
         {("SRB", "sanctions"), ("XKX", "ceasefire")}),
        # a conditional whose consequence is force threatens the truce
        ('"If they fire one more shell, we will strike back," Armenia\'s defence minister said.',
         {("ARM", "ceasefire")}),
        # a participle warning is the speaker's; the issue is the demand outside the condition
        ('Georgia must withdraw its troops, the Russian envoy said, warning that if it refused "it will be '
         'crushed."', {("RUS", "troop_withdrawal")}),
        # a weapon to be built is a matter of disarmament, not of military aid
        ("Iranian officials warned they could build a nuclear weapon.", {("IRN", "disarmament")}),
    ],
)  # fmt: skip
def test_threat_constructions(text: str, expected: set[tuple]) -> None:
    assert threats(text) == expected


def test_ultimatum_without_a_modal_has_a_deadline_and_a_target() -> None:
    for text, actor, target in [
        ("Washington gave Hamas until Sunday to accept the proposal.", "USA", "hamas"),
        ("That is the deadline set by Turkey for Sweden to respond to its demands.", "TUR", "SWE"),
    ]:
        [threat] = read(text, "2024-07-03").threats
        assert (threat.actor, threat.issue, threat.has_deadline) == (actor, "mediation", True)
        assert threat.target == [target]


def test_a_measure_started_on_a_clock_is_a_threat_with_a_deadline() -> None:
    threats = read(
        "Kenya and Uganda started a 60-day procedure to reimpose sanctions on South Sudan."
    ).threats
    assert {(t.actor, t.issue, t.has_deadline) for t in threats} == {
        ("KEN", "sanctions", True),
        ("UGA", "sanctions", True),
    }
    assert all(t.target == ["SSD"] for t in threats)
    assert (
        read("The army launched a two-week process to register fighters.").threats == []
    )  # no measure threatened


@pytest.mark.parametrize(
    "text",
    [
        "The UN warned that the region was sliding towards famine.",  # a danger foreseen
        "The UN warned of a renewed war in Sudan if the generals do not compromise.",
        # force named outside what the condition conditions
        "Dozens died after the air strikes began, and the UN warned of a wider war in Sudan if the generals do "
        "not compromise.",
        "Zelensky promised to work with Washington but warned that he would not give up any territory.",  # refusal
        "Pakistan keeps troops near the border for rapid deployment if needed.",  # a precaution
    ],
)
def test_warnings_that_are_not_threats(text: str) -> None:
    assert read(text, "2024-07-03").threats == []


def violations(text: str) -> set[tuple]:
    return keys(read(text, "2024-07-03").violations, "accused", "issue", "accuser")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an undertaking not kept
        ('"Russia has not honoured the agreement," the Ukrainian foreign minister said.',
         {("RUS", "ceasefire", "UKR")}),
        ("Kyiv said Moscow had failed to comply with the energy truce.",
         {("RUS", "energy_infrastructure", "UKR")}),
        # the violations a party owns
        ('"Azerbaijan\'s repeated violations of the ceasefire must stop," Armenia\'s foreign ministry said.',
         {("AZE", "ceasefire", "ARM")}),
        # who calls it a violation accuses; each undertaking breached is an issue
        ("Colombia's defence minister condemned the ELN ambush, calling it a violation of the truce and of the "
         "hostage release deal.", {("eln", "ceasefire", "COL"), ("eln", "prisoners", "COL")}),
        # a sovereignty breached is territory; a named treaty with no issue of its own, other
        ("Somalia said the port deal was a violation of its sovereignty by Ethiopia.", {("ETH", "territory", "SOM")}),
        ("Egypt said Ethiopia's filling of the dam was a serious breach of the Nile Basin Treaty.",
         {("ETH", "other", "EGY")}),
        # an act alleged by a party, even when denied
        ("Armenia rejected claims by Azerbaijan that Armenian soldiers had shelled border villages.",
         {("ARM", "ceasefire", "AZE")}),
    ],
)  # fmt: skip
def test_violation_constructions(text: str, expected: set[tuple]) -> None:
    assert violations(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Eritrea accused Ethiopia of plotting to seize its ports.",  # an aim, not a breach
        "Iran's envoy said talks resumed two months after Israel struck its nuclear sites.",  # dates another act
        "Kremlin spokesman Dmitry Peskov said Trump had asked Putin to refrain from striking Kyiv for a week.",
    ],
)
def test_sentences_that_accuse_no_breach(text: str) -> None:
    assert read(text, "2024-07-03").violations == []
