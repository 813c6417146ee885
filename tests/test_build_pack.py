"""The classroom pack: what is in it, and that a fresh environment runs every chapter from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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


# Run inside the fresh environment: every chapter notebook with papermill, two at a time (2 cores), in two
# worker processes that import papermill once; the modules every chapter imports are compiled (and
# matplotlib's font cache built) once, before the workers start, instead of by each chapter at once.
RUN_EVERY_CHAPTER = """
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def run(notebook, out):
    import time
    import papermill
    start = time.perf_counter()
    try:  # no output path: papermill would rewrite the whole notebook after every cell
        executed = papermill.execute_notebook(notebook, None, cwd=str(Path(notebook).parent), progress_bar=False,
                                              log_output=False)
    except Exception as exc:  # reported per notebook, below
        return f"{Path(notebook).name}: {type(exc).__name__}: {str(exc)[-3000:]}"
    import nbformat
    nbformat.write(executed, out)
    print(f"{Path(notebook).name}: {time.perf_counter() - start:.1f} s", flush=True)
    return None

if __name__ == "__main__":
    chapters, out = Path(sys.argv[1]), Path(sys.argv[2])
    import importlib, pkgutil  # noqa: E401  (warm-up, see above: what a kernel and every chapter import)
    import ipykernel.ipkernel, matplotlib.pyplot, matplotlib_inline.backend_inline, pandas  # noqa: E401,F401
    import jjj_book.chapters
    for module in pkgutil.iter_modules(jjj_book.chapters.__path__, "jjj_book.chapters."):
        importlib.import_module(module.name)
    notebooks = sorted(chapters.glob("*.ipynb"))
    with ProcessPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(run, map(str, notebooks), [str(out / n.name) for n in notebooks]) if f]
    print("\\n".join(failures), file=sys.stderr)
    print(f"executed {len(notebooks) - len(failures)} of {len(notebooks)}")
    sys.exit(1 if failures else 0)
"""


@pytest.mark.slow
def test_a_fresh_environment_runs_every_chapter_from_the_pack(packs, tmp_path):
    with zipfile.ZipFile(packs["student"].path) as archive:
        archive.extractall(tmp_path)
    home = tmp_path / pack.PACK_NAME
    wheel = next(home.glob("*.whl"))
    venv = home / ".venv"
    seconds = {}  # shown with -rP: where the time goes
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    seconds["venv"] = time.perf_counter() - started
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    # the versions the project is tested with (no resolving); modules are compiled when first imported
    done = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile",
                           "-c", str(ROOT / "requirements.lock"), str(wheel)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    seconds["pip install"] = time.perf_counter() - started - sum(seconds.values())
    # the installed package is the wheel's, not this checkout's
    where = subprocess.run([str(py), "-c", "import jjj_book, jjj_book.paths as p; print(jjj_book.__file__);"
                            "print(p.default_data_dir())"], capture_output=True, text=True, check=True, env=env)
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout
    assert (venv / "bin" / "papermill").exists()  # papermill came with the wheel's dependencies
    notebooks = sorted(p.name for p in (home / "chapters").glob("*.ipynb"))
    assert len(notebooks) == len(book.notebooks(ROOT)) > 0
    script = tmp_path / "run_every_chapter.py"
    script.write_text(RUN_EVERY_CHAPTER, encoding="utf-8")
    out = tmp_path / "executed"
    out.mkdir()
    run = subprocess.run([str(py), str(script), str(home / "chapters"), str(out)], capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    seconds["every chapter"] = time.perf_counter() - started - sum(seconds.values())
    print(", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()), run.stdout, sep="\n")
    assert run.returncode == 0, run.stdout[-1000:] + run.stderr[-6000:]
    assert f"executed {len(notebooks)} of {len(notebooks)}" in run.stdout
    for name in notebooks:  # every notebook ran to its end: every code cell has an execution count
        executed = json.loads((out / name).read_text(encoding="utf-8"))
        code = [c for c in executed["cells"] if c["cell_type"] == "code"]
        assert code and all(c["execution_count"] for c in code), name
        assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"], name
