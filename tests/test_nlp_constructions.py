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
    assert "MDA" in {c.party for c in records.commitments}


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


# -- commitments, proposals, positions: the constructions of real reporting ----------------------------


def test_issue_is_the_head_the_predicate_governs_not_the_first_modifier() -> None:
    # "humanitarian" comes first, but what is agreed to is a truce
    text = "Sudan's army agreed to observe a humanitarian truce in Darfur."
    assert keys(read(text).commitments, "party", "issue") == {("SDN", "ceasefire")}


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ('Moldova had offered Transnistria a "local truce" for five days along the river.', "ceasefire"),
        ("Moldova proposed to Transnistria to hold a summit in Vienna.", "mediation"),
        ("Chisinau offered to hand over more prisoners of war to Tiraspol.", "prisoners"),
    ],
)
def test_what_a_party_offers_or_proposes_is_its_proposal(text: str, issue: str) -> None:
    assert ("MDA", issue) in keys(read(text).proposals, "proposer", "issue")


@pytest.mark.parametrize(
    ("text", "party", "issue"),
    [
        ("The ELN guerrillas restated their commitment to release captives.", "eln", "prisoners"),
        ("The TPLF confirmed its agreement to join the ceasefire.", "tplf", "ceasefire"),
        ("The Houthis signalled their acceptance of a plan for a ceasefire.", "houthis", "ceasefire"),
        ("India and Pakistan agreed to scale back troops along the border.", "PAK", "troop_withdrawal"),
    ],
)
def test_an_undertaking_told_as_a_noun_phrase_is_a_commitment(text: str, party: str, issue: str) -> None:
    assert (party, issue) in keys(read(text).commitments, "party", "issue")


def test_an_offered_pledge_is_a_proposal_not_an_undertaking() -> None:
    records = read("Washington offered Kyiv a NATO-style pledge to defend it.")
    assert ("USA", "security_guarantees") in keys(records.proposals, "proposer", "issue")
    assert not records.commitments


def test_a_commitment_without_an_issue_word_does_not_take_a_generic_word_of_its_sentence() -> None:
    text = "After the attacks stopped, Armenia agreed to take further steps."
    assert ("ARM", "ceasefire") not in keys(read(text).commitments, "party", "issue")


@pytest.mark.parametrize(
    ("text", "party", "issue"),
    [
        ("Baku did not agree to a truce.", "AZE", "ceasefire"),
        ("Norway and Finland have ruled out deploying soldiers to Georgia.", "NOR", "security_guarantees"),
        ("Kigali's demand for a buffer zone was dropped.", "RWA", "security_guarantees"),
        (
            "The rebels would not say whether they would accept a clause that they disarm, a key demand by Colombia.",
            "COL",
            "disarmament",
        ),
        (
            "Serbia called for talks on the autonomy of Serb-majority municipalities.",
            "SRB",
            "political_settlement",
        ),
    ],
)
def test_a_stance_is_about_what_its_verb_or_noun_governs(text: str, party: str, issue: str) -> None:
    assert (party, issue) in keys(read(text).positions, "party", "issue")


def test_a_denied_act_is_not_a_stance() -> None:
    assert not read("Tehran denied seeking a nuclear weapon and urged restraint.").positions


@pytest.mark.parametrize(
    ("text", "parties", "issue"),
    [
        ("The ELN announced a ceasefire with Colombia after talks in Havana.", {"eln", "COL"}, "ceasefire"),
        ("A truce was agreed by Armenia and Azerbaijan on Sunday.", {"ARM", "AZE"}, "ceasefire"),
        ("Sudan's army agreed with the RSF on a new exchange of prisoners.", {"SDN", "rsf"}, "prisoners"),
    ],
)
def test_a_pact_told_as_made_binds_both_its_parties(text: str, parties: set[str], issue: str) -> None:
    found = keys(read(text).commitments, "party", "issue")
    assert {(p, issue) for p in parties} <= found


@pytest.mark.parametrize(
    ("text", "proposer", "issue"),
    [
        ("Khartoum weighed a truce plan drafted between Riyadh and Washington.", "SAU", "ceasefire"),
        ("The rebels accepted the ceasefire proposed by the African Union.", "au", "ceasefire"),
        ("Moscow's proposal for short local ceasefires was rejected.", "RUS", "ceasefire"),
    ],
)
def test_a_plan_or_term_qualified_by_its_proposer_is_a_proposal(text: str, proposer: str, issue: str) -> None:
    assert (proposer, issue) in keys(read(text).proposals, "proposer", "issue")


def test_each_coordinated_object_of_a_refusal_is_its_own_stance() -> None:
    found = keys(
        read("Khartoum did not agree to a truce and a summit of presidents.").positions,
        "party",
        "issue",
    )
    assert {("SDN", "ceasefire"), ("SDN", "mediation")} <= found


def test_a_stance_in_the_passive_belongs_to_its_agent() -> None:
    text = "The suspension of strikes on the power grid was welcomed by Armenia."
    assert ("ARM", "energy_infrastructure") in keys(read(text).positions, "party", "issue")


def test_a_refusal_given_as_a_reason_is_not_a_stance_told() -> None:
    text = "Washington imposed new sanctions over Moscow's refusal to end the war."
    assert ("RUS", "ceasefire") not in keys(read(text).positions, "party", "issue")


def test_an_aim_reporting_ascribes_is_not_a_stance() -> None:
    text = "A new round of negotiations between Bogota and the ELN began in Caracas on Friday, seeking to calm violence along the border."
    assert not read(text).positions


def test_what_a_mediator_urges_two_parties_is_about_the_clause_not_the_parties() -> None:
    # the appeal to both sides is a term put to them (a proposal); its issue is the urged clause
    text = "Ghana urged Togo and Benin to stop all hostilities."
    assert keys(read(text).proposals, "proposer", "issue") == {("GHA", "ceasefire")}


def test_suspending_an_accord_is_a_stance_on_it() -> None:
    text = "Thailand has suspended the joint declaration after a landmine wounded two of its soldiers."
    assert ("THA", "ceasefire") in keys(read(text).positions, "party", "issue")


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
        # talks that a dated act came after ("issued ... following talks") were held on its day, also
        # where the parser hangs "following" past a parenthesis on the main verb
        ("Kyiv answered the communique released on Sunday by the Nordic group (Norway, Sweden and Finland) "
         "following consultations in Oslo.", "2024-07-03", {("Oslo", "2024-06-30")}),
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
        (
            "As part of the deal, the TPLF will withdraw its forces from three districts.",
            {("tplf", "troop_withdrawal")},
        ),
        (
            "Under the terms of the truce, Hamas would free ten hostages and Israel would release prisoners.",
            {("hamas", "prisoners"), ("ISR", "prisoners")},
        ),
    ],
)
def test_terms_told_after_a_phrase_that_introduces_the_pact_bind_each_subject(
    text: str, expected: set
) -> None:
    assert expected <= keys(read(text).commitments, "party", "issue")


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
        # a punishment promised is a threat: about sanctions where it names them, else about what it punishes
        ("The EU's foreign policy chief said Brussels would hold the warring generals accountable, including "
         "through targeted sanctions.", {("eu", "sanctions")}),
        ("Washington will hold the Houthis accountable for any attack on shipping, a State Department "
         "spokesman said.", {("USA", "maritime")}),
        ("Israel's defence minister said Israel would make Hezbollah pay for the rocket fire.", {("ISR", "ceasefire")}),
    ],
)  # fmt: skip
def test_threat_constructions(text: str, expected: set[tuple]) -> None:
    assert threats(text) == expected


def test_a_punishment_promised_is_no_undertaking() -> None:
    text = "The EU's foreign policy chief said Brussels would hold the warring generals accountable with sanctions."
    assert read(text).commitments == []


def test_ultimatum_without_a_modal_has_a_deadline_and_a_target() -> None:
    for text, actor, target in [
        ("Washington gave Hamas until Sunday to accept the proposal.", "USA", "hamas"),
        ("Friday is the deadline set by Qatar for the RSF to respond to its offer.", "QAT", "rsf"),
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
        "Norway warned of renewed fighting in Kosovo if the two governments do not negotiate.",
        # force named outside what the condition conditions
        "Several villagers were killed when the shelling resumed, and the African Union warned of a broader "
        "conflict in Ethiopia if the two sides do not negotiate.",
        "Pashinyan pledged to keep talking with Baku but warned that he would never cede any territory.",  # refusal
        "Pakistan keeps troops near the border for rapid deployment if needed.",  # a precaution
        "The EU said those responsible for war crimes must be held accountable.",  # a demand, not a punishment
        "Colombia said it would make the peace process pay off for rural communities.",
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
        # ... also where the parser joins the second undertaking to the breach ("violation and agreement")
        ('Armenian Defence Minister Suren Papikyan condemned Azerbaijan\'s shelling, calling it a "flagrant '
         'violation of the truce and the agreement to exchange prisoners."',
         {("AZE", "ceasefire", "ARM"), ("AZE", "prisoners", "ARM")}),
        ('Ethiopia\'s army chief criticised the TPLF\'s move, terming it a "grave violation of the truce '
         'agreement and the deal to free the detainees."', {("tplf", "ceasefire", "ETH"), ("tplf", "prisoners", "ETH")}),
        # a sovereignty breached is territory; a named treaty with no issue of its own, other
        ("Somalia said the port deal was a violation of its sovereignty by Ethiopia.", {("ETH", "territory", "SOM")}),
        ("Egypt said Ethiopia's filling of the dam was a serious breach of the Nile Basin Treaty.",
         {("ETH", "other", "EGY")}),
        # the army and "allied" forces both accused (the parser may read "allied" as a second verb)
        ("The ELN accused the Colombian army and allied Clan del Golfo fighters of shelling its camps.",
         {("COL", "ceasefire", "eln"), ("clan-del-golfo", "ceasefire", "eln")}),
        # each act a charge lists is an accusation of its own
        ("The ELN accused Colombia of breaking its word by delaying the release of prisoners, shooting at its "
         "camps and blocking food deliveries.",
         {("COL", "humanitarian", "eln"), ("COL", "prisoners", "eln"), ("COL", "ceasefire", "eln")}),
        # two accusations in one sentence: each teller accuses the other
        ("The TPLF accused the Ethiopian army of shelling its positions, but the military said TPLF units had "
         "struck first.", {("ETH", "ceasefire", "tplf"), ("tplf", "ceasefire", "ETH")}),
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
        "Erdogan's spokesman said he had asked Putin to refrain from bombing Odesa for three days.",
    ],
)
def test_sentences_that_accuse_no_breach(text: str) -> None:
    assert read(text, "2024-07-03").violations == []


def test_a_bare_deal_takes_the_issue_the_rest_of_the_clause_names() -> None:
    text = "Serbia rejected Kosovo's deal with Albania as an affront to its territorial integrity."
    assert ("SRB", "territory") in keys(read(text).positions, "party", "issue")


def test_when_an_undertaking_applies_is_not_what_it_undertakes() -> None:
    text = '"After a ceasefire, Britain and France will set up training hubs across Ukraine," Starmer said.'
    assert ("GBR", "ceasefire") not in keys(read(text).commitments, "party", "issue")


def test_until_in_a_stance_is_the_demand() -> None:
    text = "Israel's prime minister said Israel would not end the war until Hamas was disarmed."
    assert ("ISR", "disarmament") in keys(read(text).positions, "party", "issue")


def test_an_undertaking_in_an_indirect_question_is_not_given() -> None:
    text = "Hamas said it had not decided whether it would agree to hand over its weapons."
    assert not read(text).commitments


@pytest.mark.parametrize(
    ("text", "party", "issue"),
    [
        ("Pashinyan called the NATO-style guarantee reassuring.", "ARM", "security_guarantees"),
        ("Egypt asked Ethiopia to resume the Nile treaty.", "EGY", "other"),
        ("Putin claims four Ukrainian regions as well as Crimea.", "RUS", "territory"),
    ],
)
def test_a_verb_states_a_stance_in_its_frame(text: str, party: str, issue: str) -> None:
    assert (party, issue) in keys(read(text).positions, "party", "issue")


def test_a_name_given_with_what_is_not_a_stance() -> None:
    text = "Negotiations foundered over what Belgrade calls the deeper causes of the dispute."
    assert ("SRB", "political_settlement") not in keys(read(text).positions, "party", "issue")


def test_the_examples_of_a_class_are_the_parties() -> None:
    text = "Countries like Spain and Greece have refused outright to consider sending troops."
    found = keys(read(text).positions, "party", "issue")
    assert {("ESP", "security_guarantees"), ("GRC", "security_guarantees")} <= found


def test_what_a_plan_is_a_plan_of_names_its_term() -> None:
    text = "Bogota unveiled a disarmament plan under which the guerrillas would surrender their rifles to UN monitors."
    assert keys(read(text).proposals, "proposer", "issue") == {("COL", "disarmament")}


def test_a_pronoun_in_a_clause_complement_is_the_outer_subject() -> None:
    text = (
        "Russia and Ukraine met again. Ukraine made clear it would not accept Russian checks on its shipping."
    )
    assert keys(read(text).positions, "party", "issue") == {("UKR", "maritime")}


def test_unnamed_mediators_proposing_are_no_proposer() -> None:
    text = "Sudan's army and the RSF signed a truce. The mediators proposed a monitoring committee."
    assert not read(text).proposals


def test_a_negated_readiness_is_a_refusal_not_an_undertaking() -> None:
    records = read(
        "Netanyahu told reporters Israel was not willing to stop fighting until Hamas was disarmed."
    )
    assert not records.commitments
    assert ("ISR", "disarmament") in keys(records.positions, "party", "issue")


def test_a_name_given_with_what_is_not_a_statement() -> None:
    text = "The talks broke down over what Belgrade describes as its red lines."
    assert not read(text).statements


def test_what_a_party_puts_on_the_table_is_its_proposal() -> None:
    text = "Kyiv once more put a complete, unconditional truce on the table."
    assert ("UKR", "ceasefire") in keys(read(text).proposals, "proposer", "issue")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Speaking in Ankara, Erdogan suggested a settlement could also cover a prisoner exchange.",
            ("TUR", "prisoners"),
        ),
        ("Norway floated a monitoring mission along the line of contact.", ("NOR", "security_guarantees")),
        ("The Kenyan president suggested holding the next round of talks in Nairobi.", ("KEN", "mediation")),
    ],
)
def test_what_a_party_floats_is_its_proposal(text: str, expected: tuple) -> None:
    assert keys(read(text).proposals, "proposer", "issue") == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "The Armenian premier suggested that the border question had come up at the last round in Vienna.",
        "Reports suggested Russia could accept a ceasefire.",
    ],
)
def test_what_a_party_suggests_is_so_is_no_proposal(text: str) -> None:
    assert not read(text).proposals


@pytest.mark.parametrize(
    ("text", "party", "issue"),
    [
        (
            "Moscow said it would never accept any troops from NATO states being deployed inside Ukraine.",
            "RUS",
            "security_guarantees",
        ),
        (
            "Azerbaijan said it would never tolerate Armenian units rearming along the border.",
            "AZE",
            "disarmament",
        ),
    ],
)
def test_the_issue_of_what_is_refused_is_read_from_its_head(text: str, party: str, issue: str) -> None:
    assert (party, issue) in keys(read(text).positions, "party", "issue")


@pytest.mark.parametrize(
    "text",
    [
        "Armenian negotiators have given up a demand that Azerbaijani soldiers promptly leave the border villages.",
        "Yerevan dropped its demand for a withdrawal of Azerbaijani troops.",
    ],
)
def test_troops_leaving_or_withdrawn_is_troop_withdrawal(text: str) -> None:
    assert keys(read(text).positions, "party", "issue") == {("ARM", "troop_withdrawal")}


def test_what_parties_decide_to_do_binds_them() -> None:
    text = "Serbia and Kosovo decided to open technical talks before the end of April."
    assert keys(read(text).commitments, "party", "issue") == {("SRB", "mediation"), ("XKX", "mediation")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia decided to attack Ukraine again.", set()),
        ("The M23 decided to escalate its military operations.", set()),
        ("The M23 agreed not to escalate its military operations.", {("m23", "ceasefire")}),
        ("Russia pledged not to attack Ukrainian ports.", {("RUS", "ceasefire")}),
        ("Serbia and Kosovo agreed to resume talks in Brussels.", {("SRB", "mediation"), ("XKX", "mediation")}),
    ],
)  # fmt: skip
def test_an_act_of_force_is_no_undertaking(text: str, expected: set[tuple]) -> None:
    assert keys(read(text).commitments, "party", "issue") == expected


def test_a_charge_rejected_in_a_relative_clause_is_a_denial() -> None:
    text = "A UN panel reported that Serbia was rearming its army, an accusation Belgrade rejected."
    assert not read(text).positions


def test_a_with_phrase_before_the_verb_names_no_party_to_the_agreement() -> None:
    text = "Serbian and Kosovan leaders met in Brussels. With Turkey mediating, the two leaders agreed to cease fighting."
    assert keys(read(text).commitments, "party", "issue") == {("SRB", "ceasefire"), ("XKX", "ceasefire")}


@pytest.mark.parametrize(
    "text",
    [
        "The ELN on Friday dismissed the accusations, urging fresh international efforts to carry out the peace accord.",
        "The ELN dismissed the accusations, calling them false and urging fresh international efforts to carry out the peace accord.",
    ],
)
def test_a_participle_urging_after_a_denial_is_a_stance(text: str) -> None:
    assert ("eln", "mediation") in keys(read(text).positions, "party", "issue")


def test_terms_of_a_pact_in_what_a_report_verb_says_bind_the_parties() -> None:
    text = (
        "A Gulf broadcaster reported that, according to the deal's terms, the RSF will not launch "
        "any offensive action against the army."
    )
    assert ("rsf", "ceasefire") in keys(read(text).commitments, "party", "issue")


@pytest.mark.parametrize(
    "text",
    [
        'Minutes before, Ruto wrote on X: "The ceasefire has begun. Respect it."',
        'Ruto said: "Stop the attacks on Baidoa now."',
    ],
)
def test_a_command_in_a_speakers_words_is_a_stance(text: str) -> None:
    assert keys(read(text).positions, "party", "issue") == {("KEN", "ceasefire")}


def test_a_base_form_after_to_or_a_modal_is_no_command() -> None:
    text = 'Erdogan said: "We will stop nothing, and we hope to see the truce last."'
    assert not read(text).positions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ruto said Kenya attaches great importance to Somalia's territorial integrity.", ("KEN", "territory")),
        ('"We encourage our partners to join us in imposing these sanctions," the British foreign secretary said.',
         ("GBR", "sanctions")),
    ],
)  # fmt: skip
def test_stance_frames_of_encouraging_and_attaching_importance(text: str, expected: tuple) -> None:
    assert expected in keys(read(text).positions, "party", "issue")


def test_a_party_named_before_a_participle_holds_its_stance() -> None:
    text = "The talks stalled over Somalia demanding that Ethiopia withdraw its troops from the border."
    assert keys(read(text).positions, "party", "issue") == {("SOM", "troop_withdrawal")}


def test_meeting_again_in_a_speakers_words_is_an_undertaking_to_talk() -> None:
    text = "Serbia's foreign minister said Serbia and Kosovo would meet again in Vienna on June 25."
    assert keys(read(text).commitments, "party", "issue") == {("SRB", "mediation"), ("XKX", "mediation")}


def test_what_a_party_calls_itself_is_no_stance() -> None:
    text = "Last month Vucic announced fresh talks with the Kosovo government, which calls itself the legitimate authority."
    assert not read(text).positions


@pytest.mark.parametrize(
    "text",
    [
        '"The responsibility for ceasefire violations in the north cannot be placed on Serbia," the Serbian foreign ministry said.',
        '"The blame for the collapse of the truce does not lie with Serbia," the Serbian foreign ministry said.',
    ],
)
def test_denying_the_blame_is_no_stance(text: str) -> None:
    assert not read(text).positions


def test_what_a_pact_gives_in_return_is_the_other_sides_undertaking() -> None:
    text = "In April, Washington announced a deal with the M23 to halt its air raids in return for a halt to shipping attacks."
    assert keys(read(text).commitments, "party", "issue") == {("USA", "ceasefire"), ("m23", "maritime")}


def test_an_agreement_signed_with_another_side_in_exchange_binds_each_to_its_part() -> None:
    text = "Kyiv signed a deal with Moscow to free prisoners in exchange for a halt to strikes on energy facilities."
    assert keys(read(text).commitments, "party", "issue") == {
        ("UKR", "prisoners"),
        ("RUS", "energy_infrastructure"),
    }


def test_human_rights_are_a_humanitarian_issue() -> None:
    text = "Kosovo's chief negotiator said the issue of human rights had to come first."
    assert keys(read(text).positions, "party", "issue") == {("XKX", "humanitarian")}


def test_restoring_ties_is_an_issue_of_its_own() -> None:
    text = (
        "Colombia and Venezuela agreed to restore diplomatic relations under an accord facilitated by Brazil."
    )
    assert keys(read(text).commitments, "party", "issue") == {("COL", "other"), ("VEN", "other")}


def test_integrating_a_group_into_a_possessed_state_is_a_settlement() -> None:
    text = (
        "Colombia's president and the ELN commander signed a historic accord on Thursday to integrate the "
        "ELN into the country's state institutions."
    )
    assert keys(read(text).commitments, "party", "issue") == {
        ("COL", "political_settlement"),
        ("eln", "political_settlement"),
    }


def test_a_speaker_named_as_one_of_the_pair_is_one_of_both_sides() -> None:
    text = (
        "Serbia and Kosovo met in Geneva on Monday. Serbia's foreign minister said the two countries would "
        "meet again in Geneva on June 25."
    )
    assert {("SRB", "mediation"), ("XKX", "mediation")} <= keys(read(text).commitments, "party", "issue")


def test_a_mediator_reporting_is_not_one_of_both_sides() -> None:
    text = (
        "Serbia and Kosovo met in Geneva on Monday. Austria's foreign minister said the two countries would "
        "meet again in Geneva on June 25."
    )
    assert "AUT" not in {party for party, _ in keys(read(text).commitments, "party", "issue")}


def test_a_capital_where_the_sides_met_is_not_one_of_them() -> None:
    text = (
        "Serbia and Kosovo met in Vienna on Monday. Serbia's foreign minister said the two countries would "
        "meet again in Vienna on June 25."
    )
    records = read(text)
    assert keys(records.commitments, "party", "issue") == {("SRB", "mediation"), ("XKX", "mediation")}
    assert all(set(m.participants) == {"SRB", "XKX"} for m in records.meetings)


def test_verbs_sharing_a_modal_are_each_a_stance() -> None:
    text = (
        "The African Union envoy said both sides should halt the shelling and respect the power-sharing "
        "agreement."
    )
    issues = {p.issue for p in read(text).positions}
    assert {"ceasefire", "political_settlement"} <= issues


def test_a_verb_in_a_condition_does_not_share_the_modal() -> None:
    text = (
        "Norway said it would only consider easing sanctions once Baku ended its offensive and pulled its "
        "forces out of Armenian territory."
    )
    positions = keys(read(text).positions, "party", "issue")
    assert ("NOR", "sanctions") in positions and ("NOR", "territory") not in positions


def test_each_infinitive_under_a_commitment_verb_is_an_undertaking() -> None:
    text = (
        "Armenia and Azerbaijan pledged to cease all fighting, reopen trade routes and respect each other's "
        "territorial integrity, the joint declaration said."
    )
    commitments = keys(read(text).commitments, "party", "issue")
    assert {("ARM", "territory"), ("AZE", "territory")} <= commitments


def test_a_party_the_parser_hangs_on_the_subject_is_a_party() -> None:
    text = (
        "The UK and Sudan's RSF agreed to stop targeting each other's convoys, Kenya's foreign minister said."
    )
    parties = {c.party for c in read(text).commitments}  # spaCy makes "UK" a modifier of "RSF"
    assert {"GBR", "rsf"} <= parties


def test_pairs_of_demonyms_name_both_parties() -> None:
    text = "Pakistani and Indian military commanders have agreed to withdraw troops from the border."
    assert {("PAK", "troop_withdrawal"), ("IND", "troop_withdrawal")} <= keys(
        read(text).commitments, "party", "issue"
    )


def test_a_registry_person_named_later_by_surname_keeps_the_id() -> None:
    text = (
        "Russian Foreign Minister Sergei Lavrov arrived in Ankara on Tuesday.\n\n"
        '"We are ready for talks," Lavrov said.'
    )
    assert [s.speaker for s in read(text).statements] == ["person:sergei-lavrov"]


def test_demining_and_handing_over_governance_are_issues() -> None:
    demining = read("Sudan and South Sudan agreed to start demining the border zone.")
    assert {("SDN", "disarmament"), ("SSD", "disarmament")} <= keys(demining.commitments, "party", "issue")
    handing_over = read("The RSF committed to hand over the governance of Nyala to a civilian council.")
    assert ("rsf", "political_settlement") in keys(handing_over.commitments, "party", "issue")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Syria hopes that a ceasefire will take hold soon.", ("SYR", "ceasefire")),
        ("The government of Serbia is deeply concerned about the deployment of foreign troops in Kosovo.",
         ("SRB", "security_guarantees")),
        ("Ethiopia requested the deployment of African Union monitors along the border.", ("ETH", "territory")),
    ],
)  # fmt: skip
def test_hopes_concerns_and_requests_are_stances(text: str, expected: tuple[str, str]) -> None:
    assert expected in keys(read(text).positions, "party", "issue")


def test_a_bare_agreement_is_about_the_agreement_named_before() -> None:
    text = (
        "Sudan and South Sudan signed an agreement on the future status of the disputed Abyei region on Monday.\n\n"
        "The African Union welcomed the agreement on Tuesday."
    )
    assert ("au", "territory") in keys(read(text).positions, "party", "issue")


def test_pushing_for_a_party_to_act_is_a_stance() -> None:
    text = "Paris kept pushing for Rwanda to withdraw soldiers from North Kivu."
    assert ("FRA", "troop_withdrawal") in keys(read(text).positions, "party", "issue")


def test_seeking_talks_is_a_stance_not_an_undertaking() -> None:
    records = read("Hamas said it would seek new negotiations on a permanent ceasefire.")
    assert ("hamas", "ceasefire") in keys(records.positions, "party", "issue")
    assert not records.commitments


def test_it_is_important_to_binds_no_one() -> None:
    text = '"It is important to note that the ceasefire line has not moved," the Thai foreign ministry said.'
    assert not read(text).commitments


def test_a_name_given_its_members_in_parentheses_is_that_bloc() -> None:
    text = (
        "The Quartet (the United States, Egypt, the United Arab Emirates and Saudi Arabia) gathered in Washington "
        "on Tuesday.\n\nIn a joint statement, the Quartet urged the Sudanese sides to open aid corridors. "
        "The Quartet statement also said there could be no military solution."
    )
    assert [s.speaker for s in read(text).statements] == ["quad", "quad"]


def test_the_statement_is_by_the_author_of_the_statement_told_before() -> None:
    text = (
        "The RSF dismissed a joint statement issued on Monday by the Sudan Quad.\n\n"
        "The statement urged a six-week pause in the fighting."
    )
    assert [s.speaker for s in read(text).statements][-1] == "quad"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The M23 rebels released a statement on Thursday announcing their acceptance of the ceasefire proposal.",
         "m23"),
        ("The Houthis issued a statement saying they would halt attacks on shipping.", "houthis"),
        ("A statement by the Egyptian foreign ministry saying the talks would resume was welcomed in Doha.", "EGY"),
    ],
)  # fmt: skip
def test_a_statement_issued_saying_is_its_issuers(text: str, speaker: str) -> None:
    assert [s.speaker for s in read(text).statements] == [speaker]


def test_reports_indicating_name_no_speaker() -> None:
    text = "Cambodia is deeply concerned about press reports indicating that Bangkok has halted the accord."
    assert "anon" not in {s.speaker for s in read(text).statements}


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will merge the two armies within a year," read a statement by the Serbian presidency.', "SRB"),
        ('"The talks were constructive," said a statement from the Qatari foreign ministry.', "QAT"),
    ],
)  # fmt: skip
def test_a_statement_after_the_quote_is_its_authors(text: str, speaker: str) -> None:
    assert [s.speaker for s in read(text).statements] == [speaker]


def test_reading_a_proposal_says_nothing() -> None:
    assert not read("Kyiv read the proposal carefully before answering.").statements


def test_a_declaration_named_after_a_city_speaks_for_its_parties() -> None:
    text = (
        "Ethiopia and Somalia agreed on Wednesday to end a year-long dispute over Ethiopia's access to the sea.\n\n"
        "The Ankara Declaration said the two countries would begin technical talks by the end of February."
    )
    assert {s.speaker for s in read(text).statements} == {"ETH", "SOM"}


def test_the_ministry_is_the_states_last_named_with_a_government() -> None:
    text = (
        "The government of Armenia is deeply concerned about reports that Azerbaijan has moved troops to the "
        "border.\n\nAzerbaijan denied the reports on Tuesday.\n\n"
        "The ministry said the troops had been in place for weeks."
    )
    assert [s.speaker for s in read(text).statements][-1] == "ARM"


@pytest.mark.parametrize(
    "opening",
    [
        "Talks between Serbia and Kosovo, mediated by Norway, resumed in Brussels on Monday.",
        "Norwegian-mediated talks between Serbia and Kosovo resumed on Monday.",
        "Norway has hosted talks between Serbia and Kosovo since March.",
        "Serbia and Kosovo met under Norwegian auspices on Monday.",
    ],
)
def test_a_go_between_is_not_one_of_the_two_sides(opening: str) -> None:
    text = f"{opening} Norway's foreign minister met Norway's envoy. The two sides agreed to hold another round of talks next month."
    assert keys(read(text).commitments, "party", "issue") == {("SRB", "mediation"), ("XKX", "mediation")}


def test_a_backer_of_one_side_is_not_the_other_side() -> None:
    text = "Yemen's government and the Iran-backed Houthis met in Muscat on Monday. The two sides agreed to exchange prisoners."
    assert keys(read(text).commitments, "party") == {("YEM",), ("houthis",)}


def test_sides_that_are_themselves_the_speakers_are_still_the_sides() -> None:
    text = (
        "Ethiopia signed a framework accord with Eritrea on Saturday. Both governments confirmed the truce "
        "and reiterated their commitment to free detainees."
    )
    commitments = keys(read(text).commitments, "party", "issue")
    assert {
        ("ETH", "ceasefire"),
        ("ERI", "ceasefire"),
        ("ETH", "prisoners"),
        ("ERI", "prisoners"),
    } <= commitments


@pytest.mark.parametrize(
    ("opening", "proposals", "positions"),
    [
        (
            "Talks between Serbia and Kosovo, mediated by Norway, resumed on Monday.",
            {("NOR", "prisoners")},
            set(),
        ),
        ("Talks between Serbia and Kosovo resumed on Monday.", set(), {("NOR", "prisoners")}),
    ],
)
def test_a_go_betweens_appeal_to_the_sides_is_its_proposal(
    opening: str, proposals: set[tuple], positions: set[tuple]
) -> None:
    records = read(f"{opening} Norway urged both sides to release all detainees.")
    assert keys(records.proposals, "proposer", "issue") == proposals
    assert keys(records.positions, "party", "issue") == positions


def test_each_example_of_a_class_speaks() -> None:
    records = read("Countries such as Hungary and Slovakia said they would not send weapons to Kyiv.")
    assert {s.speaker for s in records.statements} == {"HUN", "SVK"}


@pytest.mark.parametrize(
    "text",
    [
        "With Kenya mediating, the two leaders agreed to free all detainees.",
        "The two leaders agreed to free all detainees, with Kenya facilitating.",
    ],
)
def test_a_go_between_in_an_absolute_with_phrase_is_no_party(text: str) -> None:
    opening = (
        "Ethiopia and Eritrea met in Nairobi. Kenya's president said Kenya would welcome Kenya's neighbours. "
    )
    assert keys(read(opening + text).commitments, "party", "issue") == {
        ("ETH", "prisoners"),
        ("ERI", "prisoners"),
    }


def test_each_infinitive_hung_on_the_verb_of_a_commitment_noun_is_an_undertaking() -> None:
    text = (
        "Serbia and Kosovo met in Brussels. The envoy welcomed the two sides' commitment to a package of "
        "steps to observe a truce, improve living conditions in the region, and prepare for local elections."
    )
    found = keys(read(text).commitments, "party", "issue")
    for party in ("SRB", "XKX"):
        assert {(party, "ceasefire"), (party, "humanitarian"), (party, "political_settlement")} <= found


def test_a_party_named_as_the_leader_of_a_force_is_not_one_of_the_sides() -> None:
    text = (
        "The Sudanese government and the RSF rebels have been fighting since 2023. Sudan's army and the RSF "
        "faced a Kenyan-led force in the east. The two parties agreed to free all detainees."
    )
    assert keys(read(text).commitments, "party") == {("SDN",), ("rsf",)}


@pytest.mark.parametrize(
    "text",
    [
        "A rebel group in Colombia said on Friday it would observe a ceasefire during the holidays. The ELN "
        "has fought the state since 1964.",
        "Colombia's largest guerrilla movement has said it would observe a ceasefire, weeks after the ELN "
        "attacked a police station.",
        "Lebanon's main Shiite party said it would observe the truce, after its leader Naim Qassem met "
        "mediators in Beirut.",
    ],
)
def test_a_group_of_a_state_is_the_group_named_after_it_not_the_state(text: str) -> None:
    records = read(text)
    group = "hezbollah" if "Lebanon" in text else "eln"
    assert records.statements[0].speaker == group
    assert (group, "ceasefire") in keys(records.commitments, "party", "issue")


def test_an_office_owned_by_a_pronoun_is_the_institution_of_its_person() -> None:
    text = (
        "Moldovan Deputy Prime Minister Ion Vasilescu arrived in Tiraspol on Monday. In a statement issued by "
        "his office, he said Chisinau would reopen the crossing. The statement added that talks would resume in May."
    )
    assert [s.speaker for s in read(text).statements] == ["person:ion-vasilescu", "MDA"]


@pytest.mark.parametrize(
    ("text", "positions"),
    [
        (
            "Serbia's president said he accepted the truce but was not willing to stop the fighting altogether.",
            {("SRB", "ceasefire")},
        ),
        ("Serbia said it was ready to observe the truce.", set()),  # the undertaking's own words
    ],
)
def test_a_refusal_beside_an_undertaking_on_the_same_issue_is_a_stance(
    text: str, positions: set[tuple]
) -> None:
    records = read(text)
    assert ("SRB", "ceasefire") in keys(records.commitments, "party", "issue")
    assert keys(records.positions, "party", "issue") == positions


def test_what_the_two_sides_will_do_is_their_undertaking_with_its_condition_before_it() -> None:
    records = read(
        "Serbia and Kosovo met in Brussels on Monday. If calm holds, the two sides will resume talks in May."
    )
    assert keys(records.commitments, "party", "issue", "conditional") == {
        ("SRB", "mediation", True),
        ("XKX", "mediation", True),
    }


def test_what_the_parties_would_do_describes_a_plan_not_an_undertaking() -> None:
    text = (
        "Serbia and Kosovo met in Brussels on Monday. The two sides would then negotiate a permanent truce."
    )
    assert read(text).commitments == []


@pytest.mark.parametrize(
    "guarantors",
    [
        "the envoys of Germany, France and Italy, the accord's guarantor states",
        "the guarantors, Italy, France and Germany",
    ],
)
def test_names_in_apposition_with_go_betweens_are_not_the_sides(guarantors: str) -> None:
    text = (
        f"The meeting in Geneva was attended by Serbian and Kosovan leaders and by {guarantors}. Italy's "
        "foreign minister said Italy was pleased. The two sides agreed to free all detainees."
    )
    assert keys(read(text).commitments, "party", "issue") == {("SRB", "prisoners"), ("XKX", "prisoners")}


def test_what_a_speaker_would_only_do_is_a_stance_not_an_undertaking() -> None:
    records = read(
        "Kenya's president insisted that Kenya would only accept a signed agreement fixing the land border."
    )
    assert records.commitments == []
    assert ("KEN", "territory") in keys(records.positions, "party", "issue")


@pytest.mark.parametrize(
    "text",
    [
        '"The truce will be respected," the Kosovo government said.',
        '"The ceasefire has not been broken by our forces, and it will keep being honoured," the Kosovo government said.',
    ],
)
def test_a_pact_a_speaker_says_will_be_kept_is_its_undertaking(text: str) -> None:
    assert keys(read(text).commitments, "party", "issue") == {("XKX", "ceasefire")}


def test_a_lone_demonym_on_a_groups_noun_is_where_it_is_from_not_a_second_party() -> None:
    records = read("The Lebanese group Hezbollah rejected the resolution on the border.")
    assert keys(records.positions, "party") == {("hezbollah",)}
    records = read("Pakistani and Indian officials rejected the resolution on the border.")
    assert keys(records.positions, "party") == {("PAK",), ("IND",)}


def test_a_definite_anaphor_is_the_actor_whose_name_ends_in_its_noun() -> None:
    text = "The Amal Movement and Hezbollah met in Beirut on Monday. Hezbollah's leader spoke first. The movement rejected the truce."
    assert keys(read(text).positions, "party", "issue") == {("amal", "ceasefire")}


@pytest.mark.parametrize(
    "role",
    ["Kenya has served as a mediator since May.", "Kenya, acting as mediator, hosted them in Nairobi."],
)
def test_a_party_named_in_the_role_of_a_go_between_is_not_one_of_the_sides(role: str) -> None:
    text = (
        f"Ethiopia and Eritrea held talks on Monday. {role} Kenya's president said Kenya would welcome Kenya's "
        "neighbours. The two leaders agreed to free all detainees."
    )
    assert keys(read(text).commitments, "party", "issue") == {("ETH", "prisoners"), ("ERI", "prisoners")}


def test_what_a_go_between_reports_agreed_without_a_subject_binds_the_sides() -> None:
    text = (
        "Ethiopia and Eritrea held talks on Monday. Kenya has served as a mediator since May. "
        '"Agreed to free all detainees," the Kenyan president wrote on X.'
    )
    assert keys(read(text).commitments, "party", "issue") == {("ETH", "prisoners"), ("ERI", "prisoners")}


def test_a_speakers_its_violations_are_not_its_own() -> None:
    text = (
        "Kosovo moved troops to the border on Monday, Serbia said. Serbia's president added: "
        '"Its continued violations threaten the truce."'
    )
    assert keys(read(text).violations, "accused", "accuser") == {("XKX", "SRB")}


@pytest.mark.parametrize(
    "text",
    [
        "Serbia's president warned that any violation would be met by force.",
        "Serbia's president said any breach of the truce will be punished.",
    ],
)
def test_a_violation_that_will_be_answered_is_a_warning_not_an_accusation(text: str) -> None:
    assert read("Serbia and Kosovo signed a truce on Monday. " + text).violations == []


@pytest.mark.parametrize(
    "text",
    [
        "Critics argue the vote will entrench military rule in Chad.",
        "Witnesses said the shelling of Goma resumed at dawn.",
        "Some experts believe the truce in Libya will not hold.",
    ],
)
def test_critics_witnesses_and_experts_are_unnamed_sources(text: str) -> None:
    assert [s.speaker for s in read(text).statements] == ["anon"]


def test_a_commitment_verb_in_a_demanded_clause_is_no_undertaking() -> None:
    text = "Serbia's president travelled to Pristina to demand that Kosovo accept the return of all refugees."
    assert ("XKX", "humanitarian") not in keys(read(text).commitments, "party", "issue")


def test_a_stance_taken_as_the_purpose_of_an_act_is_a_stance() -> None:
    text = "Serbia's president travelled to Pristina to demand that Kosovo accept the return of all refugees."
    assert ("SRB", "humanitarian") in keys(read(text).positions, "party", "issue")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Moldova offered to lift the sanctions if Transnistria frees all detainees.",
            {("MDA", "sanctions"), ("MDA", "prisoners")},
        ),
        (
            "Moldova offered to send peacekeepers if Russia attacks Transnistria.",
            {("MDA", "security_guarantees")},
        ),
    ],
)
def test_what_an_offer_asks_in_return_is_a_term_of_it(text: str, expected: set[tuple]) -> None:
    assert keys(read(text).proposals, "proposer", "issue") == expected


def test_plan_as_the_verb_of_a_subject_is_no_proposal() -> None:
    assert read("Serbia and Kosovo plan to exchange all wounded prisoners of war.").proposals == []


def test_a_verb_with_a_hyphenated_prefix_is_one_word() -> None:
    text = "Armenia and Azerbaijan have pledged to de-escalate and to re-open the border crossings within a week."
    found = keys(read(text).commitments, "party", "issue")
    assert {("ARM", "ceasefire"), ("AZE", "ceasefire"), ("ARM", "humanitarian")} <= found


def test_only_a_bound_prefix_before_a_lower_case_word_joins_its_hyphen() -> None:
    from parley.nlp.pipeline import load_pipeline

    doc = load_pipeline()(
        "Talks co-chaired by Kenya, an anti-Houthi bloc and Oman-mediated re-negotiation resumed."
    )
    words = [t.text for t in doc]
    assert "co-chaired" in words and "re-negotiation" in words
    assert "Houthi" in words and "Oman" in words


def test_a_stance_on_a_list_is_a_stance_on_each_item() -> None:
    text = (
        "Armenia's foreign minister said any settlement must guarantee the return of displaced families "
        "and a full withdrawal of Azerbaijani troops from the villages."
    )
    found = keys(read(text).positions, "party", "issue")
    assert {("ARM", "humanitarian"), ("ARM", "troop_withdrawal")} <= found


def test_a_list_inside_a_condition_is_no_stance_on_its_items() -> None:
    text = "Kosovo's president said that if Serbia refuses elections and the return of refugees, sanctions must follow."
    assert ("XKX", "humanitarian") not in keys(read(text).positions, "party", "issue")


@pytest.mark.parametrize(
    "talks",
    [
        "Negotiations between Serbia and Kosovo resumed in Brussels on Monday.",
        "Kosovo's talks with the Serbian government resumed in Brussels on Monday.",
    ],
)
def test_the_parties_are_those_named_as_holding_the_talks(talks: str) -> None:
    text = (
        talks + " Russia has criticised the format. Russia said the talks ignore Serbian interests, and "
        "Russian diplomats lobbied against it. Both parties agreed to free all detainees within a month, "
        "the EU said."
    )
    assert {c.party for c in read(text).commitments} == {"SRB", "XKX"}


def test_the_title_is_the_person_named_with_it_in_the_paragraph() -> None:
    text = (
        "Finnish President Alexander Stubb received his Estonian counterpart, Alar Karis, who said the border "
        "had been calm for weeks. Speaking after the meeting, the president said both countries would guard "
        "the undersea cables together."
    )
    assert read(text).statements[-1].speaker == "person:alexander-stubb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Giving up the three border villages would be a red line for Yerevan, Armenia's foreign minister said.",
            ("ARM", "territory"),
        ),
        (
            "Moldova's red line is the withdrawal of Russian troops from Transnistria.",
            ("MDA", "troop_withdrawal"),
        ),
    ],
)
def test_what_is_called_a_red_line_for_a_party_is_its_stance(text: str, expected: tuple) -> None:
    positions = {(p.party, p.issue): p.red_line for p in read(text).positions}
    assert positions.get(expected) is True


def test_a_modal_should_is_no_condition() -> None:
    text = (
        "Kosovo's president said the next round should open in May, and that Pristina had put a prisoner "
        "exchange on the table."
    )
    assert ("XKX", "prisoners") in keys(read(text).proposals, "proposer", "issue")


def test_an_inverted_should_is_a_condition() -> None:
    text = "Should the next round fail, Pristina has put a prisoner exchange on the table, Kosovo's president said."
    assert read(text).proposals == []


def test_steps_called_for_in_sequence_are_a_plan_put_forward() -> None:
    text = (
        "The African Union said in a statement that a truce should come first, followed by a disarmament of "
        "the militias and elections."
    )
    records = read(text)
    assert {("au", "ceasefire"), ("au", "political_settlement")} <= keys(
        records.proposals, "proposer", "issue"
    )
    assert records.positions == []


def test_an_outcome_insisted_on_is_a_stance_not_a_plan() -> None:
    text = "The M23 wants the pause to lead to a withdrawal of Burundian troops from South Kivu, its spokesman said."
    records = read(text)
    assert {p.party for p in records.positions} == {"m23"}
    assert records.proposals == []


MEETING_IN_A_COUNTRY = (
    "The fourth round of talks between Armenia and Azerbaijan opened in Switzerland on Tuesday."
)


def test_a_meeting_dated_in_a_country_dates_the_one_placed_in_its_city() -> None:
    text = MEETING_IN_A_COUNTRY + " The Geneva session was chaired by a Swiss diplomat."
    meetings = read(text, published="2025-06-08").meetings
    assert [(m.place, m.date) for m in meetings] == [("Geneva", "2025-06-03")]
    assert {"ARM", "AZE"} <= set(meetings[0].participants)


@pytest.mark.parametrize(
    "other",
    [
        "The previous talks in Moscow had failed.",  # another state's capital
        "Both sides met in Geneva in May.",  # a meeting with a time of its own
    ],
)
def test_a_meeting_dated_in_a_country_leaves_other_meetings_undated(other: str) -> None:
    meetings = read(MEETING_IN_A_COUNTRY + " " + other, published="2025-06-08").meetings
    assert all(m.date is None for m in meetings)


def test_a_signing_dated_in_a_country_dates_the_ceremony_in_its_capital() -> None:
    text = (
        "Serbia and Kosovo signed the accord in Hungary on Friday. Their leaders then posed for photographs "
        "at a ceremony in Budapest."
    )
    meetings = read(text, published="2025-06-08").meetings
    assert [(m.place, m.date) for m in meetings] == [("Budapest", "2025-06-06")]


@pytest.mark.parametrize(
    "text",
    [
        "Armenia's offer of a land swap, which Azerbaijan rejected on Monday, remains on the table.",
        "The land swap rejected by Azerbaijan on Monday was the core of the Armenian offer.",
    ],
)
def test_a_stance_verb_qualifying_a_noun_takes_that_noun_as_its_object(text: str) -> None:
    assert ("AZE", "territory") in keys(read(text).positions, "party", "issue")


def test_a_stance_verb_in_a_relative_clause_with_an_object_of_its_own_is_about_that() -> None:
    text = "Talks stalled over Azerbaijan's envoy, who rejected a prisoner exchange on Monday."
    assert keys(read(text).positions, "party", "issue") == {("AZE", "prisoners")}


@pytest.mark.parametrize(
    ("text", "conditional"),
    [
        ("Thailand and Cambodia agreed to restore ties.", False),
        ("Thailand has agreed to the truce but ties it to the return of its soldiers.", True),
    ],
)
def test_a_condition_marker_that_is_a_noun_is_no_condition(text: str, conditional: bool) -> None:
    assert {c.conditional for c in read(text).commitments} == {conditional}


def test_who_after_a_name_stands_for_that_person_where_the_clause_hangs_on_a_noun() -> None:
    from spacy.tokens import Doc

    from parley.nlp.attribution import _relative_speaker
    from parley.nlp.pipeline import load_pipeline

    # "talks with Kurti who called for calm", parsed with the clause on "talks"
    words = ["talks", "with", "Kurti", "who", "called", "for", "calm"]
    heads = [0, 0, 1, 4, 0, 4, 5]
    deps = ["ROOT", "prep", "pobj", "nsubj", "relcl", "prep", "pobj"]
    pos = ["NOUN", "ADP", "PROPN", "PRON", "VERB", "ADP", "NOUN"]
    doc = Doc(load_pipeline().vocab, words=words, heads=heads, deps=deps, pos=pos)
    assert _relative_speaker(doc[4]).text == "Kurti"


def test_a_statement_laying_out_a_plan_goes_on_with_its_terms() -> None:
    text = (
        "The African Union said in a statement that a truce should come first, followed by a disarmament of "
        "the militias and elections. The statement added that humanitarian aid convoys must reach every "
        "district. Sudan's army said that aid convoys must first be searched for weapons."
    )
    records = read(text)
    assert ("au", "humanitarian") in keys(records.proposals, "proposer", "issue")
    assert keys(records.positions, "party", "issue") == {("SDN", "humanitarian")}


@pytest.mark.parametrize(
    "text",
    [
        "Kosovo denied Serbia's allegations of breaches of the truce.",
        "Kosovo rejected Belgrade's claims of violations of the ceasefire, its foreign minister said.",
    ],
)
def test_a_breach_in_a_partys_charge_is_that_partys_accusation(text: str) -> None:
    assert keys(read(text).violations, "accused", "accuser") == {("XKX", "SRB")}


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        (
            "Armenia's foreign ministry stressed that three soldiers had been wounded overnight near the border.",
            False,
        ),
        ("Armenia's foreign minister stressed the need to reopen the border crossings.", True),
        ("Armenia's foreign minister emphasized that the border crossings must reopen.", True),
    ],
)
def test_an_assertion_verb_is_a_stance_with_an_object_or_a_modal_not_with_a_claim(
    text: str, stance: bool
) -> None:
    assert bool(read(text).positions) is stance


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        (
            "Norway said the talks had covered demining and refugee returns, without naming the villages concerned.",
            False,
        ),
        ("Kosovo said it had always sought peace without compromising on its borders.", True),
        ("Kosovo said there could be no deal without the return of refugees.", True),
    ],
)
def test_without_before_a_verb_of_telling_is_an_aside_not_a_stance(text: str, stance: bool) -> None:
    assert bool(read(text).positions) is stance


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Congo's army backed the offensive on Goma.", False),
        ("Congo's army said Uganda had supported attacks on Bunia.", False),
        ("Rwanda supported the truce, its foreign minister said.", True),
    ],
)
def test_backing_an_armed_act_is_no_stance(text: str, stance: bool) -> None:
    assert bool(read(text).positions) is stance


def test_a_penalty_on_a_condition_is_a_threat() -> None:
    text = (
        "If Belgrade does not sign by Friday, it will face heavy tariffs on its exports, the EU envoy said."
    )
    assert keys(read(text).threats, "actor", "issue") == {("eu", "sanctions")}


def test_a_penalty_asked_of_others_is_a_stance_not_a_threat() -> None:
    records = read(
        "Kosovo's president urged its allies to impose tariffs on Serbia if Belgrade rejects the deal."
    )
    assert records.threats == []
    assert ("XKX", "sanctions") in keys(records.positions, "party", "issue")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kosovo's interior minister warned: \"Our patience is running out and the police may move in if "
            'the barricades stay up."',
            {("XKX", "ceasefire")},
        ),
        ("Serbia insists its police only ever respond to attacks.", set()),
    ],
)
def test_a_strong_warning_of_what_may_come_threatens_the_truce(text: str, expected: set) -> None:
    assert keys(read(text).threats, "actor", "issue") == expected


@pytest.mark.parametrize(
    ("text", "proposers"),
    [
        ("Serbia and Kosovo agreed to a Hungary-brokered deal on the border crossings.", set()),
        ("Hungary offered a deal to reopen the crossings.", {"HUN"}),
    ],
)
def test_a_deal_agreed_to_is_a_pact_not_a_go_betweens_plan(text: str, proposers: set) -> None:
    assert {p.proposer for p in read(text).proposals} == proposers


def test_a_penalty_a_party_is_ready_to_impose_on_a_condition_is_a_threat_not_an_undertaking() -> None:
    text = "Brussels is ready to apply heavy financial measures against Belgrade if it blocks the deal, the EU envoy said."
    records = read(text)
    assert keys(records.threats, "actor", "issue") == {("eu", "sanctions")}
    assert records.commitments == []


def test_the_parties_are_those_a_go_between_hosted() -> None:
    text = (
        "Kenya's president hosted Ethiopia's prime minister and Eritrea's president in Nairobi on Monday, in "
        'talks also attended by Somali and Sudanese envoys. "Both leaders have agreed to reopen the border '
        "crossings,\" Kenya's president said."
    )
    assert {c.party for c in read(text).commitments} == {"ETH", "ERI"}


def test_a_group_named_with_its_backer_is_the_group_not_the_backer() -> None:
    text = "Colombia and the Venezuela-backed ELN guerrilla group signed a truce on Friday, pledging to end all hostilities."
    assert {c.party for c in read(text).commitments} == {"COL", "eln"}


def test_a_peace_treaty_is_a_political_settlement() -> None:
    text = "Eritrea and Ethiopia pledged to sign a peace treaty before the end of the year."
    assert keys(read(text).commitments, "party", "issue") == {
        ("ERI", "political_settlement"),
        ("ETH", "political_settlement"),
    }


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        # restrictions on a port, an airport or on movement are about access, not sanctions
        ("Armenia and Azerbaijan agreed to ease restrictions on the Gyumri airport.", "humanitarian"),
        ("Georgia pledged to lift restrictions on movement across the Inguri.", "humanitarian"),
        # restrictions on trade stay sanctions, even where a port is named further on
        ("The EU agreed to lift restrictions on imports from Serbian ports.", "sanctions"),
    ],
)
def test_restrictions_on_access_are_humanitarian_on_trade_sanctions(text: str, issue: str) -> None:
    assert {c.issue for c in read(text).commitments} == {issue}


def test_it_in_a_persons_words_is_not_the_person() -> None:
    # a person is never "it": what the envoy says "it" will do is the deal's doing, no undertaking
    text = "Jan Egeland, the Norwegian envoy, welcomed the deal and said it would help ease the suffering of detainees."
    assert read(text).commitments == []
    # a state speaker is "it"
    text = "Ukraine welcomed the deal and said it would release all prisoners of war."
    assert keys(read(text).commitments, "party", "issue") == {("UKR", "prisoners")}
    # nor is a person told by a title alone; an institution ("the foreign ministry") may be "it"
    text = "The Norwegian envoy welcomed the deal and said it would help ease the suffering of detainees."
    assert read(text).commitments == []
    text = "Norway's foreign ministry welcomed the deal and said it would release all prisoners."
    assert keys(read(text).commitments, "party", "issue") == {("NOR", "prisoners")}


def test_a_third_partys_appeal_to_both_sides_is_a_term_put_to_them() -> None:
    both = read("Norway urged Peru and Chile to cease all hostilities at once.")
    assert keys(both.proposals, "proposer", "issue") == {("NOR", "ceasefire")}
    assert both.positions == []
    # an appeal to one party, or by one of the sides to the other, stays a stance
    one = read("Norway urged Peru to cease all hostilities at once.")
    assert keys(one.positions, "party", "issue") == {("NOR", "ceasefire")}
    assert one.proposals == []


@pytest.mark.parametrize(
    "text",
    [
        "Washington is ready to recognise Western Sahara as Moroccan under the deal, Rabat said.",
        "Beijing wants Taiwan recognised as Chinese territory in any accord, Chinese officials said.",
    ],
)
def test_a_land_recognised_as_another_states_is_a_matter_of_territory(text: str) -> None:
    records = read(text)
    assert {r.issue for r in [*records.commitments, *records.positions]} == {"territory"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bogota demanded the full withdrawal of the ELN from the mining towns as well as the surrender of its weapons.",
         {("COL", "troop_withdrawal"), ("COL", "disarmament")}),
        ("Baku insists on the withdrawal of Armenian troops as well as the handover of heavy weapons.",
         {("AZE", "troop_withdrawal"), ("AZE", "disarmament")}),
    ],
)  # fmt: skip
def test_weapons_given_up_in_any_wording_are_disarmament(text: str, expected: set) -> None:
    assert keys(read(text).positions, "party", "issue") == expected


def test_a_handover_of_captives_stays_a_matter_of_prisoners() -> None:
    assert keys(
        read("Hamas agreed to the handover of four hostages on Saturday.").commitments, "party", "issue"
    ) == {("hamas", "prisoners")}


def test_what_a_participle_of_report_adds_is_a_stance_of_its_own() -> None:
    text = (
        "Colombia's president said Bogota would never accept a truce on the ELN's terms, adding that the "
        "group's disarmament was non-negotiable."
    )
    assert keys(read(text).positions, "party", "issue") == {("COL", "ceasefire"), ("COL", "disarmament")}
    # an account added, with no stance in it, is none
    assert not read("Petro said the talks had gone well, adding that the ELN had kept its word.").positions


@pytest.mark.parametrize(
    "text",
    [
        "Skopje's negotiators pressed for a union of Albanian-majority municipalities in the west.",
        "Skopje said it would never accept decentralisation imposed from outside.",
        "Israel rejects any political role for Hamas in Gaza after the war.",
    ],
)
def test_self_government_arrangements_are_a_political_settlement(text: str) -> None:
    assert {p.issue for p in read(text).positions} == {"political_settlement"}


def test_a_party_named_only_in_a_meetings_purpose_is_not_a_participant() -> None:
    text = (
        "Erdogan said he would host Aliyev for talks in Ankara next month to settle the dispute with Armenia."
    )
    (meeting,) = read(text).meetings
    assert (meeting.place, set(meeting.participants)) == ("Ankara", {"TUR", "AZE"})


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        ("Forty Armenian soldiers detained in Azerbaijan will be repatriated before the end of the month.", "AZE"),
        ("Under the accord, the 25 ELN fighters held by Colombia will be freed on Monday.", "COL"),
    ],
)  # fmt: skip
def test_captives_to_be_let_go_bind_whoever_holds_them(text: str, holder: str) -> None:
    assert (holder, "prisoners") in keys(read(text).commitments, "party", "issue")


@pytest.mark.parametrize(
    "text",
    [
        "The journalists held in Iran would be released under the plan.",  # a plan's term
        "The ships held in Ukrainian ports will be released next week.",  # not captives
        "The soldiers held by the rebels will not be freed.",
    ],
)
def test_no_undertaking_to_let_captives_go(text: str) -> None:
    assert not read(text).commitments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Russian government defended the port agreement with Abkhazia.", {("RUS", "maritime")}),
        ("Baku defended its decision to close the corridor.", {("AZE", "territory")}),
        ("Israel defended the air strikes on Rafah.", set()),  # an act of force defended: no stance on terms
    ],
)
def test_what_a_party_defends_is_its_stance(text: str, expected: set) -> None:
    assert keys(read(text).positions, "party", "issue") == expected


def test_a_government_named_by_its_state_is_that_states_in_anothers_sentence() -> None:
    text = (
        "Georgia denounced Russia's port deal with Abkhazia as an assault on its sovereignty, while the Russian "
        "government defended the agreement as harmless to its neighbours."
    )
    # "the agreement" is the port deal named before it in the sentence
    assert ("RUS", "maritime") in keys(read(text).positions, "party", "issue")


def test_captives_held_by_the_other_side_given_in_exchange_bind_their_holder() -> None:
    text = (
        "Under the accord, the ELN is to release 12 soldiers in exchange for 40 guerrillas held by Colombia."
    )
    commitments = {(c.party, c.issue, c.conditional) for c in read(text).commitments}
    assert ("COL", "prisoners", False) in commitments
    assert {party for party, _, _ in commitments} == {"eln", "COL"}
    # captives given in return with no holder named bind no one else
    other = read("Under the accord, the ELN is to release 12 soldiers in exchange for 40 guerrillas.")
    assert {c.party for c in other.commitments} == {"eln"}


def test_a_term_told_beside_a_duty_with_while_binds_its_own_subject() -> None:
    text = "Under the accord, the ELN is to release 12 soldiers, while Colombian troops pull back from two villages."
    assert {("eln", "prisoners"), ("COL", "troop_withdrawal")} == keys(
        read(text).commitments, "party", "issue"
    )
    # what happened meanwhile is no term
    past = read("Under the truce, the RSF is to leave the city, while the army pulled back last week.")
    assert keys(past.commitments, "party", "issue") == {("rsf", "troop_withdrawal")}


@pytest.mark.parametrize(
    "text",
    [
        "Norway's envoy said Oslo would go on accompanying the parties until a final settlement.",
        "Oman's foreign ministry said Muscat would keep working with both delegations on the next steps.",
    ],
)
def test_a_go_betweens_work_going_on_is_an_undertaking_to_mediate(text: str) -> None:
    assert {c.issue for c in read(text).commitments} == {"mediation"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a treaty with no issue of its own is the settlement talked of
        (
            "Aliyev proposed that both governments initial the treaty this month.",
            ("AZE", "political_settlement"),
        ),
        # a treaty named by a place is a standing treaty of its own
        ("Egypt asked Ethiopia to resume the Nile treaty.", ("EGY", "other")),
    ],
)
def test_a_treaty_is_the_settlement_unless_named(text: str, expected: tuple) -> None:
    records = read(text)
    found = {(r.proposer, r.issue) for r in records.proposals} | {
        (r.party, r.issue) for r in records.positions
    }
    assert expected in found
