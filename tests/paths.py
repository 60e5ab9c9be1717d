"""Where the tests find the repository's files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_articles"
DATA = ROOT / "tests" / "data"


def sample_paths() -> list[Path]:
    return sorted(
        p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md"
    )


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``hamish ARGS…`` in-process: (exit code, stdout, stderr)."""
    import pytest

    from reader.cli import main

    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return exited.value.code, out, err
