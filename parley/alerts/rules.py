"""Alert rules: what a user subscribes to, and where it is delivered.

A rule names the kinds of alert it wants and narrows them by process, party, issue and
corroboration; it may name a webhook and e-mail addresses to deliver to (every alert is also in the
Atom feed of its rule, on the ``/alerts`` page and in ``parley alerts log``). Rules are stored in the
store (``alert_rules``), so that the watch, the web app and the command line share them; a rules
file (TOML or YAML, setting ``alerts.rules_file``) is loaded into the store, replacing the rules it
held before. With no rule stored, the default set of ``data/alerts.toml`` applies.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from parley.errors import AlertRuleError
from parley.files import read_text
from parley.settings import DATA_DIR, Settings
from parley.store import Store

#: Every kind of alert, in the order they are listed.
KINDS = (
    "violation",  # a violation reported, or newly corroborated enough for the rule
    "deadline approaching",  # a truce's end or an ultimatum's last day within days_before
    "deadline passed",  # a truce ended, an ultimatum's day passed, a threat carried out or lapsed
    "red line crossed",  # a proposal or position against another party's red line
    "commitment status",  # agreed, made conditional, condition met, reported violated, expired, withdrawn
    "new proposal",
    "new process",
    "party left talks",
)
DEFAULT_RULES_FILE = DATA_DIR / "alerts.toml"
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class Rule:
    """One subscription. Empty filters match everything; list filters match any of their values."""

    name: str
    kinds: tuple[str, ...] = KINDS
    processes: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    min_outlets: int = 0
    min_stories: int = 0
    min_named_sources: int = 0
    sources: tuple[str, ...] = ()  # outlets or speakers one of which must be among the fact's sources
    days_before: int | None = None  # for "deadline approaching"; None: setting alerts.days_before
    webhook: str | None = None
    email: tuple[str, ...] = ()
    description: str = ""
    targets: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        channels = ([("webhook", self.webhook)] if self.webhook else []) + [("email", a) for a in self.email]
        object.__setattr__(self, "targets", tuple(channels))

    def spec(self) -> dict[str, Any]:
        """The rule as stored and shown (JSON-ready), without empty filters."""
        out = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items() if k != "targets"}
        return {k: v for k, v in out.items() if v not in (None, "", [], 0) or k == "name"}

    def corroborated(self, fact: dict[str, Any]) -> bool:
        """Whether a fact (a view of ``parley.analysis``) is corroborated as the rule asks."""
        counts = fact["corroboration"]
        return (
            counts["outlets"] >= self.min_outlets
            and counts["stories"] >= self.min_stories
            and counts["named_sources"] >= self.min_named_sources
        )


_LIST_FIELDS = {"kinds", "processes", "parties", "issues", "sources", "email"}
_INT_FIELDS = {"min_outlets", "min_stories", "min_named_sources", "days_before"}
_ALIASES = {
    "process": "processes",
    "party": "parties",
    "issue": "issues",
    "kind": "kinds",
    "source": "sources",
}


def rule_from(raw: Any, where: str) -> Rule:
    """A rule from its mapping (a rules file entry, an API body, command-line options); ``AlertRuleError``
    naming ``where`` and the field for anything invalid."""
    if not isinstance(raw, dict):
        raise AlertRuleError("a rule must be a table/mapping of fields", source=where)
    known = {f.name for f in fields(Rule)} - {"targets"}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = _ALIASES.get(key, key)
        if name not in known:
            raise AlertRuleError(
                f"unknown rule field {key!r} (known: {', '.join(sorted(known | set(_ALIASES)))})",
                source=where,
            )
        if name in _LIST_FIELDS:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                raise AlertRuleError(f"{key!r} must be a string or a list of strings", source=where)
            values[name] = tuple(dict.fromkeys(i.strip() for i in items))
        elif name in _INT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise AlertRuleError(f"{key!r} must be a whole number ≥ 0, not {value!r}", source=where)
            values[name] = value
        elif value is not None and not isinstance(value, str):
            raise AlertRuleError(f"{key!r} must be a string, not {value!r}", source=where)
        else:
            values[name] = value.strip() if isinstance(value, str) else value
    name = values.get("name") or ""
    if not name or not set(name) <= _NAME_CHARS or len(name) > 80:
        raise AlertRuleError(
            f"a rule needs a name of lower-case letters, digits, '-', '_' or '.' (got {name!r})", source=where
        )
    unknown_kinds = [k for k in values.get("kinds", ()) if k not in KINDS]
    if unknown_kinds:
        raise AlertRuleError(
            f"rule {name!r}: unknown kind(s) {', '.join(map(repr, unknown_kinds))} (known: {', '.join(KINDS)})",
            source=where,
        )
    if "kinds" in values and not values["kinds"]:
        raise AlertRuleError(f"rule {name!r}: 'kinds' is empty", source=where)
    webhook = values.get("webhook")
    if webhook and not webhook.lower().startswith(("http://", "https://")):
        raise AlertRuleError(
            f"rule {name!r}: the webhook must be an http(s) URL, not {webhook!r}", source=where
        )
    for address in values.get("email", ()):
        if "@" not in address or any(c.isspace() for c in address):
            raise AlertRuleError(f"rule {name!r}: {address!r} is not an e-mail address", source=where)
    return Rule(**values)


def read_rules_file(path: str | Path) -> list[Rule]:
    """The rules of a TOML (``[[rules]]`` tables) or YAML (``rules:`` list) file."""
    where = str(path)
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise AlertRuleError(f"cannot read the rules file: {reason}", source=where) from None
    try:
        if str(path).lower().endswith((".yaml", ".yml")):
            loaded = yaml.safe_load(text) or {}
        else:
            loaded = tomllib.loads(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        problem = " ".join(str(exc).split())
        raise AlertRuleError(f"not a valid rules file: {problem}", source=where) from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("rules", []), list):
        raise AlertRuleError("expected a list of rules under 'rules'", source=where)
    rules = [rule_from(raw, f"{where}: rule {i}") for i, raw in enumerate(loaded.get("rules", []), start=1)]
    names = [r.name for r in rules]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise AlertRuleError(f"rule name(s) used twice: {', '.join(twice)}", source=where)
    return rules


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    """The rules that apply when none is stored (``data/alerts.toml``)."""
    return tuple(read_rules_file(DEFAULT_RULES_FILE))


def stored_rules(store: Store, rows: list[dict[str, Any]] | None = None) -> list[Rule]:
    """The rules stored, each as a ``Rule`` (rules are validated before they are stored); ``rows``:
    the stored rules as ``Store.alert_rules`` gives them, when they were read already."""
    stored = store.alert_rules() if rows is None else rows
    return [rule_from(row["spec"], f"rule {row['name']}") for row in stored]


def active_rules(store: Store, rows: list[dict[str, Any]] | None = None) -> list[Rule]:
    """The rules that raise alerts: those stored (``rows``: as for ``stored_rules``), else the default set."""
    return stored_rules(store, rows) or list(default_rules())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_rule(store: Store, rule: Rule, origin: str) -> str | None:
    """Store a rule, replacing one of the same name; where the rule it replaced came from ("cli",
    "api", "file:PATH"), or None when there was none."""
    with store.transaction():
        return store.put_alert_rule(rule.name, rule.spec(), origin, _now())


def remove_rule(store: Store, name: str) -> bool:
    """Delete a stored rule; whether there was one."""
    with store.transaction():
        return store.delete_alert_rule(name)


def load_rules_file(store: Store, path: str | Path) -> list[Rule]:
    """Load a rules file into the store: its rules are stored and those it held before but no longer
    does are removed (rules added otherwise stay). Returns its rules."""
    rules = read_rules_file(path)
    origin = f"file:{Path(path).resolve()}"
    with store.transaction():
        store.delete_alert_rules_of(origin, [r.name for r in rules])
        for rule in rules:
            store.put_alert_rule(rule.name, rule.spec(), origin, _now())
    return rules


def load_configured_rules(store: Store, settings: Settings) -> list[Rule]:
    """Load the rules file of the setting ``alerts.rules_file``, if one is set; its rules."""
    return load_rules_file(store, settings.alerts.rules_file) if settings.alerts.rules_file else []
