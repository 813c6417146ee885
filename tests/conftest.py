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


def set_cell(path: Path, prefix: str, column: str, value: str) -> int:
    """Set one cell of the first row starting with ``prefix``; return that row's line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    for number, line in enumerate(lines, start=1):
        if line.startswith(prefix):
            cells = line.split(",")  # the rows edited here have no quoted commas
            cells[header.index(column)] = value
            lines[number - 1] = ",".join(cells)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return number
    raise AssertionError(f"no line starting with {prefix!r} in {path}")
