"""The jjj-book command: exit codes and messages, never a traceback."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from jjj_book import claims, cli
from conftest import DATA, ROOT, VENV_BIN, cli_main, first_row, params, rewrite, tiny_book


def run_cli(*args):
    """The installed console script, as a user runs it."""
    return subprocess.run([str(VENV_BIN / "jjj-book"), *args], capture_output=True, text=True, cwd=ROOT)


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_check_valid_data(capsys):
    assert cli.main(["check", "--data-dir", str(DATA)]) == 0
    assert capsys.readouterr().out.startswith("OK:")


def test_check_invalid_data_names_file_line_and_column(data_copy):
    path = data_copy / "observations.csv"
    line_no, line = first_row(path, "gdp,CN-BJ,2011,annual,")
    rewrite(path, line, line.replace(f",{line.split(',')[4]},", ',"40,269.6",', 1))
    result = run_cli("check", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert f"observations.csv, line {line_no}, column 'value': expected a number" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_data_prints_tidy_csv(capsys):
    assert cli.main(["data", "--data-dir", str(DATA)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "indicator,region,year,period,value,unit,vintage,source_id"
    body = (DATA / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len([l for l in body if l.strip()])


def test_claims_json_lists_every_claim_with_its_verdict(capsys):
    assert cli.main(["claims", "--data-dir", str(DATA), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {c["id"] for c in out} >= {"status.gdp_2011", "status.hebei_fastest_2021", "status.urban_rural_gap_he"}
    for item in out:
        assert {"id", "chapter", "kind", "statement", "reported", "reproduced", "unit", "verdict", "basis", "vintage",
                "note"} <= set(item)
        assert item["kind"] in claims.KINDS
        assert item["verdict"] in claims.VERDICTS


def test_claims_table_counts_verdicts(capsys):
    assert cli.main(["claims", "--data-dir", str(DATA), "--chapter", "status"]) == 0
    out = capsys.readouterr().out
    assert "status.gdp_2021" in out and all(f"{v}:" in out for v in claims.VERDICTS)


def test_claims_on_invalid_data_is_a_message_not_a_traceback(data_copy):
    (data_copy / "datapackage.json").write_text("{", encoding="utf-8")
    result = cli_main("claims", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert "expected valid JSON" in result.stderr and "Traceback" not in result.stderr


def test_chapter_names_resolve_by_stem_and_short_name():
    assert cli.resolve_chapter("01_status", ROOT).name == "01_status.ipynb"
    assert cli.resolve_chapter("status", ROOT).name == "01_status.ipynb"
    with pytest.raises(cli.UsageError, match="known chapters: 01_status"):
        cli.resolve_chapter("nope", ROOT)


def test_parameters_come_from_the_parameters_cell():
    params = cli.notebook_parameters(ROOT / "chapters" / "01_status.ipynb")
    assert isinstance(params["data_dir"], str) and isinstance(params["end_year"], int)


def test_run_refuses_an_unknown_parameter_before_starting_a_kernel(tmp_path):
    result = cli_main("run", "status", "--data-dir", str(DATA), "--output", str(tmp_path / "out"), "-p", "data_dri", "x")
    assert result.returncode == 2
    assert "unknown parameter 'data_dri'" in result.stderr and "end_year" in result.stderr
    assert not (tmp_path / "out").exists()


def test_run_refuses_a_badly_typed_parameter(tmp_path):
    result = cli_main("run", "status", "--data-dir", str(DATA), "--output", str(tmp_path / "out"), "-p", "end_year", "2021年")
    assert result.returncode == 2 and "parameter end_year: expected a int" in result.stderr


def test_run_refuses_invalid_data_before_starting_a_kernel(data_copy, tmp_path):
    (data_copy / "sources.csv").unlink()
    result = cli_main("run", "status", "--data-dir", str(data_copy), "--output", str(tmp_path / "out"))
    assert result.returncode == 1 and "sources.csv" in result.stderr
    assert not (tmp_path / "out").exists() and "Traceback" not in result.stderr


def test_run_refuses_to_write_into_chapters():
    result = cli_main("run", "status", "--data-dir", str(DATA), "--output", str(ROOT / "chapters" / "x"))
    assert result.returncode == 2 and "lies inside chapters/" in result.stderr


@pytest.mark.slow
def test_run_executes_a_chapter_without_touching_chapters_or_data(tmp_path):
    before = tree_digest(ROOT / "chapters"), tree_digest(DATA)
    out = tmp_path / "runs" / "status"
    result = run_cli("run", "status", "--data-dir", str(DATA), "--output", str(out), "-q", "-p", "gdp_vintage", "census5")
    assert result.returncode == 0, result.stderr
    executed = json.loads((out / "01_status.ipynb").read_text(encoding="utf-8"))
    assert any("census5" in "".join(c["source"]) for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    verdicts = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    assert len(verdicts) == 12
    by_id = {v["id"]: v for v in verdicts}
    assert by_id["status.gdp_2011"]["vintage"] == "census5"  # the chapter's parameter reached its claims
    assert (tree_digest(ROOT / "chapters"), tree_digest(DATA)) == before


@pytest.mark.slow
def test_a_failed_run_keeps_the_earlier_result(tmp_path):
    out = tmp_path / "status"
    out.mkdir()
    (out / "claims.json").write_text("earlier good result", encoding="utf-8")
    (out / "run.json").write_text(json.dumps({cli.RUN_MARKER: 1, "files": ["claims.json"]}), encoding="utf-8")
    result = run_cli("run", "status", "--data-dir", str(DATA), "--output", str(out), "-q", "-p", "gdp_vintage", "census9")
    assert result.returncode == 1
    assert "failed in cell" in result.stderr and "Traceback" not in result.stderr
    assert (out / "claims.json").read_text(encoding="utf-8") == "earlier good result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status"]  # no staging folder left behind


# --------------------------------------------------------------------------- run all, on a tiny book

def two_chapters(failing: str | None = None) -> dict:
    """Two one-cell chapters (fast) with a parameters cell, for ``tiny_book``; ``failing`` raises. Only 02_b
    draws a chart (matplotlib's import is most of a small chapter's time)."""
    bodies = {"01_a": 'print("01_a")\n', "02_b": "import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()\n"}
    return {stem: [params('data_dir = "../data"'), body + ("raise RuntimeError('broken chapter')\n" if stem == failing else "")]
            for stem, body in bodies.items()}


def run_in(book, *args, cwd):
    env = dict(__import__("os").environ, JJJ_BOOK_ROOT=str(book))
    return subprocess.run([str(VENV_BIN / "jjj-book"), *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.mark.slow  # starts kernels (papermill)
def test_run_all_writes_a_new_folder_per_run(tmp_path):
    book = tiny_book(tmp_path / "book", two_chapters())
    work = tmp_path / "work"
    work.mkdir()
    first = run_in(book, "run", "all", "--data-dir", str(DATA), cwd=work)
    assert first.returncode == 0, first.stderr
    second = run_in(book, "run", "all", "--data-dir", str(DATA), "-q", cwd=work)
    assert second.returncode == 0, second.stderr
    runs = sorted(p for p in (work / "runs").iterdir() if not p.name.startswith("."))
    assert len(runs) == 2  # the second run did not replace the first
    for run in runs:
        assert sorted(p.name for p in run.iterdir()) == ["01_a", "02_b", "run.json"]
        assert (run / "01_a" / "01_a.ipynb").exists() and (run / "01_a" / "claims.json").exists()
        assert list((run / "02_b" / "figures").glob("*.png"))  # every chart saved as an image
    assert "chapters" in first.stderr  # the progress bar
    assert "no verdict differs from the book's data" in first.stdout


@pytest.mark.slow  # starts kernels (papermill)
def test_a_failing_chapter_in_run_all_writes_nothing(tmp_path):
    book = tiny_book(tmp_path / "book", two_chapters(failing="02_b"))
    work = tmp_path / "work"
    work.mkdir()
    result = run_in(book, "run", "all", "--data-dir", str(DATA), "-q", cwd=work)
    assert result.returncode == 1
    assert "02_b failed in cell" in result.stderr and "RuntimeError" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (work / "runs").exists()  # no partial run, no staging folder, not even the runs/ it made


def test_verdict_changes_against_the_books_data(data_copy):
    from jjj_book import claims, data

    path = data_copy / "observations.csv"
    line_no, line = first_row(path, "gdp_real_growth,CN-HE,2019,annual,")
    rows = [r for r in path.read_text(encoding="utf-8").splitlines() if r.startswith("gdp_real_growth,CN-HE,2019,annual,")
            and ",communique," in r]
    rewrite(path, rows[0], rows[0].replace(rows[0].split(",")[4], "1.0", 1))
    params = cli.notebook_parameters(ROOT / "chapters" / "01_status.ipynb")
    results = [r.to_dict() for r in claims.evaluate_chapter(data.load(data_copy), "01_status", params).values()]
    changes = cli._verdict_changes("01_status", results, ROOT, {})
    book_verdict = claims.evaluate_chapter(data.load(DATA), "01_status", params)["status.hebei_fastest_2019"].verdict
    assert book_verdict != "differs"
    assert changes == [f"status.hebei_fastest_2019: {book_verdict} → differs (book data True, this run False)"]


# --------------------------------------------------------------------------- a corpus of broken inputs

def _break(data_dir, how):
    obs = data_dir / "observations.csv"
    text = obs.read_text(encoding="utf-8")
    header, first, *rest = text.splitlines()
    cells = first.split(",")

    def with_value(v):
        return "\n".join([header, ",".join(cells[:4] + [v] + cells[5:]), *rest]) + "\n"

    if how == "missing column":
        obs.write_text("\n".join(",".join(l.split(",")[:8]) for l in text.splitlines()) + "\n", encoding="utf-8")
    elif how == "extra column":
        obs.write_text("\n".join([header + ",extra", *[l + ",x" for l in [first, *rest]]]) + "\n", encoding="utf-8")
    elif how in ("—", "…", "2021年", "40,269.6"):
        obs.write_text(with_value(f'"{how}"'), encoding="utf-8")
    elif how == "negative level":
        obs.write_text(with_value("-1"), encoding="utf-8")
    elif how == "unit off by 10,000":
        obs.write_text("\n".join([header, ",".join(cells[:5] + ["万元"] + cells[6:]), *rest]) + "\n", encoding="utf-8")
    elif how == "unknown region":
        obs.write_text("\n".join([header, ",".join(cells[:1] + ["CN-ZZ"] + cells[2:]), *rest]) + "\n", encoding="utf-8")
    elif how in ("year 2099", "year 1800"):
        obs.write_text("\n".join([header, ",".join(cells[:2] + [how[-4:]] + cells[3:]), *rest]) + "\n", encoding="utf-8")
    elif how == "duplicate row":
        obs.write_text(text + first + "\n", encoding="utf-8")
    elif how == "empty file":
        obs.write_text("", encoding="utf-8")
    elif how == "missing resource file":
        (data_dir / "sources.csv").unlink()
    elif how == "malformed datapackage.json":
        (data_dir / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    elif how == "mixed encodings":
        obs.write_bytes(text.encode("utf-8") + "gdp,CN-BJ,2030,annual,1,100m_yuan,census4,nbs-db-census4-2021,北京\n".encode("gbk"))
    return "observations.csv" if how not in ("missing resource file", "malformed datapackage.json") else (
        "sources.csv" if how == "missing resource file" else "datapackage.json")


BROKEN = ["missing column", "extra column", "—", "…", "2021年", "40,269.6", "negative level", "unit off by 10,000",
          "unknown region", "year 2099", "year 1800", "duplicate row", "empty file", "missing resource file",
          "malformed datapackage.json", "mixed encodings"]


@pytest.mark.parametrize("how", BROKEN)
def test_broken_data_stops_run_with_a_located_message(data_copy, tmp_path, capsys, how):
    where = _break(data_copy, how)
    before = tree_digest(data_copy)
    # in-process (fast); an uncaught exception would fail the test, so no traceback can reach the user
    status = cli.main(["run", "all", "--data-dir", str(data_copy), "--output", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert status == 1, (how, err)
    assert where in err and "expected" in err, err
    assert not (tmp_path / "out").exists()
    assert tree_digest(data_copy) == before  # the user's input is untouched


def test_a_book_root_without_toc_is_refused_not_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("JJJ_BOOK_ROOT", str(tmp_path))
    with pytest.raises(cli.UsageError, match="no _toc.yml"):
        cli.book_root()


# --------------------------------------------------------------------------- run: nothing lost, nothing left behind

def _earlier_run(folder):
    folder.mkdir(parents=True)
    (folder / "claims.json").write_text("earlier", encoding="utf-8")
    (folder / "run.json").write_text(json.dumps({cli.RUN_MARKER: 1, "files": ["claims.json"]}), encoding="utf-8")


@pytest.mark.slow
def test_run_replaces_only_its_own_earlier_run_and_handles_braces(tmp_path):
    """An earlier run is replaced; papermill never sees the path (braces would be formatted)."""
    book = tiny_book(tmp_path / "book", two_chapters())
    out = tmp_path / "res {end_year}" / "out{0}"
    _earlier_run(out)
    result = run_in(book, "run", "all", "--data-dir", str(DATA), "-q", "--output", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["01_a", "02_b", "run.json"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))[cli.RUN_MARKER] == 1
    assert sorted(p.name for p in out.parent.iterdir()) == ["out{0}"]  # no staging, no retired folder


HOLD_CELL = """import os, pathlib, time
hold = pathlib.Path({hold!r})
if hold.exists():  # the test keeps this chapter running here until it has sent its signal
    pathlib.Path({marker!r}).write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.time() + 120
    while hold.exists() and time.time() < deadline:
        time.sleep(0.05)
"""


def held_chapters(tmp_path):
    """Two one-cell chapters; while ``hold`` exists, 02_b writes ``marker`` (its kernel's pid) and waits in
    its cell: a test signals a run exactly in the middle of a chapter, with 01_a already in staging."""
    hold, marker = tmp_path / "hold", tmp_path / "kernel-started"
    chapters = {"01_a": [params('data_dir = "../data"'), 'print("a")'],
                "02_b": [params('data_dir = "../data"'), HOLD_CELL.format(hold=str(hold), marker=str(marker))]}
    return tiny_book(tmp_path / "book", chapters), hold, marker


def _wait_for(path, proc, seconds=120):
    deadline = time.time() + seconds
    while not path.exists():
        assert proc.poll() is None, f"the run ended before its chapter started: {proc.communicate()}"
        assert time.time() < deadline, f"no {path.name} after {seconds} s"
        time.sleep(0.05)
    return int(path.read_text(encoding="utf-8") or 0)


def _gone(pid, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
                return True  # exited, waiting for its (gone) parent to be reaped by init
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_killed_run_keeps_the_earlier_result_and_leaves_nothing(tmp_path, sig):
    book, hold, marker = held_chapters(tmp_path)
    out = tmp_path / "results" / "out"
    _earlier_run(out)
    before = tree_digest(out)
    env = dict(os.environ, JJJ_BOOK_ROOT=str(book))
    hold.touch()
    proc = subprocess.Popen([str(VENV_BIN / "jjj-book"), "run", "all", "--data-dir", str(DATA), "-q",
                             "--output", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, env=env)
    kernel = None
    try:
        kernel = _wait_for(marker, proc)  # 02_b's kernel is in its cell; 01_a is done (in staging)
        assert (staging := list(out.parent.glob(".out.*.jjj-run-staging"))) and (staging[0] / "01_a").is_dir()
        proc.send_signal(sig)
        hold.unlink()  # the cell may now finish: the signal must still stop the run
        _out, err = proc.communicate(timeout=60)
    finally:
        hold.unlink(missing_ok=True)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode != 0 and "Traceback" not in err
    assert tree_digest(out) == before  # the earlier result is intact
    if sig != signal.SIGKILL:
        assert proc.returncode == 130 and "interrupted" in err
        assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
        assert _gone(kernel), "the run left its kernel running"
    else:
        os.kill(kernel, signal.SIGKILL)  # a power loss takes the kernel too
    # a SIGKILL leaves a marked staging folder; the next run recognises it and removes it
    again = run_in(book, "run", "all", "--data-dir", str(DATA), "-q", "--output", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["01_a", "02_b", "run.json"]


@pytest.mark.parametrize("swallowed_in", ["the imports", "a chapter"])
def test_a_ctrl_c_that_library_code_swallows_still_stops_the_run(tmp_path, monkeypatch, capsys, swallowed_in):
    """A KeyboardInterrupt can land in a bare ``except:`` of a library (an import, the kernel's start-up),
    which then carries on: the run must still stop, exit 130 and write nothing. In-process, no kernel."""
    from jjj_book.cli import run as run_mod

    book = tiny_book(tmp_path / "book", {"01_a": [params('data_dir = "../data"'), 'print("a")']})
    monkeypatch.setenv("JJJ_BOOK_ROOT", str(book))
    out = tmp_path / "results" / "out"
    _earlier_run(out)
    before = tree_digest(out)
    executed = []

    def swallow_a_ctrl_c():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the handler runs here, in the main thread
        except KeyboardInterrupt:  # what a bare ``except:`` in library code does
            pass

    def chapter(notebook, *args, **kwargs):
        executed.append(notebook.stem)
        swallow_a_ctrl_c()
        return []  # the chapter "finished"

    if swallowed_in == "the imports":
        monkeypatch.setattr(run_mod, "_make_staging", lambda output, real=run_mod._make_staging: (
            pytest.fail("a staging folder was made after Ctrl-C")))
        real_check = run_mod._check_years
        monkeypatch.setattr(run_mod, "_check_years", lambda *a: (real_check(*a), swallow_a_ctrl_c()))
    monkeypatch.setattr(run_mod, "_execute_chapter", chapter)
    previous = signal.getsignal(signal.SIGINT)
    status = cli.main(["run", "all", "--data-dir", str(DATA), "-q", "--output", str(out)])
    err = capsys.readouterr().err
    assert status == 130 and "interrupted" in err, err
    assert executed == ([] if swallowed_in == "the imports" else ["01_a"])
    assert tree_digest(out) == before and sorted(p.name for p in out.parent.iterdir()) == ["out"]
    assert signal.getsignal(signal.SIGINT) is previous  # the run's handlers are gone again


def test_a_staging_folder_without_the_mark_is_never_removed(tmp_path):
    """Only what a run marked as its own is cleaned: a user's folder with a similar name stays."""
    out = tmp_path / "out"
    lookalike = tmp_path / ".out.123.jjj-run-staging"
    lookalike.mkdir()
    (lookalike / "mine.txt").write_text("mine", encoding="utf-8")
    cli._clean_leftovers(out)
    assert (lookalike / "mine.txt").read_text(encoding="utf-8") == "mine"


def test_a_run_killed_in_the_middle_of_the_swap_gets_its_earlier_result_back(tmp_path):
    """The earlier result, moved aside by a run killed between two renames, is put back by the next run."""
    out = tmp_path / "out"
    _earlier_run(tmp_path / ".out.999999999.jjj-run-previous")
    cli._clean_leftovers(out)
    assert (out / "claims.json").read_text(encoding="utf-8") == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.slow  # starts kernels (papermill)
def test_a_failed_run_removes_the_folders_it_created(tmp_path):
    book = tiny_book(tmp_path / "book", two_chapters(failing="02_b"))
    out = tmp_path / "new" / "deep" / "out"
    result = run_in(book, "run", "all", "--data-dir", str(DATA), "-q", "--output", str(out), cwd=tmp_path)
    assert result.returncode == 1 and "02_b failed in cell" in result.stderr
    assert not (tmp_path / "new").exists()
