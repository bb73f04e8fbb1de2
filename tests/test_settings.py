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
        ("[nlp]\nbatch_size = 'x'\n", "batch_size must be an integer"),
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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[nlp]\nbatch_size = 0\n", "[nlp] batch_size = 0 is out of range: it must be between 1 and 100,000"),
        (
            "[nlp]\nbatch_size = -1\n",
            "[nlp] batch_size = -1 is out of range: it must be between 1 and 100,000",
        ),
        ("[nlp]\nbatch_size = true\n", "[nlp] batch_size must be an integer, not True"),
        ("[nlp]\nmodel = ''\n", "[nlp] model = '' is out of range: it must not be empty"),
        ("[serve]\nport = 70000\n", "[serve] port = 70000 is out of range: it must be between 0 and 65,535"),
        (
            "[serve]\nmax_body_bytes = -1\n",
            "[serve] max_body_bytes = -1 is out of range: it must be at least 1",
        ),
        (
            "[store]\nnear_duplicate_jaccard = 2.0\n",
            "[store] near_duplicate_jaccard = 2.0 is out of range: it must be greater than 0.0 and at most 1.0",
        ),
        ("[store]\nnear_duplicate_jaccard = nan\n", "[store] near_duplicate_jaccard = nan is out of range"),
        ("[fetch]\ntimeout = -1\n", "[fetch] timeout = -1.0 is out of range: it must be greater than 0.0"),
        (
            "[consolidate]\nposition_stale_days = -5\n",
            "[consolidate] position_stale_days = -5 is out of range: it must be between 1 and 36,500",
        ),
        (
            "[input]\nmin_latin_share = 1.5\n",
            "[input] min_latin_share = 1.5 is out of range: it must be between",
        ),
        ("[input]\nmax_bytes = 0\n", "[input] max_bytes = 0 is out of range: it must be at least 1"),
        (
            "[alerts]\ndays_before = -1\n",
            "[alerts] days_before = -1 is out of range: it must be between 0 and 366",
        ),
        (
            "[alerts]\nwebhook_timeout = 0\n",
            "[alerts] webhook_timeout = 0.0 is out of range: it must be greater than 0.0",
        ),
        (
            "[alerts]\nsmtp_security = 'startls'\n",
            "[alerts] smtp_security = 'startls' is not allowed: it must be one of starttls, ssl, none",
        ),
        ("[watch]\nevery = ''\n", "[watch] every = '' is out of range: it must not be empty"),
        ("[serve]\ncount_cap = 0\n", "[serve] count_cap = 0 is out of range: it must be at least 1"),
    ],
)
def test_a_value_out_of_range_is_one_error_naming_file_key_and_range(
    tmp_path: Path, content: str, message: str
) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(user)
    assert str(info.value).startswith(f"{user}: {message}")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PARLEY_NLP_BATCH_SIZE", "0", "[nlp] batch_size = 0 is out of range"),
        ("PARLEY_SERVE_PORT", "70000", "[serve] port = 70000 is out of range"),
        ("PARLEY_FETCH_TIMEOUT", "-2", "[fetch] timeout = -2.0 is out of range"),
        (
            "PARLEY_FETCH_ALLOW_PRIVATE",
            "maybe",
            "'maybe' is not a valid fetch.allow_private: it must be true or false",
        ),
    ],
)
def test_an_environment_value_out_of_range_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith(f"{variable}: {message}")


def test_boundary_values_are_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "edge.toml"
    user.write_text("[serve]\nport = 0\n[store]\nnear_duplicate_jaccard = 1\n[nlp]\nbatch_size = 1\n")
    monkeypatch.setenv("PARLEY_FETCH_ALLOW_PRIVATE", "off")
    settings = load_settings(user)
    assert (settings.serve.port, settings.store.near_duplicate_jaccard, settings.nlp.batch_size) == (
        0,
        1.0,
        1,
    )
    assert settings.fetch.allow_private is False


def test_the_cli_reports_a_bad_setting_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from parley.cli import main

    user = tmp_path / "bad.toml"
    user.write_text("[nlp]\nbatch_size = 0\n", encoding="utf-8")
    assert main(["--settings", str(user), "stats", "--db", str(tmp_path / "p.db")]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"parley: error: {user}: [nlp] batch_size = 0 is out of range: it must be between 1 and 100,000 [P302]\n"
    )
    assert not (tmp_path / "p.db").exists()


def test_serve_refuses_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    from parley.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--port", "70000"])
    assert exit_info.value.code == 2
    assert "70000 is out of range: a port is from 0 to 65,535" in capsys.readouterr().err


def test_a_fifo_as_settings_file_is_refused_without_waiting(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "settings.toml"
    os.mkfifo(fifo)
    with pytest.raises(SettingsError, match="a named pipe"):
        load_settings(fifo)
