"""The book build's execution cache (jjj_book.build): a chapter is executed again exactly
when something it used changed, and a stale result is never served.

Most tests run the chapters in this process (the same read tracking the kernels use, no
kernel start-up), so they take milliseconds; one test runs real kernels.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import md, set_cell, tiny_book, write_notebook
from jjj_book import data
from jjj_book import reads
from jjj_book.build import cache, execute, fingerprints, stamp, tracking

CHAPTERS = {
    # reads the observations of one indicator, and two lookups
    "a_gdp": 'pkg = data.load("../data")\n'
             'print(pkg.wide("gdp", "census4").round(1).to_string())\n'
             'print(pkg.region_name("CN-BJ"), pkg.vintage_name("census4"))',
    # reads another indicator, and a file of the book directly
    "b_growth": 'pkg = data.load("../data")\n'
                'print(pkg.wide("gdp_real_growth", "communique").round(2).to_string())\n'
                'with open("../notes.txt", encoding="utf-8") as fh:\n    print(fh.read())',
    # reads the whole observations table
    "c_all": 'pkg = data.load("../data")\n'
             'print(len(pkg.observations), pkg.observations["value"].sum().round(3))',
}
GDP_ROW, GROWTH_ROW = "gdp,CN-BJ,", "gdp_real_growth,CN-BJ,"


def chapter(code: str, prose: str = "# 章") -> list:
    """The cells of a chapter: a title, the import, the code."""
    return [md(prose), "from jjj_book import data", code]


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    root = tiny_book(tmp_path / "book", {name: chapter(code) for name, code in CHAPTERS.items()}, data=True)
    (root / "notes.txt").write_text("注释 1\n", encoding="utf-8")
    return root


async def in_process(notebook: Path, inputs, settings, report: Path):
    """Run a notebook's code cells here, with the kernels' read tracking; stdout becomes the output."""
    nb = nbformat.read(notebook, as_version=4)
    tracking.kernel_begin(str(inputs.root), [str(fingerprints.PACKAGE_DIR)], str(report))
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(notebook.parent)
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                try:
                    exec(cell.source, namespace)
                except Exception as exc:
                    raise execute.ChapterError(f"cell {index + 1} failed: {exc!r}") from None
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=out.getvalue())]
    finally:
        os.chdir(cwd)
        tracking.kernel_end()
    return nb, json.loads(report.read_text(encoding="utf-8"))


def build(root: Path, runner=in_process, **settings) -> execute.Report:
    notebooks = sorted((root / "chapters").glob("*.ipynb"))
    return execute.execute_stale(root, notebooks, root / "_build" / fingerprints.CACHE_DIR,
                                 fingerprints.Settings(**settings), log=lambda _msg: None, runner=runner)


def executed(report: execute.Report) -> set[str]:
    return {Path(o.notebook).stem for o in report.executed}


def output(root: Path, name: str) -> str:
    nb = json.loads(cache.result_path(root / "_build" / fingerprints.CACHE_DIR, f"chapters/{name}.ipynb").read_text())
    texts = [o.get("text", "") for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    return "".join("".join(t) if isinstance(t, list) else t for t in texts)


def bump(path: Path, prefix: str, by: float = 1.0) -> None:
    """Change the value of the first observation row starting with ``prefix``."""
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    row = next(l for l in path.read_text(encoding="utf-8").splitlines() if l.startswith(prefix))
    value = float(row.split(",")[header.index("value")])
    set_cell(path, prefix, "value", str(round(value + by, 4)))


# --------------------------------------------------------------------------- what is noted

def test_the_data_package_notes_what_a_chapter_reads(data_copy):
    reads.notes = set()
    try:
        pkg = data.load(data_copy)
        root = str(data_copy.resolve())
        assert reads.notes == {("package", root, "")}
        pkg.wide("gdp", "census4")
        pkg.vintages_of("gdp_real_growth")
        assert ("observations", root, "gdp") in reads.notes
        assert ("observations", root, "gdp_real_growth") in reads.notes
        assert ("table", root, "observations") not in reads.notes  # one indicator's rows, not the table
        both = pkg.observations_for(["pm25_annual_mean", "gdp"])   # several indicators, every vintage
        assert set(both["indicator"]) == {"pm25_annual_mean", "gdp"} and len(both) > len(pkg.series("gdp", "census4"))
        assert ("observations", root, "pm25_annual_mean") in reads.notes
        assert ("table", root, "observations") not in reads.notes
        pkg.region_name("CN-BJ")
        assert ("table", root, "regions") in reads.notes
        pkg.observations
        assert ("table", root, "observations") in reads.notes
        reads.notes.clear()
        dict(pkg.tables)  # any other way to the frames notes them whole
        assert {n[2] for n in reads.notes if n[0] == "table"} == set(pkg.tables)
    finally:
        reads.notes = None


def test_an_indicator_fingerprint_changes_with_its_rows_only(data_copy):
    keys = [("observations", "data", "gdp"), ("observations", "data", "gdp_real_growth"),
            ("table", "data", "observations"), ("table", "data", "regions"), ("package", "data", "")]

    def values():
        inputs = fingerprints.Inputs(data_copy.parent)
        return {key: inputs.value(*key) for key in keys}

    before = values()
    bump(data_copy / "observations.csv", GDP_ROW)
    after = values()
    changed = {key[0] + ":" + key[2] for key in keys if before[key] != after[key]}
    # the package is still valid, with the same descriptor
    assert changed == {"observations:gdp", "table:observations"}


def test_an_invalid_package_has_another_fingerprint_after_every_change(data_copy):
    valid = fingerprints.Inputs(data_copy.parent).value("package", "data")
    set_cell(data_copy / "observations.csv", GROWTH_ROW, "unit", "10k_yuan")
    invalid = fingerprints.Inputs(data_copy.parent).value("package", "data")
    set_cell(data_copy / "observations.csv", GDP_ROW, "unit", "10k_yuan")
    assert len({valid, invalid, fingerprints.Inputs(data_copy.parent).value("package", "data")}) == 3


# --------------------------------------------------------------------------- what is executed

def test_first_build_executes_everything_and_a_second_nothing(book):
    first = build(book)
    assert executed(first) == set(CHAPTERS) and not first.failures
    assert "北京" in output(book, "a_gdp") and "注释 1" in output(book, "b_growth")
    assert executed(build(book)) == set()


@pytest.mark.parametrize("change, expected", [
    (lambda b: bump(b / "data" / "observations.csv", GDP_ROW), {"a_gdp", "c_all"}),
    (lambda b: bump(b / "data" / "observations.csv", GROWTH_ROW), {"b_growth", "c_all"}),
    (lambda b: (b / "notes.txt").write_text("注释 2\n", encoding="utf-8"), {"b_growth"}),
    (lambda b: set_cell(b / "data" / "regions.csv", "CN-BJ,", "name_zh", "北京（改）"), {"a_gdp"}),
    (lambda b: (b / "data" / "SCHEMA.md").write_text("changed\n", encoding="utf-8"), set()),
], ids=["gdp-value", "growth-value", "a-file-read-directly", "a-lookup", "a-file-nobody-reads"])
def test_a_change_re_executes_exactly_the_chapters_that_read_it(book, change, expected):
    build(book)
    change(book)
    assert executed(build(book)) == expected
    assert executed(build(book)) == set()


def test_prose_edits_keep_the_result_and_code_edits_do_not(book):
    build(book)
    write_notebook(book / "chapters" / "a_gdp.ipynb", *chapter(CHAPTERS["a_gdp"], prose="# 新的标题"))
    assert executed(build(book)) == set()
    write_notebook(book / "chapters" / "a_gdp.ipynb", *chapter(CHAPTERS["a_gdp"] + "\nprint('more')"))
    assert executed(build(book)) == {"a_gdp"}


def test_a_helper_environment_or_settings_change_re_executes_everything(book, monkeypatch):
    build(book)
    assert executed(build(book, timeout=301)) == set(CHAPTERS)
    monkeypatch.setattr(fingerprints, "tree_fingerprint", lambda folder: "edited helpers")
    assert executed(build(book, timeout=301)) == set(CHAPTERS)
    monkeypatch.setattr(fingerprints, "environment_fingerprint", lambda: "another pandas")
    assert executed(build(book, timeout=301)) == set(CHAPTERS)


def test_invalid_data_fails_every_chapter_that_loads_it(book):
    build(book)
    set_cell(book / "data" / "regions.csv", "CN-TJ,", "code", "tianjin")  # nobody reads this row as such
    report = build(book)
    assert executed(report) == set(CHAPTERS)
    assert all("DataError" in o.error for o in report.failures) and len(report.failures) == 3


def test_a_failing_chapter_keeps_nothing_and_fails_again(book):
    build(book)
    write_notebook(book / "chapters" / "a_gdp.ipynb", *chapter('raise RuntimeError("chapter broke")'))
    for _attempt in (1, 2):
        report = build(book)
        assert executed(report) == {"a_gdp"}
        assert "cell 3 failed" in report.failures[0].error and "chapter broke" in report.failures[0].error
        assert not cache.result_path(book / "_build" / fingerprints.CACHE_DIR, "chapters/a_gdp.ipynb").exists()


def test_a_result_whose_data_changed_while_it_ran_is_not_kept(book):
    async def edit_meanwhile(notebook, inputs, settings, report):
        result = await in_process(notebook, inputs, settings, report)
        if notebook.stem == "a_gdp":
            bump(book / "data" / "observations.csv", GDP_ROW)
        return result

    report = build(book, runner=edit_meanwhile)
    warned = [o for o in report.outcomes if o.warning]
    assert [Path(o.notebook).stem for o in warned] == ["a_gdp"]
    assert "changed while the chapter ran" in warned[0].warning
    assert executed(build(book)) >= {"a_gdp"}


def test_kept_results_always_equal_a_fresh_execution(book, tmp_path):
    """Random one-value edits, each followed by an incremental build: every kept output must be
    what executing the chapter from scratch on the same data gives."""
    rng = random.Random(7)
    obs = book / "data" / "observations.csv"
    rows = [l for l in obs.read_text(encoding="utf-8").splitlines()[1:] if l.startswith(("gdp,", "gdp_real_growth,"))]
    build(book)
    for _round in range(3):
        prefix = ",".join(rng.choice(rows).split(",")[:4]) + ","
        bump(obs, prefix, by=rng.choice([-1.5, 2.0, 100.0]))
        build(book)
        fresh = tmp_path / f"fresh{_round}"
        shutil.copytree(book, fresh, ignore=shutil.ignore_patterns("_build"))
        build(fresh)
        for name in CHAPTERS:
            assert output(book, name) == output(fresh, name), (name, prefix)


def test_outputs_are_merged_into_the_notebook_as_written():
    source = {"cells": [{"cell_type": "markdown", "source": "新的文字", "metadata": {}},
                        {"cell_type": "code", "source": "print(1)", "metadata": {"tags": ["hide-input"]},
                         "outputs": [], "execution_count": None}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    ran = {"cells": [{"cell_type": "markdown", "source": "旧的文字", "metadata": {}},
                     {"cell_type": "code", "source": "print(1)", "metadata": {},
                      "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}], "execution_count": 1}],
           "metadata": {"language_info": {"name": "python"}}}
    merged = json.loads(cache.merged_source(json.dumps(source), ran))
    assert merged["cells"][0]["source"] == "新的文字"
    assert merged["cells"][1]["metadata"]["tags"] == ["hide-input"]
    assert merged["cells"][1]["outputs"][0]["text"] == "1\n"
    assert merged["metadata"]["language_info"] == {"name": "python"}


def test_stdout_cut_into_pieces_is_kept_as_one_output():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a:'); print(); print('b')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="河北："),
                    nbformat.v4.new_output("stream", name="stdout", text="\n  {2019: 1}\n"),
                    nbformat.v4.new_output("display_data", data={"text/plain": "x"}),
                    nbformat.v4.new_output("stream", name="stdout", text="末\n")]
    nb.cells = [cell]
    cache.join_streams(nb)
    assert [o.get("text") for o in nb.cells[0].outputs] == ["河北：\n  {2019: 1}\n", None, "末\n"]


# --------------------------------------------------------------------------- the whole build

def test_a_build_is_skipped_only_when_nothing_it_reads_or_writes_changed(book):
    (book / "_build" / "html").mkdir(parents=True)
    page = book / "_build" / "html" / "index.html"
    page.write_text("<html></html>", encoding="utf-8")
    assert not stamp.up_to_date(book)  # never built
    inputs = stamp.build_inputs(book)
    assert stamp.write_stamp(book, inputs) and stamp.up_to_date(book)
    bump(book / "data" / "observations.csv", GDP_ROW)  # an input
    assert not stamp.up_to_date(book)
    assert stamp.write_stamp(book, stamp.build_inputs(book)) and stamp.up_to_date(book)
    page.write_text("<html>edited</html>", encoding="utf-8")  # an output
    assert not stamp.up_to_date(book)


def test_no_stamp_when_an_input_changed_during_the_build(book):
    inputs = stamp.build_inputs(book)
    (book / "notes.txt").write_text("注释 2\n", encoding="utf-8")
    assert not stamp.write_stamp(book, inputs)
    assert not stamp.up_to_date(book)


# --------------------------------------------------------------------------- with real kernels

@pytest.mark.slow
def test_kernels_report_their_reads_and_run_in_parallel(book):
    (book / "chapters" / "c_all.ipynb").unlink()
    # as matplotlib does when it looks for backends: importlib.metadata lists every sys.path folder
    write_notebook(book / "chapters" / "a_gdp.ipynb",
                   *chapter(CHAPTERS["a_gdp"] + '\nimport importlib.metadata\nimportlib.metadata.entry_points(group="x")'))
    first = build(book, runner=None, workers=2)
    assert executed(first) == {"a_gdp", "b_growth"} and not first.failures, [o.error for o in first.failures]
    assert first.workers == 2 and "注释 1" in output(book, "b_growth")
    noted = {}
    for name in ("a_gdp", "b_growth"):
        entry = json.loads((book / "_build" / fingerprints.CACHE_DIR / f"chapters--{name}.json").read_text())
        noted[name] = {tuple(r[:3]) for r in entry["reads"]}
    assert ("observations", "data", "gdp") in noted["a_gdp"] and ("table", "data", "regions") in noted["a_gdp"]
    assert ("observations", "data", "gdp_real_growth") in noted["b_growth"] and ("file", "notes.txt", "") in noted["b_growth"]
    assert ("observations", "data", "gdp") not in noted["b_growth"]
    # the import system's directory scans are not reads; the package's own files are read table by table
    assert not any(r[0] == "dir" or r[1].startswith("data/") for r in noted["a_gdp"] | noted["b_growth"])


def test_a_file_the_build_itself_writes_into_the_book_does_not_void_the_stamp(book):
    """A chapter that writes a download (07's scorecard CSV) into the book: the next build is up to date."""
    inputs = stamp.build_inputs(book)
    (book / "chapters" / "made-by-the-build.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert stamp.write_stamp(book, inputs)
    assert stamp.up_to_date(book)
    (book / "chapters" / "made-by-the-build.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    assert not stamp.up_to_date(book)      # and a later change to it still counts


def test_a_kept_result_whose_written_file_is_gone_runs_again(book):
    """A chapter that writes a file next to itself (07's scorecard CSV, which its page offers as a download):
    reusing its kept result in a copy of the book without that file would break the page, so it runs again."""
    nb = book / "chapters" / "a_gdp.ipynb"
    write_notebook(nb, *chapter(CHAPTERS["a_gdp"] + '\nwith open("made.csv", "w", encoding="utf-8") as fh:\n    fh.write("a\\n1\\n")'))
    assert "a_gdp" in executed(build(book))
    made = book / "chapters" / "made.csv"
    assert made.is_file() and executed(build(book)) == set()      # kept while the file is there
    made.unlink()
    assert executed(build(book)) == {"a_gdp"} and made.is_file()   # gone: executed again, and it is back
