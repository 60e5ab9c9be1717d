"""settings.chosen_bidi and save_settings(keep=…): a bidi mode the user chose, even the
default one, is told apart from no choice (so `--bidi auto` can pick per terminal)."""

from __future__ import annotations

import tomllib

import pytest

from reader.settings import (
    Settings,
    SettingsError,
    chosen_bidi,
    load_settings,
    save_settings,
)


def test_no_file_and_no_key_mean_no_choice(tmp_path):
    assert chosen_bidi(tmp_path / "missing.toml") is None
    path = tmp_path / "config.toml"
    path.write_text('author = "رنا"\n', encoding="utf-8")
    assert chosen_bidi(path) is None
    assert load_settings(path).bidi == "self"  # the reader's default all the same


@pytest.mark.parametrize("mode", ["self", "terminal"])
def test_a_named_mode_is_a_choice(tmp_path, mode):
    path = tmp_path / "config.toml"
    path.write_text(f'bidi = "{mode.upper()}"\n', encoding="utf-8")
    assert chosen_bidi(path) == mode


def test_a_bad_file_is_the_same_error_as_for_load_settings(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('bidi = "sideways"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="key 'bidi'") as chosen:
        chosen_bidi(path)
    with pytest.raises(SettingsError) as loaded:
        load_settings(path)
    assert str(chosen.value) == str(loaded.value)


def test_keep_writes_a_default_value_the_user_chose(tmp_path):
    path = tmp_path / "config.toml"
    save_settings(Settings(reading_width=72), path, keep=("bidi",))
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"bidi": "self", "reading_width": 72}
    assert chosen_bidi(path) == "self"
    save_settings(Settings(reading_width=72), path)  # without keep: the default is unsaid
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"reading_width": 72}
    assert chosen_bidi(path) is None
