"""Shared fixtures: the repository root, the real data package, and scratch copies to break."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ (without the helpers' staging folder)."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns("_staging"))
    return dest


def rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def first_row(path: Path, startswith: str) -> tuple[int, str]:
    """(line number, line) of the first line starting with a prefix; the header is line 1."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(startswith):
            return number, line
    raise AssertionError(f"no line starting with {startswith!r} in {path}")
