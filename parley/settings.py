"""One settings object, built from the commented default config ``data/settings.toml``.

Precedence, lowest first: the defaults file, a user file (``--settings FILE`` or
``PARLEY_SETTINGS``), environment variables ``PARLEY_<SECTION>_<KEY>``, explicit overrides.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from parley.errors import SettingsError
from parley.files import source_problem

DATA_DIR = Path(__file__).parent / "data"
DEFAULTS_FILE = DATA_DIR / "settings.toml"


def _allowed(
    low: float | None = None,
    high: float | None = None,
    *,
    above: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """Field metadata: the range a setting's value must lie in (``above``: strictly greater), or
    the words it must be one of (``choices``)."""
    return {"low": low, "high": high, "above": above, "choices": choices}


def _setting(
    default: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    above: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    return field(default=default, metadata=_allowed(low, high, above=above, choices=choices))


@dataclass(frozen=True)
class NlpSettings:
    model: str = _setting("auto", 1)  # for strings, the bounds are lengths
    batch_size: int = _setting(32, 1, 100_000)
    max_token_chars: int = _setting(100, 10, 10_000)
    max_sentence_tokens: int = _setting(300, 20, 10_000)
    section_chars: int = _setting(20_000, 1_000, 1_000_000)
    article_seconds: float = _setting(300.0, 0.0, 86_400.0)


@dataclass(frozen=True)
class InputSettings:
    max_bytes: int = _setting(5_000_000, 1)
    max_chars: int = _setting(1_000_000, 1, 1_000_000)  # spaCy's max_length
    min_latin_share: float = _setting(0.6, 0.0, 1.0)
    min_english_stopword_share: float = _setting(0.08, 0.0, 1.0)
    min_chars: int = _setting(40, 1)


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = _setting(15.0, high=3600.0, above=0.0)
    max_bytes: int = _setting(5_000_000, 1)
    allow_private: bool = False
    user_agent: str = _setting("parley/0.1", 1)


@dataclass(frozen=True)
class StoreSettings:
    db: str = _setting("parley.db", 1)
    near_duplicate_jaccard: float = _setting(0.8, high=1.0, above=0.0)
    commit_attempts: int = _setting(5, 1, 100)
    statement_timeout_ms: int = _setting(60_000, 0)
    durable_commits: bool = False
    sqlite_checkpoint_pages: int = _setting(1000, 1, 10_000_000)


@dataclass(frozen=True)
class ConsolidateSettings:
    position_stale_days: int = _setting(365, 1, 36_500)


@dataclass(frozen=True)
class ServeSettings:
    host: str = _setting("127.0.0.1", 1)
    port: int = _setting(8000, 0, 65_535)
    max_body_bytes: int = _setting(2_000_000, 1)
    token_file: str = ""
    count_cap: int = _setting(10_000, 1)
    timeline_days: int = _setting(30, 1, 36_500)
    timeline_facts: int = _setting(150, 1)
    tally_seconds: float = _setting(30.0, 0.0, 86_400.0)
    actor_facts: int = _setting(100, 1, 10_000)
    board_full_processes: int = _setting(3, 0)
    db_connections: int = _setting(8, 1, 1_000)


@dataclass(frozen=True)
class AlertsSettings:
    rules_file: str = ""
    clock: str = ""
    days_before: int = _setting(3, 0, 366)
    lookback_days: int = _setting(7, 0, 366)
    max_sources: int = _setting(10, 0, 1_000)
    base_url: str = ""
    max_attempts: int = _setting(6, 1, 100)
    retry_seconds: float = _setting(30.0, 0.0, 86_400.0)
    webhook_timeout: float = _setting(10.0, high=3_600.0, above=0.0)
    webhook_secret_file: str = ""
    smtp_host: str = ""
    smtp_port: int = _setting(587, 1, 65_535)
    smtp_security: str = _setting("starttls", choices=("starttls", "ssl", "none"))
    smtp_user: str = ""
    smtp_password_file: str = ""
    smtp_from: str = _setting("parley@localhost", 1)
    smtp_timeout: float = _setting(20.0, high=3_600.0, above=0.0)
    smtp_ca_file: str = ""


@dataclass(frozen=True)
class WatchSettings:
    every: str = _setting("15m", 1)
    host_interval: float = _setting(5.0, 0.0, 3_600.0)
    max_backoff: str = _setting("6h", 1)


@dataclass(frozen=True)
class Settings:
    """All of parley's tunable values; see ``data/settings.toml`` for what each one means."""

    nlp: NlpSettings = field(default_factory=NlpSettings)
    input: InputSettings = field(default_factory=InputSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    consolidate: ConsolidateSettings = field(default_factory=ConsolidateSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    alerts: AlertsSettings = field(default_factory=AlertsSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)


_TYPE_NAMES = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _coerce(value: str, like: Any) -> Any:
    """An environment variable's text as the type of the setting it overrides."""
    if isinstance(like, bool):
        word = value.strip().lower()
        if word not in _TRUE + _FALSE:
            raise ValueError(value)
        return word in _TRUE
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    return value


def _range_text(low: float | None, high: float | None, above: float | None, unit: str) -> str:
    """``"between 1 and 100,000"``, ``"at least 1"``, ``"greater than 0 and at most 3,600"``..."""

    def number(value: float) -> str:
        return f"{value:,}" if isinstance(value, int) or not value.is_integer() else f"{value:,.1f}"

    parts = []
    if above is not None:
        parts.append(f"greater than {number(above)}")
    if low is not None and high is not None and above is None:
        return f"between {number(low)} and {number(high)}{unit}"
    if low is not None:
        parts.append(f"at least {number(low)}")
    if high is not None:
        parts.append(f"at most {number(high)}")
    return " and ".join(parts) + unit


def _check(section: str, sf: Any, value: Any, default: Any, source: str) -> Any:
    """``value`` when it has the setting's type and lies in its range; else a SettingsError."""
    kind = type(default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise SettingsError(
            f"[{section}] {sf.name} must be {_TYPE_NAMES[kind]}, not {value!r}", source=source
        )
    choices = sf.metadata.get("choices")
    if choices is not None and value not in choices:
        raise SettingsError(
            f"[{section}] {sf.name} = {value!r} is not allowed: it must be one of {', '.join(choices)}",
            source=source,
        )
    low, high, above = (sf.metadata.get(k) for k in ("low", "high", "above"))
    measured = len(value) if isinstance(value, str) else value
    unit = " characters long" if isinstance(value, str) else ""
    if (
        (low is not None and not measured >= low)  # "not >=": NaN is out of every range
        or (high is not None and not measured <= high)
        or (above is not None and not measured > above)
    ):
        allowed = (
            "not be empty"
            if isinstance(value, str) and low == 1 and high is None
            else ("be " + _range_text(low, high, above, unit))
        )
        raise SettingsError(
            f"[{section}] {sf.name} = {value!r} is out of range: it must {allowed}", source=source
        )
    return value


def load_settings(path: str | Path | None = None, **overrides: dict[str, Any]) -> Settings:
    """Build the settings: defaults file, then ``path`` (or ``PARLEY_SETTINGS``), then environment.

    ``overrides`` maps a section name to a dict of keys, e.g. ``load_settings(nlp={"model": "x"})``.
    Every value is checked for its type and range; a bad one is a :class:`SettingsError` naming the
    file (or environment variable), the key and what is allowed.
    """
    merged: dict[str, dict[str, Any]] = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    origin: dict[tuple[str, str], str] = {
        (section, key): str(DEFAULTS_FILE) for section, values in merged.items() for key in values
    }
    user = path or os.environ.get("PARLEY_SETTINGS")
    if user:
        problem = source_problem(user)
        if problem:  # a FIFO would wait for a writer, a device would never end
            raise SettingsError(f"cannot read settings: {problem}", source=str(user))
        try:
            loaded = tomllib.loads(Path(user).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read settings: {exc}", source=str(user)) from None
        for section, values in loaded.items():
            if not isinstance(values, dict) or section not in {f.name for f in fields(Settings)}:
                raise SettingsError(f"unknown settings section [{section}]", source=str(user))
            merged.setdefault(section, {}).update(values)
            origin.update({(section, key): str(user) for key in values})
    sections = {}
    for f in fields(Settings):
        cls = f.default_factory  # type: ignore[misc]
        defaults = cls()
        values = dict(merged.get(f.name, {}))
        for sf in fields(cls):
            variable = f"PARLEY_{f.name}_{sf.name}".upper()
            env = os.environ.get(variable)
            if env is not None:
                try:
                    values[sf.name] = _coerce(env, getattr(defaults, sf.name))
                except ValueError:
                    raise SettingsError(
                        f"{env!r} is not a valid {f.name}.{sf.name}: it must be {_TYPE_NAMES[type(getattr(defaults, sf.name))]}",
                        source=variable,
                    ) from None
                origin[(f.name, sf.name)] = variable
        for key in overrides.get(f.name, {}):
            origin[(f.name, key)] = f"settings override {f.name}.{key}"
        values.update(overrides.get(f.name, {}))
        known = {sf.name for sf in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise SettingsError(
                f"unknown setting(s) in [{f.name}]: {', '.join(sorted(unknown))}",
                source=str(user or DEFAULTS_FILE),
            )
        for sf in fields(cls):
            if sf.name in values:
                where = origin.get((f.name, sf.name), str(DEFAULTS_FILE))
                values[sf.name] = _check(f.name, sf, values[sf.name], getattr(defaults, sf.name), where)
        sections[f.name] = cls(**values)
    return Settings(**sections)
