"""The actor registry: built-in data, id conventions, surface forms, dated roles, user files."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest

from parley.actors import ACTORS_DIR, FORM_KINDS, KINDS, ActorRegistry, _builtin_registry, person_id, slugify
from parley.errors import ActorDataError

# The 193 UN member states (ISO 3166-1 alpha-3).
UN_MEMBERS = set(
    """AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA
    BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI
    DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI
    HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE
    LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL
    NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR ROU RUS RWA KNA LCA VCT WSM SMR
    STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON
    TTO TUN TUR TKM TUV UGA UKR ARE GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE""".split()
)

ID_PATTERNS = {
    "state": r"[A-Z]{3}",
    "person": r"person:[a-z0-9]+(-[a-z0-9]+)*",
    "outlet": r"outlet:[a-z0-9]+(-[a-z0-9]+)*",
    "body": r"[a-z0-9]+(-[a-z0-9]+)*",
    "bloc": r"[a-z0-9]+(-[a-z0-9]+)*",
    "group": r"[a-z0-9]+(-[a-z0-9]+)*",
}


@pytest.fixture(scope="module")
def registry() -> ActorRegistry:
    started = time.perf_counter()
    loaded = ActorRegistry.load()
    print(f"\nbuilt-in actor registry: {len(loaded)} actors in {time.perf_counter() - started:.3f}s")
    return loaded


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- Built-in data -----------------------------------------------------------------------------


def test_counts(registry: ActorRegistry) -> None:
    states = {a.id for a in registry.all("state")}
    assert UN_MEMBERS <= states
    assert {"PSE", "VAT", "XKX", "TWN"} <= states
    assert len(UN_MEMBERS) == 193
    assert len(registry.all("person")) >= 150
    assert len(registry.all("outlet")) >= 80
    assert len(registry.all()) == len(registry)


def test_ids_follow_conventions(registry: ActorRegistry) -> None:
    for actor in registry.all():
        assert actor.kind in KINDS
        assert re.fullmatch(ID_PATTERNS[actor.kind], actor.id), actor.id
        if actor.kind == "person":
            assert actor.id == person_id(actor.name), actor.id
            assert actor.gender in ("m", "f"), actor.id
            assert actor.roles, actor.id
        if actor.kind == "outlet":
            assert actor.domains and actor.country in registry, actor.id
        if actor.kind == "group":
            assert actor.party == actor.id, actor.id


def test_no_duplicate_ids_across_builtin_files() -> None:
    seen: dict[str, str] = {}
    for path in sorted(ACTORS_DIR.glob("*.yaml")):
        for match in re.finditer(r'^- (?:\{)?id: "?([^",\n]+)"?', path.read_text(encoding="utf-8"), re.M):
            assert match.group(1) not in seen, (
                f"{match.group(1)} in {path.name} and {seen.get(match.group(1))}"
            )
            seen[match.group(1)] = path.name
    assert len(seen) == len(ActorRegistry.load())


def test_references_resolve(registry: ActorRegistry) -> None:
    for actor in registry.all():
        for ref in [*actor.members, *(r.party for r in actor.roles)]:
            assert registry.get(ref) is not None, (actor.id, ref)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kyiv", "UKR"),
        ("Kiev", "UKR"),
        ("the Kremlin", "RUS"),
        ("Kremlin", "RUS"),
        ("the White House", "USA"),
        ("U.S.", "USA"),
        ("Americans", "USA"),
        ("Pentagon", "USA"),
        ("Downing Street", "GBR"),
        ("Élysée", "FRA"),
        ("the Elysee", "FRA"),
        ("Quai d'Orsay", "FRA"),
        ("Emirati", "ARE"),
        ("DRC", "COD"),
        ("Congolese", "COD"),
        ("FARDC", "COD"),
        ("Sudanese Armed Forces", "SDN"),
        ("SAF", "SDN"),
        ("IDF", "ISR"),
        ("Royal Thai Army", "THA"),
        ("Palestinian Authority", "PSE"),
        ("Türkiye", "TUR"),
        ("Axios", "outlet:axios"),
        ("The New York Times", "outlet:new-york-times"),
        ("New York Times", "outlet:new-york-times"),
        ("Bloomberg", "outlet:bloomberg"),
        ("Associated Press", "outlet:ap"),
        ("Rubio", "person:marco-rubio"),
        ("Zelenskiy", "person:volodymyr-zelensky"),
        ("Zelenskyy", "person:volodymyr-zelensky"),
        ("Hemedti", "person:mohamed-hamdan-dagalo"),
        ("S. Jaishankar", "person:subrahmanyam-jaishankar"),
        ("MBS", "person:mohammed-bin-salman"),
        ("Bibi", "person:benjamin-netanyahu"),
        ("Trump", "person:donald-trump"),
        ("Qassam Brigades", "hamas"),
        ("AFC/M23", "m23"),
        ("Rapid Support Forces", "rsf"),
        ("Ansar Allah", "houthis"),
        ("European allies", "europe"),
        ("European", "europe"),
        ("European Union", "eu"),
        ("Brussels", "eu"),
        ("U.N.", "un"),
        ("Red Cross", "icrc"),
        ("Quad", "quad"),
        ("E3", "europe"),
        ("Taliban", "AFG"),
        ("Pakistani Taliban", "ttp"),
        ("SPLM-IO", "splm-io"),
        ("MILF", "milf"),
        ("Gulf Clan", "clan-del-golfo"),
        ("Turkish Cypriot side", "turkish-cypriots"),
        ("Maduro", "person:nicolas-maduro"),
        ("Nicolas Maduro", "person:nicolas-maduro"),
        ("Petkovic", "person:petar-petkovic"),
        ("The Wall Street Journal", "outlet:wall-street-journal"),
    ],
)
def test_lookup(registry: ActorRegistry, text: str, expected: str) -> None:
    assert registry.lookup(text) == [expected]


def test_lookup_is_case_and_article_insensitive(registry: ActorRegistry) -> None:
    assert registry.lookup("THE KREMLIN") == ["RUS"]
    assert registry.lookup("  the   united states ") == ["USA"]
    assert registry.lookup("No such actor") == []


def test_surface_forms(registry: ActorRegistry) -> None:
    forms = list(registry.surface_forms())
    assert {kind for _, _, kind in forms} == set(FORM_KINDS)
    assert ("Kyiv", "UKR", "metonym") in forms
    assert ("Ukrainians", "UKR", "demonym") in forms
    assert ("Armed Forces of Ukraine", "UKR", "armed_forces") in forms
    assert ("Axios", "outlet:axios", "name") in forms
    assert ("Rubio", "person:marco-rubio", "alias") in forms
    assert len(forms) == len({(text, actor_id) for text, actor_id, _ in forms})
    # Each surface form names exactly one actor: an ambiguous form would mislabel one of them.
    owners: dict[str, set[str]] = {}
    for text, actor_id, _ in forms:
        owners.setdefault(text, set()).add(actor_id)
    assert {text: ids for text, ids in owners.items() if len(ids) > 1} == {}


def test_outlet_for_domain(registry: ActorRegistry) -> None:
    assert registry.outlet_for_domain("reuters.com") == "outlet:reuters"
    assert registry.outlet_for_domain("www.reuters.com") == "outlet:reuters"
    assert registry.outlet_for_domain("https://edition.cnn.com/2025/03/25/world/x.html") == "outlet:cnn"
    assert registry.outlet_for_domain("WWW.BBC.CO.UK:443") == "outlet:bbc"
    assert registry.outlet_for_domain("https://www.axios.com/2025/04/17/rubio") == "outlet:axios"
    assert registry.outlet_for_domain("example.org") is None
    assert registry.outlet_for_domain("") is None


# --- Parties and titles over time --------------------------------------------------------------


def test_party_of_people_states_groups_and_outlets(registry: ActorRegistry) -> None:
    assert registry.party_of("person:marco-rubio") == "USA"
    assert registry.party_of("person:dmitry-peskov") == "RUS"
    assert registry.party_of("person:khalil-al-hayya") == "hamas"
    assert registry.party_of("UKR") == "UKR"
    assert registry.party_of("hamas") == "hamas"
    assert registry.party_of("europe") == "europe"
    assert registry.party_of("anon:europe") == "europe"
    assert registry.party_of("anon:person:marco-rubio") == "USA"
    assert registry.party_of("anon") is None
    assert registry.party_of("outlet:axios") is None
    assert registry.party_of("person:nobody") is None


def test_dated_roles(registry: ActorRegistry) -> None:
    # Rubio: Secretary of State from 2025-01-21, national security adviser too from 2025-05-01.
    assert registry.title_of("person:marco-rubio", "2025-03-01") == "Secretary of State"
    assert registry.title_of("person:marco-rubio", date(2024, 6, 1)) is None
    assert registry.party_of("person:marco-rubio", date(2024, 6, 1)) == "USA"  # nearest role
    # Yermak headed the presidential office until 2025-11-28.
    assert registry.title_of("person:andriy-yermak", "2025-04-17") == "Head of the Presidential Office"
    assert registry.title_of("person:andriy-yermak", "2025-12-01") is None
    assert registry.party_of("person:andriy-yermak", "2025-12-01") == "UKR"
    # A hand-over day belongs to the successor: `until` is exclusive.
    assert registry.title_of("person:joe-biden", "2025-01-20") is None
    assert registry.title_of("person:donald-trump", "2025-01-20") == "President"
    assert registry.title_of("person:donald-trump", "2019-06-01") == "President"
    assert registry.title_of("person:donald-trump", "2022-06-01") is None
    # A person who changed sides or bodies: party follows the date.
    assert registry.party_of("person:ahmed-al-sharaa", "2024-12-10") == "hts"
    assert registry.party_of("person:ahmed-al-sharaa", "2025-03-01") == "SYR"
    assert registry.party_of("person:ahmed-al-sharaa") == "SYR"
    assert registry.party_of("person:mark-rutte", "2023-05-01") == "NLD"
    assert registry.party_of("person:mark-rutte", "2025-06-24") == "nato"
    # The sides of each negotiation in the registry, with the leaders who changed during them.
    assert registry.party_of("person:ersin-tatar", "2025-03-18") == "turkish-cypriots"
    assert registry.title_of("person:ersin-tatar", "2025-11-01") is None
    assert registry.title_of("person:tufan-erhurman", "2025-11-01") == "Turkish Cypriot leader"
    assert registry.party_of("person:zabihullah-mujahid") == "AFG"
    assert registry.party_of("person:al-haj-murad-ebrahim") == "milf"
    assert registry.party_of("person:gustavo-petro", "2025-09-18") == "COL"
    assert registry.party_of("person:peter-sorensen", "2025-06-11") == "eu"
    # Without a date: the current (open-ended) role, else the one that ended last.
    assert registry.title_of("person:pete-hegseth") == "Secretary of War"
    assert registry.title_of("person:pete-hegseth", "2025-03-01") == "Secretary of Defense"
    assert registry.title_of("person:joe-biden") == "President"
    assert registry.title_of("UKR") is None


def test_name(registry: ActorRegistry) -> None:
    assert registry.name("USA") == "United States"
    assert registry.name("person:marco-rubio") == "Marco Rubio"
    assert registry.name("outlet:axios") == "Axios"
    assert registry.name("anon:USA") == "unnamed source (United States)"
    assert registry.name("person:nobody") == "person:nobody"


def test_slugify_and_person_id() -> None:
    assert slugify("Jean-Noël Barrot") == "jean-noel-barrot"
    assert slugify("Radosław Sikorski") == "radoslaw-sikorski"
    assert slugify("Jonas Gahr Støre") == "jonas-gahr-store"
    assert slugify("L'Orient-Le Jour") == "lorient-le-jour"
    assert slugify("  Khalil al-Hayya  ") == "khalil-al-hayya"
    assert person_id("JD Vance") == "person:jd-vance"
    assert person_id("Abdel Fattah al-Burhan") == "person:abdel-fattah-al-burhan"


# --- User files: merge and errors --------------------------------------------------------------


def test_extra_file_extends_overrides_and_adds(tmp_path: Path) -> None:
    extra = write(
        tmp_path,
        "mine.yaml",
        """
- id: UKR
  metonyms: [Mariinskyi Palace]
- id: person:marco-rubio
  aliases: [Secretary Rubio]
  roles:
    - {title: Senator, party: USA, until: 2025-01-21}
    - {title: Secretary of State, party: USA, from: 2025-01-21}
- id: person:jane-doe
  name: Jane Doe
  gender: f
  roles: [{title: Envoy, party: NOR}]
- id: zz-front
  kind: group
  name: ZZ Front
  party: zz-front
- id: "outlet:local-news"
  name: Local News
  domains: [https://www.local-news.example/]
  country: NOR
""",
    )
    builtin = ActorRegistry.load()
    merged = ActorRegistry.load([extra])
    assert merged is not builtin
    ukraine = merged.get("UKR")
    assert ukraine is not None and "Mariinskyi Palace" in ukraine.metonyms and "Kyiv" in ukraine.metonyms
    assert merged.lookup("Mariinskyi Palace") == ["UKR"]
    assert merged.lookup("Secretary Rubio") == ["person:marco-rubio"]
    assert merged.title_of("person:marco-rubio", "2024-01-01") == "Senator"
    assert merged.party_of("person:jane-doe") == "NOR"
    assert merged.get("zz-front") is not None and merged.party_of("zz-front") == "zz-front"
    assert merged.outlet_for_domain("news.local-news.example") == "outlet:local-news"
    # The built-in registry is not changed by a merge.
    assert builtin.lookup("Mariinskyi Palace") == []
    assert builtin.get("person:jane-doe") is None
    assert ActorRegistry.load() is builtin


def test_later_extra_files_win(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", "- {id: outlet:x, name: First, domains: [x.example], country: FRA}\n")
    second = write(tmp_path, "b.yaml", "- {id: outlet:x, name: Second}\n")
    merged = ActorRegistry.load([first, second])
    assert merged.name("outlet:x") == "Second"
    assert merged.outlet_for_domain("x.example") == "outlet:x"


def test_empty_extra_file_is_fine(tmp_path: Path) -> None:
    assert len(ActorRegistry.load([write(tmp_path, "empty.yaml", "# nothing yet\n")])) == len(
        ActorRegistry.load()
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- id: USA\n  name: [unclosed\n", "not valid YAML at line"),
        ("id: USA\nname: x\n", "must be a YAML list"),
        ("- just a string\n", "entry 1 must be a mapping"),
        ("- {name: Nobody}\n", "entry 1 has no 'id'"),
        ("- {id: person:new-one}\n", "entry 1 (person:new-one) has no 'name'"),
        ("- {id: Usa, name: X}\n", "id 'Usa' must be an ISO3 code"),
        ("- {id: person:Bad_Slug, name: X}\n", "'person:' + a lower-case ASCII slug"),
        ("- {id: new-group, name: X}\n", "needs a 'kind'"),
        ("- {id: new-group, kind: army, name: X}\n", "kind 'army'"),
        ("- {id: ABC, kind: group, name: X}\n", "does not fit its id"),
        ("- {id: USA, alias: [Yankee]}\n", "unknown field(s) 'alias'"),
        ("- {id: USA, aliases: Yankee}\n", "'aliases' must be a list of non-empty strings"),
        ("- {id: person:x-y, name: X Y, gender: x}\n", "'gender' must be 'm' or 'f'"),
        ("- {id: person:x-y, name: X Y, roles: [{title: Envoy}]}\n", "role 1 needs a 'party'"),
        ("- {id: person:x-y, name: X Y, roles: [{title: E, party: USA, from: 2025-13-01}]}\n", "ISO date"),
        (
            "- {id: person:x-y, name: X Y, roles: [{title: E, party: USA, from: 2025-02-01, until: 2025-01-01}]}\n",
            "ends (2025-01-01) before it starts",
        ),
        ("- {id: person:x-y, name: X Y, roles: [{title: E, party: NOWHERE}]}\n", "'party'"),
        (
            "- {id: person:x-y, name: X Y, roles: [{title: E, party: zz-unknown}]}\n",
            "'zz-unknown' is not an actor",
        ),
        ("- {id: new-bloc, kind: bloc, name: B, members: [USA, QQQ]}\n", "member 'QQQ' is not an actor"),
        ("- {id: outlet:y, name: Y}\n- {id: outlet:y, name: Y again}\n", "repeats id 'outlet:y'"),
        ("- {id: person:x-y, name: X Y, party: USA}\n", "a person acts through its roles"),
        ("- {id: outlet:z, name: Z, country: eu}\n", "'country' must be an ISO3 state id"),
        ("- {id: outlet:z, name: Z, country: QQQ}\n", "country 'QQQ' is not an actor id"),
        ("- {id: new-bloc, kind: bloc, name: B, members: [outlet:axios]}\n", "is of kind 'outlet'"),
    ],
)
def test_malformed_files_raise_actor_data_error(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ActorDataError) as caught:
        ActorRegistry.load([path])
    message = str(caught.value)
    assert str(path) in message
    assert problem in message
    assert caught.value.code == "P301"
    # No YAML or Python traceback chained behind the error.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(ActorDataError, match="actor file not found"):
        ActorRegistry.load([tmp_path / "missing.yaml"])
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ActorDataError, match="cannot read actor file"):
        ActorRegistry.load([binary])


# --- The start-up cache of the built-in data ---------------------------------------------------


def test_builtin_cache_is_written_reused_and_survives_damage(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "parley").mkdir()
    stale = tmp_path / "parley" / "actors-0123456789abcdef0123.json"
    stale.write_text("{}", encoding="utf-8")

    started = time.perf_counter()
    fresh = _builtin_registry.__wrapped__()
    parsed_in = time.perf_counter() - started
    caches = list((tmp_path / "parley").glob("actors-*.json"))
    assert len(caches) == 1 and caches[0] != stale  # written; the copy of older data removed

    started = time.perf_counter()
    cached = _builtin_registry.__wrapped__()
    print(f"\nbuilt-in registry: {parsed_in:.3f}s from YAML, {time.perf_counter() - started:.3f}s from cache")
    assert cached.all() == fresh.all()

    caches[0].write_text('{"states.yaml": "damaged', encoding="utf-8")
    assert _builtin_registry.__wrapped__().all() == fresh.all()


def test_builtin_load_without_writable_cache(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert len(_builtin_registry.__wrapped__()) == len(ActorRegistry.load())
