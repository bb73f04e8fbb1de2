"""The actor registry: states, bodies, blocs, groups, people and news outlets, read from YAML.

spaCy's small model mislabels this domain (bare "Trump" as ORG, "Bloomberg" as GPE, "Kyiv"
missed), so parley recognises actors from the registry in ``data/actors/*.yaml``. Users extend it
with ``--actors FILE`` in the same schema: an entry whose ``id`` already exists extends it (its
surface-form lists are added to, its scalar fields and ``roles`` replace the old ones) and a new
``id`` adds an actor.

Entry schema (a YAML list of mappings; only ``id`` and ``name`` are required)::

    - id: UKR                       # ISO3 state | person:slug | outlet:slug | lower-case slug
      kind: state                   # inferred from the id except for slugs (body | bloc | group)
      name: Ukraine
      aliases: [...]                # other names of the actor
      demonyms: [Ukrainian, Ukrainians]
      metonyms: [Kyiv, Kiev, Bankova]   # places/buildings standing for the government
      armed_forces: [Armed Forces of Ukraine, Ukrainian army]   # forces acting for the actor
      members: [USA, SAU]           # blocs: member ids
      party: hamas                  # groups/bodies: who they act for (default: themselves)
      gender: m                     # people: m | f, for pronoun resolution
      roles:                        # people: {title, party, from, until}; dates ISO, optional
        - {title: President, party: UKR, from: 2019-05-20}
      domains: [reuters.com]        # outlets: web hosts identifying the outlet of a URL
      country: GBR                  # outlets: home state

A role is valid from ``from`` (inclusive) until ``until`` (exclusive: the day a successor took
over), so on a hand-over day only the new holder's role is valid.

Surface forms are meant to be matched case-sensitively by the NLP layer: a short all-caps form
like "US", "UK" or "SAF" must not match the words "us" or "saf". :meth:`ActorRegistry.lookup`
is case-insensitive because it resolves text that is already known to name an actor.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import yaml

from parley.errors import ActorDataError
from parley.files import source_problem, write_output

ACTORS_DIR = Path(__file__).parent / "data" / "actors"

KINDS = ("state", "body", "bloc", "group", "person", "outlet")
FORM_KINDS = ("name", "alias", "demonym", "metonym", "armed_forces")

_STATE_ID = re.compile(r"[A-Z]{3}")
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_PERSON_ID = re.compile(rf"person:{_SLUG}")
_OUTLET_ID = re.compile(rf"outlet:{_SLUG}")
_GROUP_ID = re.compile(_SLUG)

_LIST_FIELDS = ("aliases", "demonyms", "metonyms", "armed_forces", "members", "domains")
_SCALAR_FIELDS = ("kind", "name", "gender", "country", "party")
_ALLOWED_KEYS = {"id", "roles", *_LIST_FIELDS, *_SCALAR_FIELDS}
_ROLE_KEYS = {"title", "party", "from", "until"}

# Forms of the same kind are yielded in this order by surface_forms().
_FORM_FIELDS = (("aliases", "alias"), ("demonyms", "demonym"), ("metonyms", "metonym"))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The fast C loader where available, with dates left as strings so that a bad date is
    reported by the entry validation (naming the entry and role) instead of by the YAML parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Role:
    """A position a person held: ``title`` acting for ``party`` between ``start`` and ``end``."""

    title: str
    party: str
    start: date | None = None
    end: date | None = None

    def valid_on(self, day: date) -> bool:
        """True when the role was held on ``day`` (``start`` inclusive, ``end`` exclusive)."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def distance(self, day: date) -> int:
        """Days between ``day`` and this role's period (0 when the role was held that day)."""
        if self.start is not None and day < self.start:
            return (self.start - day).days
        if self.end is not None and day >= self.end:
            return (day - self.end).days + 1
        return 0


@dataclass(frozen=True)
class Actor:
    """One registry entry; ``kind`` is one of :data:`KINDS`."""

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    armed_forces: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    gender: str | None = None
    roles: tuple[Role, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None
    party: str | None = None


# Letters that Unicode does not decompose into an ASCII base letter plus accents.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)


def slugify(name: str) -> str:
    """Lower-case ASCII slug: accents stripped, apostrophes dropped, other non-alnum runs → "-"."""
    ascii_text = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['\u2019`]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def person_id(name: str) -> str:
    """The registry id of a person named ``name``: ``person:`` + :func:`slugify` of the name."""
    return "person:" + slugify(name)


def _kind_for_id(actor_id: str) -> str | None:
    """The kind an id's form implies, or None for a slug (body, bloc or group)."""
    if _STATE_ID.fullmatch(actor_id):
        return "state"
    if actor_id.startswith("person:"):
        return "person"
    if actor_id.startswith("outlet:"):
        return "outlet"
    return None


def _id_problem(actor_id: str) -> str | None:
    """Why ``actor_id`` breaks the id conventions, or None when it follows them."""
    if _STATE_ID.fullmatch(actor_id) or _PERSON_ID.fullmatch(actor_id) or _OUTLET_ID.fullmatch(actor_id):
        return None
    if actor_id.startswith(("person:", "outlet:")):
        prefix = actor_id.split(":", 1)[0]
        return f"id {actor_id!r} must be '{prefix}:' + a lower-case ASCII slug (letters, digits, '-')"
    if _GROUP_ID.fullmatch(actor_id):
        return None
    return (
        f"id {actor_id!r} must be an ISO3 code in upper case (USA), 'person:slug', "
        "'outlet:slug' or a lower-case slug (hamas, arab-league)"
    )


def _lookup_key(text: str) -> str:
    """Case-, accent- and whitespace-insensitive key of a surface form; a leading 'the' is optional."""
    folded = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = " ".join(folded.casefold().split())
    return folded[4:] if folded.startswith("the ") else folded


def _host(host_or_url: str) -> str:
    """The lower-case host of a URL or bare host name, without port and 'www.'."""
    text = host_or_url.strip().lower()
    text = (urlsplit(text if "://" in text else "//" + text).hostname or "").rstrip(".")
    return text[4:] if text.startswith("www.") else text


class _Entry:
    """Validation of one raw YAML entry, with errors naming the file and the entry."""

    def __init__(self, raw: Any, source: str, index: int) -> None:
        self.source = source
        self.label = f"entry {index + 1}"
        if not isinstance(raw, dict):
            self.fail(f"must be a mapping with at least 'id' and 'name', got {type(raw).__name__}")
        self.raw: dict[str, Any] = raw
        actor_id = raw.get("id")
        if not isinstance(actor_id, str) or not actor_id.strip():
            self.fail("has no 'id' (a non-empty string)")
        self.id = actor_id.strip()
        self.label = f"entry {index + 1} ({self.id})"
        problem = _id_problem(self.id)
        if problem:
            self.fail(problem)
        unknown = sorted(set(raw) - _ALLOWED_KEYS, key=str)
        if unknown:
            self.fail(f"unknown field(s) {', '.join(map(repr, unknown))}; allowed: {sorted(_ALLOWED_KEYS)}")

    def fail(self, what: str) -> NoReturn:
        raise ActorDataError(f"{self.label} {what}", source=self.source)

    def text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"field '{key}' must be a non-empty string, got {value!r}")
        return value.strip()

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"field '{key}' must be a list of non-empty strings, got {value!r}")
        return tuple(v.strip() for v in value)

    def day(self, value: Any, what: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(f"{what} must be an ISO date (YYYY-MM-DD), got {value!r}")

    def roles(self) -> tuple[Role, ...] | None:
        value = self.raw.get("roles")
        if value is None:
            return None
        if not isinstance(value, list):
            self.fail(f"field 'roles' must be a list of {{title, party, from, until}}, got {value!r}")
        roles = []
        for n, role in enumerate(value, 1):
            where = f"role {n}"
            if not isinstance(role, dict):
                self.fail(f"{where} must be a mapping {{title, party, from, until}}, got {role!r}")
            unknown = sorted(set(role) - _ROLE_KEYS, key=str)
            if unknown:
                self.fail(f"{where} has unknown field(s) {', '.join(map(repr, unknown))}")
            title, party = role.get("title"), role.get("party")
            if not isinstance(title, str) or not title.strip():
                self.fail(f"{where} needs a 'title' (a non-empty string)")
            if (
                not isinstance(party, str)
                or _id_problem(party)
                or _kind_for_id(party) in ("person", "outlet")
            ):
                self.fail(f"{where} needs a 'party': the id of a state or group, got {party!r}")
            start = self.day(role.get("from"), f"{where} 'from'")
            end = self.day(role.get("until"), f"{where} 'until'")
            if start and end and end <= start:
                self.fail(f"{where} ends ({end}) before it starts ({start})")
            roles.append(Role(title.strip(), party, start, end))
        return tuple(roles)

    def merged_into(self, old: Actor | None) -> Actor:
        """A new actor from this entry, or ``old`` extended/overridden by it."""
        values: dict[str, Any] = {}
        for key in _SCALAR_FIELDS:
            value = self.text(key)
            if value is not None:
                values[key] = value
        for key in _LIST_FIELDS:
            added = self.texts(key)
            before = getattr(old, key) if old else ()
            values[key] = tuple(dict.fromkeys(before + added))
        roles = self.roles()
        if roles is not None:
            values["roles"] = roles

        implied = _kind_for_id(self.id)
        kind = values.get("kind") or (old.kind if old else implied)
        if kind is None:
            self.fail("needs a 'kind' (body, bloc or group) since its id is a slug")
        if kind not in KINDS:
            self.fail(f"has kind {kind!r}; expected one of {', '.join(KINDS)}")
        if implied and kind != implied or not implied and kind not in ("body", "bloc", "group"):
            self.fail(
                f"has kind {kind!r}, which does not fit its id (expected {implied or 'body, bloc or group'})"
            )
        values["kind"] = kind
        if "gender" in values and values["gender"] not in ("m", "f"):
            self.fail(f"field 'gender' must be 'm' or 'f', got {values['gender']!r}")
        if "country" in values and not _STATE_ID.fullmatch(values["country"]):
            self.fail(f"field 'country' must be an ISO3 state id, got {values['country']!r}")
        if "domains" in self.raw:
            values["domains"] = tuple(dict.fromkeys(_host(d) for d in values["domains"]))

        if old is None:
            if "name" not in values:
                self.fail("has no 'name'")
            return Actor(id=self.id, **values)
        return replace(old, **values)


def _read_text(path: Path) -> str:
    """The text of an actor file; a missing or unreadable file (or a FIFO, a device) → ActorDataError."""
    problem = source_problem(path)
    if problem:
        raise ActorDataError(f"cannot read actor file: {problem}", source=str(path))
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ActorDataError("actor file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ActorDataError(f"cannot read actor file: {exc}", source=str(path)) from None


def _parse_yaml(text: str, source: str) -> list[Any]:
    """The list of raw entries in one YAML text; a parsing problem → ActorDataError."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ActorDataError(f"not valid YAML{where}: {problem}", source=source) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise ActorDataError(
            f"must be a YAML list of actor entries, got a {type(data).__name__}", source=source
        )
    return data


def _merge_entries(
    actors: dict[str, Actor], origin: dict[str, str], entries: list[Any], source: str, *, extend: bool
) -> None:
    """Merge one file's entries into ``actors``; an id twice in one file is an error."""
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        entry = _Entry(raw, source, index)
        if entry.id in seen:
            entry.fail(f"repeats id {entry.id!r} of an earlier entry in this file")
        if not extend and entry.id in actors:
            entry.fail(f"repeats id {entry.id!r} already in {origin[entry.id]}")
        seen.add(entry.id)
        actors[entry.id] = entry.merged_into(actors.get(entry.id))
        origin.setdefault(entry.id, source)


def cache_dir() -> Path | None:
    """Where parley keeps start-up caches: $XDG_CACHE_HOME/parley or ~/.cache/parley; None
    without a home directory."""
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parley"
    except RuntimeError:
        return None


def _cache_file(digest: str) -> Path | None:
    """The JSON copy of the built-in data for this content digest."""
    base = cache_dir()
    return base / f"actors-{digest[:20]}.json" if base else None


def _read_cache(cache: Path, names: list[str]) -> dict[str, list[Any]] | None:
    """The cached raw entries per file name, or None when the cache is missing or damaged."""
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(cached, dict) or not all(isinstance(cached.get(n), list) for n in names):
        return None
    return cached


def write_cache(cache: Path, data: Any) -> None:
    """Store a start-up cache as JSON (atomically) and drop its earlier versions, which share the
    name up to the last "-" (``actors-<digest>.json``). A read-only or full cache directory only
    costs the next start-up the work the cache saves."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_output(cache, json.dumps(data))
        for stale in cache.parent.glob(cache.name.rsplit("-", 1)[0] + "-*.json"):
            if stale != cache:
                stale.unlink(missing_ok=True)
    except OSError:
        pass


def _builtin_entries() -> list[tuple[str, list[Any]]]:
    """(file, raw entries) of each built-in file, from a JSON cache keyed by the files' content.

    Parsing the YAML takes ~100 ms even with the C loader and happens at every start-up;
    the JSON copy loads in ~1 ms. Entries are validated either way.
    """
    paths = sorted(ACTORS_DIR.glob("*.yaml"))
    texts = [_read_text(path) for path in paths]
    digest = hashlib.sha256()
    for path, text in zip(paths, texts, strict=True):
        digest.update(f"{path.name}\0{text}\0".encode())
    cache = _cache_file(digest.hexdigest())
    cached = _read_cache(cache, [p.name for p in paths]) if cache else None
    if cached is None:
        cached = {path.name: _parse_yaml(text, str(path)) for path, text in zip(paths, texts, strict=True)}
        if cache:
            write_cache(cache, cached)
    return [(str(path), cached[path.name]) for path in paths]


def _check_references(actors: dict[str, Actor], origin: dict[str, str]) -> None:
    """Every party, member and country named by an actor must be in the registry and able to act
    (a state, body, bloc or group; the id form already makes a country a state)."""
    for actor in actors.values():
        if actor.party and actor.kind not in ("body", "bloc", "group"):
            raise ActorDataError(
                f"{actor.id}: 'party' is for bodies, blocs and groups; a {actor.kind} "
                + ("acts through its roles" if actor.kind == "person" else "acts for itself"),
                source=origin[actor.id],
            )
        refs = [("member", m) for m in actor.members]
        refs += [("role party", r.party) for r in actor.roles]
        refs += [("party", actor.party)] if actor.party else []
        refs += [("country", actor.country)] if actor.country else []
        for what, ref in refs:
            target = actors.get(ref)
            if target is None:
                problem = "is not an actor id"
            elif target.kind in ("person", "outlet"):
                problem = f"is of kind {target.kind!r}; expected a state, body, bloc or group"
            else:
                continue
            raise ActorDataError(f"{actor.id}: {what} {ref!r} {problem}", source=origin[actor.id])


class ActorRegistry:
    """Actors by id, with the surface-form and domain indexes the NLP and ingest layers need."""

    def __init__(self, actors: dict[str, Actor], load_seconds: float = 0.0) -> None:
        self._actors = actors
        self.load_seconds = load_seconds
        self._by_form: dict[str, list[str]] | None = None  # built on the first lookup()
        self._by_domain = {d: a.id for a in actors.values() if a.kind == "outlet" for d in a.domains}

    @classmethod
    def load(cls, extra_files: Iterable[str | Path] = ()) -> ActorRegistry:
        """The built-in registry (cached) merged with each of ``extra_files`` in order."""
        extras = [Path(p) for p in extra_files]
        if not extras:
            return _builtin_registry()
        started = time.perf_counter()
        actors = dict(_builtin_registry()._actors)
        origin = {actor_id: "built-in registry" for actor_id in actors}
        for path in extras:
            entries = _parse_yaml(_read_text(path), str(path))
            _merge_entries(actors, origin, entries, str(path), extend=True)
        _check_references(actors, origin)
        return cls(actors, time.perf_counter() - started)

    def __len__(self) -> int:
        return len(self._actors)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id, or None."""
        return self._actors.get(actor_id)

    def all(self, kind: str | None = None) -> list[Actor]:
        """All actors, or those of one kind, in registry order."""
        return [a for a in self._actors.values() if kind is None or a.kind == kind]

    def name(self, actor_id: str) -> str:
        """The display name of an actor; an unknown id is returned as given."""
        if actor_id.startswith("anon:"):
            return f"unnamed source ({self.name(actor_id[5:])})"
        actor = self._actors.get(actor_id)
        return actor.name if actor else actor_id

    def _role(self, actor: Actor, on: date | str | None, *, nearest: bool) -> Role | None:
        """The role held on ``on`` (first listed when several), else the nearest one if asked.

        Without a date: the first open-ended role, else the one that ended last.
        """
        if not actor.roles:
            return None
        if on is None:
            current = [r for r in actor.roles if r.end is None]
            return current[0] if current else max(actor.roles, key=lambda r: r.end or date.max)
        day = date.fromisoformat(on[:10]) if isinstance(on, str) else on
        if isinstance(day, datetime):
            day = day.date()
        valid = [r for r in actor.roles if r.valid_on(day)]
        if valid:
            return valid[0]
        return min(actor.roles, key=lambda r: r.distance(day)) if nearest else None

    def party_of(self, actor_id: str, on: date | str | None = None) -> str | None:
        """Who an actor acts for: a person's party on ``on`` (the current one without a date).

        States, bodies, blocs and groups act for themselves (or their ``party``); ``anon:X`` → X;
        outlets, bare ``anon`` and unknown ids → None. A person's party on a date outside all
        their roles is that of the nearest role, since people rarely change sides.
        """
        if actor_id.startswith("anon:"):
            affiliation = actor_id[5:]
            return self.party_of(affiliation, on) if affiliation in self._actors else affiliation
        actor = self._actors.get(actor_id)
        if actor is None or actor.kind == "outlet":
            return None
        if actor.kind == "person":
            role = self._role(actor, on, nearest=True)
            return role.party if role else None
        return actor.party or actor.id

    def acting_for(self, party: str) -> list[str]:
        """The ids whose ``party_of`` may be ``party`` on some day: itself, the groups and bodies acting
        for it, the people with a role for it, and the anonymous sources of each (``anon:ID``)."""
        ids = {party} | {
            a.id for a in self._actors.values()
            if a.kind != "outlet" and (a.party == party or any(r.party == party for r in a.roles))
        }  # fmt: skip
        return sorted(ids | {f"anon:{i}" for i in ids})

    def changes_sides(self) -> list[str]:
        """The people whose roles are for more than one party (whom they act for depends on the day)."""
        return sorted(
            a.id for a in self._actors.values() if a.kind == "person" and len({r.party for r in a.roles}) > 1
        )

    def title_of(self, actor_id: str, on: date | str | None = None) -> str | None:
        """A person's title on ``on`` (the current one without a date); None outside their roles."""
        actor = self._actors.get(actor_id)
        if actor is None or actor.kind != "person":
            return None
        role = self._role(actor, on, nearest=False)
        return role.title if role else None

    def titles_of(self, actor_id: str, on: date | str | None = None) -> list[str]:
        """Every title a person held on ``on`` (a minister who also heads a delegation has two);
        without a date, those of the current role(s)."""
        actor = self._actors.get(actor_id)
        if actor is None or actor.kind != "person" or not actor.roles:
            return []
        if on is None:
            role = self._role(actor, None, nearest=False)
            current = [r.title for r in actor.roles if r.end is None]
            return current or ([role.title] if role else [])
        day = date.fromisoformat(on[:10]) if isinstance(on, str) else on
        if isinstance(day, datetime):
            day = day.date()
        return [r.title for r in actor.roles if r.valid_on(day)]

    def surface_forms(self) -> Iterator[tuple[str, str, str]]:
        """Every ``(text, actor_id, form_kind)``; form_kind is one of :data:`FORM_KINDS`.

        Match them case-sensitively (see the module docstring).
        """
        for actor in self._actors.values():
            seen: set[str] = set()
            forms = [(actor.name, "name")]
            forms += [(t, kind) for key, kind in _FORM_FIELDS for t in getattr(actor, key)]
            forms += [(t, "armed_forces") for t in actor.armed_forces]
            for text, kind in forms:
                if text not in seen:
                    seen.add(text)
                    yield text, actor.id, kind

    def lookup(self, text: str) -> list[str]:
        """Ids whose surface form is ``text`` (ignoring case, accents and a leading "the ")."""
        if self._by_form is None:
            by_form: dict[str, list[str]] = {}
            for form, actor_id, _ in self.surface_forms():
                ids = by_form.setdefault(_lookup_key(form), [])
                if actor_id not in ids:
                    ids.append(actor_id)
            self._by_form = by_form
        return list(self._by_form.get(_lookup_key(text), ()))

    def outlet_for_domain(self, host: str) -> str | None:
        """The outlet id for a URL or host name (``edition.cnn.com`` → ``outlet:cnn``), or None."""
        parts = _host(host).split(".")
        for i in range(len(parts) - 1):
            found = self._by_domain.get(".".join(parts[i:]))
            if found:
                return found
        return None


@lru_cache(maxsize=1)
def _builtin_registry() -> ActorRegistry:
    """The registry of ``data/actors/*.yaml``, read once per process."""
    started = time.perf_counter()
    actors: dict[str, Actor] = {}
    origin: dict[str, str] = {}
    for source, entries in _builtin_entries():
        _merge_entries(actors, origin, entries, source, extend=False)
    _check_references(actors, origin)
    return ActorRegistry(actors, time.perf_counter() - started)


__all__ = [
    "FORM_KINDS",
    "KINDS",
    "Actor",
    "ActorRegistry",
    "Role",
    "person_id",
    "slugify",
]
