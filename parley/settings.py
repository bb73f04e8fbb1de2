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

DATA_DIR = Path(__file__).parent / "data"
DEFAULTS_FILE = DATA_DIR / "settings.toml"


@dataclass(frozen=True)
class NlpSettings:
    model: str = "auto"
    batch_size: int = 32
    max_token_chars: int = 100
    max_sentence_tokens: int = 300
    section_chars: int = 20_000
    article_seconds: float = 300.0


@dataclass(frozen=True)
class InputSettings:
    max_bytes: int = 5_000_000
    max_chars: int = 1_000_000
    min_latin_share: float = 0.6
    min_english_stopword_share: float = 0.08
    min_chars: int = 40


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 15.0
    max_bytes: int = 5_000_000
    allow_private: bool = False
    user_agent: str = "parley/0.1"


@dataclass(frozen=True)
class StoreSettings:
    db: str = "parley.db"
    near_duplicate_jaccard: float = 0.8


@dataclass(frozen=True)
class ConsolidateSettings:
    position_stale_days: int = 365


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 2_000_000
    token_file: str = ""


@dataclass(frozen=True)
class Settings:
    """All of parley's tunable values; see ``data/settings.toml`` for what each one means."""

    nlp: NlpSettings = field(default_factory=NlpSettings)
    input: InputSettings = field(default_factory=InputSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    consolidate: ConsolidateSettings = field(default_factory=ConsolidateSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)


def _coerce(value: str, like: Any) -> Any:
    if isinstance(like, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    return value


def load_settings(path: str | Path | None = None, **overrides: dict[str, Any]) -> Settings:
    """Build the settings: defaults file, then ``path`` (or ``PARLEY_SETTINGS``), then environment.

    ``overrides`` maps a section name to a dict of keys, e.g. ``load_settings(nlp={"model": "x"})``.
    """
    merged: dict[str, dict[str, Any]] = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    user = path or os.environ.get("PARLEY_SETTINGS")
    if user:
        try:
            loaded = tomllib.loads(Path(user).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read settings: {exc}", source=str(user)) from None
        for section, values in loaded.items():
            if not isinstance(values, dict) or section not in {f.name for f in fields(Settings)}:
                raise SettingsError(f"unknown settings section [{section}]", source=str(user))
            merged.setdefault(section, {}).update(values)
    sections = {}
    for f in fields(Settings):
        cls = f.default_factory  # type: ignore[misc]
        defaults = cls()
        values = dict(merged.get(f.name, {}))
        for sf in fields(cls):
            env = os.environ.get(f"PARLEY_{f.name}_{sf.name}".upper())
            if env is not None:
                try:
                    values[sf.name] = _coerce(env, getattr(defaults, sf.name))
                except ValueError:
                    raise SettingsError(
                        f"{env!r} is not a valid {f.name}.{sf.name}",
                        source=f"PARLEY_{f.name}_{sf.name}".upper(),
                    ) from None
        values.update(overrides.get(f.name, {}))
        known = {sf.name for sf in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise SettingsError(
                f"unknown setting(s) in [{f.name}]: {', '.join(sorted(unknown))}",
                source=str(user or DEFAULTS_FILE),
            )
        for sf in fields(cls):
            default = getattr(defaults, sf.name)
            if (
                sf.name in values
                and not isinstance(values[sf.name], type(default))
                and not (isinstance(default, float) and isinstance(values[sf.name], int))
            ):
                raise SettingsError(
                    f"[{f.name}] {sf.name} must be a {type(default).__name__}, not {values[sf.name]!r}",
                    source=str(user or DEFAULTS_FILE),
                )
        sections[f.name] = cls(**values)
    return Settings(**sections)
