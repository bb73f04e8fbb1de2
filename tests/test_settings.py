"""The settings object: defaults from the commented config, a user file, the environment."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from parley.errors import InputError, SettingsError
from parley.settings import load_settings


def test_defaults_come_from_the_commented_config() -> None:
    settings = load_settings()
    assert settings.nlp.model == "auto"
    assert settings.input.max_bytes > 0


def test_a_user_file_and_the_environment_override_the_defaults(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "parley.toml"
    user.write_text("[nlp]\nbatch_size = 8\n", encoding="utf-8")
    monkeypatch.setenv("PARLEY_SERVE_PORT", "9001")
    settings = load_settings(user)
    assert settings.nlp.batch_size == 8
    assert settings.serve.port == 9001
    assert load_settings(user, nlp={"batch_size": 4}).nlp.batch_size == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[nlp]\nbatch_size = 'x'\n", "batch_size must be a int"),
        ("[nlp]\nbtach_size = 8\n", "unknown setting(s) in [nlp]: btach_size"),
        ("[nope]\nx = 1\n", "unknown settings section [nope]"),
        ("[nlp\n", "cannot read settings"),
    ],
)
def test_a_bad_settings_file_is_a_settings_error_naming_it(
    tmp_path: Path, content: str, message: str
) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(user)
    assert message in str(info.value) and str(user) in str(info.value)


def test_a_bad_environment_value_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("PARLEY_NLP_BATCH_SIZE", "many")
    with pytest.raises(SettingsError, match="PARLEY_NLP_BATCH_SIZE"):
        load_settings()


def test_errors_survive_pickling_across_processes() -> None:
    error = pickle.loads(pickle.dumps(InputError("empty file", source="a.txt")))
    assert str(error) == "a.txt: empty file [P100]"
