"""The classroom pack: what is in it, and that a fresh environment runs every chapter from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from jjj_book import book
from jjj_book.build import pack


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, pack.Pack]:
    before = sorted(p.name for p in ROOT.iterdir())
    made = {p.kind: p for p in pack.make_packs(ROOT, tmp_path_factory.mktemp("packs"))}
    assert sorted(p.name for p in ROOT.iterdir()) == before     # nothing written into the book (no build/)
    return made


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _notebook(path: Path, name: str) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(f"{pack.PACK_NAME}/chapters/{name}"))


def _solutions(nb: dict) -> int:
    return sum(pack.SOLUTION_TAG in c.get("metadata", {}).get("tags", []) for c in nb["cells"]
               if c["cell_type"] == "code")


def test_each_pack_holds_every_page_the_data_the_wheel_and_a_readme(packs):
    for made in packs.values():
        names = _names(made.path)
        for page in book.pages(ROOT):
            assert f"{pack.PACK_NAME}/{page.path.relative_to(ROOT).as_posix()}" in names
        for path in (ROOT / "data").glob("*.csv"):
            assert f"{pack.PACK_NAME}/data/{path.name}" in names
        assert any(n.endswith(".whl") for n in names) and f"{pack.PACK_NAME}/README.md" in names
        assert made.size == made.path.stat().st_size > 0
        assert made.path.stat().st_mode & 0o044 == 0o044       # readable by the web server and other users


def test_the_student_pack_has_no_solutions_and_no_outputs_and_the_teacher_pack_keeps_them(packs):
    expected = sum(_solutions(json.loads(p.path.read_text(encoding="utf-8"))) for p in book.notebooks(ROOT))
    assert expected > 0 and packs["student"].solutions_removed == expected
    for page in book.notebooks(ROOT):
        student = _notebook(packs["student"].path, page.path.name)
        teacher = _notebook(packs["teacher"].path, page.path.name)
        assert _solutions(student) == 0
        assert _solutions(teacher) == _solutions(json.loads(page.path.read_text(encoding="utf-8")))
        for nb in (student, teacher):
            assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def test_the_same_book_gives_the_same_archive(packs, tmp_path):
    with zipfile.ZipFile(packs["student"].path) as archive:  # the wheel the packs were made with: no second build
        wheel = Path(archive.extract(next(n for n in archive.namelist() if n.endswith(".whl")), tmp_path))
    first = pack.make_pack(ROOT, tmp_path / "a", "student", wheel)
    second = pack.make_pack(ROOT, tmp_path / "b", "student", wheel)
    assert pack.digest(first.path) == pack.digest(second.path)


@pytest.mark.slow
def test_a_fresh_environment_runs_every_chapter_from_the_pack(packs, tmp_path):
    with zipfile.ZipFile(packs["student"].path) as archive:
        archive.extractall(tmp_path)
    home = tmp_path / pack.PACK_NAME
    wheel = next(home.glob("*.whl"))
    venv = home / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    # the installed package is the wheel's, not this checkout's
    where = subprocess.run([str(py), "-c", "import jjj_book, jjj_book.paths as p; print(jjj_book.__file__);"
                            "print(p.default_data_dir())"], capture_output=True, text=True, check=True, env=env)
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout
    for notebook in sorted((home / "chapters").glob("*.ipynb")):
        run = subprocess.run([str(venv / "bin" / "papermill"), "--cwd", str(home / "chapters"), str(notebook),
                              str(tmp_path / f"out-{notebook.name}")], capture_output=True, text=True, env=env)
        assert run.returncode == 0, f"{notebook.name}:\n{run.stderr[-3000:]}"
