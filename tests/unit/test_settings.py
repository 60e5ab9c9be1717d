"""User settings: the config file, validation, command-line overrides, saving."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

import pytest

from reader.settings import (
    Settings,
    SettingsError,
    config_path,
    format_settings,
    load_settings,
    save_settings,
    with_overrides,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_path_is_in_the_isolated_config_folder():
    # tests/conftest.py points XDG_CONFIG_HOME at a temporary folder.
    path = config_path()
    assert path.name == "config.toml"
    assert path.parent.name == "hamish"
    if sys.platform.startswith("linux"):
        assert path == Path(os.environ["XDG_CONFIG_HOME"]) / "hamish" / "config.toml"


def test_defaults_when_the_file_is_missing(tmp_path):
    assert load_settings() == Settings()
    assert load_settings(tmp_path / "nope.toml") == Settings()
    defaults = Settings()
    assert defaults.author is None
    assert defaults.bidi == "self"
    assert defaults.theme is None
    assert defaults.harakat is True
    assert defaults.reading_width == 80
    assert defaults.direction == "auto"


def test_values_are_read(tmp_path):
    path = write(
        tmp_path / "config.toml",
        "# my settings\n"
        'author = "رنا الحداد"\n'
        'bidi = "terminal"\n'
        'theme = "textual-light"\n'
        "harakat = false\n"
        "reading_width = 100\n"
        'direction = "rtl"\n',
    )
    assert load_settings(path) == Settings(
        author="رنا الحداد",
        bidi="terminal",
        theme="textual-light",
        harakat=False,
        reading_width=100,
        direction="rtl",
    )


def test_default_path_is_used(tmp_path):
    write(config_path(), "reading_width = 60\n")
    assert load_settings().reading_width == 60


def test_unknown_keys_and_tables_are_ignored(tmp_path):
    path = write(
        tmp_path / "config.toml",
        'colour = "blue"\nreading_width = 72\n[future]\nbidi = 3\n',
    )
    assert load_settings(path) == Settings(reading_width=72)


def test_empty_strings_mean_unset(tmp_path):
    path = write(tmp_path / "config.toml", 'author = "  "\ntheme = ""\n')
    assert load_settings(path) == Settings()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('bidi = "both"', "key 'bidi': expected one of self, terminal"),
        ('direction = "up"', "key 'direction': expected one of auto, rtl, ltr"),
        ('harakat = "no"', "key 'harakat': expected true or false"),
        ("harakat = 0", "key 'harakat': expected true or false"),
        ("reading_width = 10", "key 'reading_width': expected an integer from 20 to 400, got 10"),
        ("reading_width = 401", "key 'reading_width': expected an integer from 20 to 400, got 401"),
        ('reading_width = "80"', "key 'reading_width': expected an integer from 20 to 400"),
        ("reading_width = true", "key 'reading_width': expected an integer from 20 to 400"),
        ("reading_width = 80.0", "key 'reading_width': expected an integer from 20 to 400"),
        ("author = 42", "key 'author': expected a string"),
        ('author = "a\\nb"', "key 'author': expected a single line"),
        (
            'author = "r\\u001b]0;x\\u0007ana"',
            "key 'author': a name cannot hold control or bidi control characters",
        ),
        (
            'author = "r\\u202eana"',
            "key 'author': a name cannot hold control or bidi control characters",
        ),
        ("theme = []", "key 'theme': expected a string"),
    ],
)
def test_bad_values_name_the_file_and_key(tmp_path, content, message):
    path = write(tmp_path / "config.toml", content + "\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}: {message}"


def test_choices_are_case_insensitive(tmp_path):
    path = write(tmp_path / "config.toml", 'bidi = "Terminal"\ndirection = "LTR"\n')
    assert load_settings(path) == Settings(bidi="terminal", direction="ltr")


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ('author = "x"\nbidi = \n', 2),
        ('author = "x"\nbidi = "self"\nbidi = "terminal"\n', 3),
        ("[a]\nx = 1\n[a]\ny = 2\n", 3),
        ('author = "unterminated\n', 1),
    ],
)
def test_toml_syntax_errors_give_a_line(tmp_path, content, line):
    path = write(tmp_path / "config.toml", content)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {line}: ")
    assert "\n" not in message
    assert "(at " not in message


def test_unreadable_files(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(SettingsError, match="is a folder"):
        load_settings(folder)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b'author = "\xff"\n')
    with pytest.raises(SettingsError, match="not UTF-8 text"):
        load_settings(binary)


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes("\ufeffreading_width = 90\n".encode())
    assert load_settings(path).reading_width == 90


def test_overrides():
    base = Settings(author="rana", reading_width=100)
    assert with_overrides(base) is base
    assert with_overrides(base, author=None, bidi=None, harakat=None) is base
    changed = with_overrides(base, bidi="terminal", harakat=False, reading_width=60)
    assert changed == Settings(author="rana", bidi="terminal", harakat=False, reading_width=60)
    assert with_overrides(base, author="منى").author == "منى"
    assert base == Settings(author="rana", reading_width=100)  # unchanged


def test_bad_overrides():
    with pytest.raises(SettingsError, match="setting 'reading_width': expected an integer"):
        with_overrides(Settings(), reading_width=5)
    with pytest.raises(SettingsError, match="setting 'direction'"):
        with_overrides(Settings(), direction="sideways")
    with pytest.raises(TypeError):
        with_overrides(Settings(), colour="blue")


def test_resolved_author(monkeypatch):
    assert Settings(author="رنا").resolved_author() == "رنا"
    import annotations.model

    monkeypatch.setattr(annotations.model, "default_author", lambda: "login-name")
    assert Settings().resolved_author() == "login-name"


def test_save_writes_only_changed_values(tmp_path):
    path = tmp_path / "config.toml"
    save_settings(Settings(), path)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {}
    save_settings(Settings(harakat=False, reading_width=80), path)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"harakat": False}


def test_save_load_round_trip(tmp_path):
    path = tmp_path / "deep" / "folder" / "config.toml"
    settings = Settings(
        author='رنا\t"الحداد" \\ x',  # TOML escapes for quotes, backslash, tab
        bidi="terminal",
        theme="nord",
        harakat=False,
        reading_width=120,
        direction="ltr",
    )
    save_settings(settings, path)
    text = path.read_text(encoding="utf-8")
    assert "رنا" in text  # written readably, not as \\u escapes
    assert "harakat = false" in text
    assert "reading_width = 120" in text
    assert load_settings(path) == settings
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_save_to_the_default_path():
    save_settings(Settings(author="منى حداد", theme="textual-light"))
    assert config_path().is_file()
    assert load_settings() == Settings(author="منى حداد", theme="textual-light")


def test_save_replaces_atomically(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    save_settings(Settings(reading_width=50), path)

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(SettingsError, match="cannot save: No space left on device"):
        save_settings(Settings(reading_width=70), path)
    monkeypatch.undo()
    assert load_settings(path) == Settings(reading_width=50)
    assert list(tmp_path.iterdir()) == [path]


def test_save_refuses_invalid_values(tmp_path):
    path = tmp_path / "config.toml"
    with pytest.raises(SettingsError, match="key 'reading_width'"):
        save_settings(Settings(reading_width=5), path)
    assert not path.exists()


def test_format_settings_is_simple_toml():
    text = format_settings(Settings(author="x", reading_width=90))
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == ['author = "x"', "reading_width = 90"]
