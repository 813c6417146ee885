"""The teaching edition: glossary links, exercises and their solutions, the generated appendices,
the chapter downloads and the offline MathJax."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from jjj_book import book, data
from jjj_book.build import sphinx_downloads, sphinx_mathjax
from conftest import ROOT, md, read_notebook, write_notebook

CHAPTERS = ROOT / "chapters"
GLOSSARY = CHAPTERS / "glossary.md"
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{admonition\}\s*练习\s*(\d+)(.*)$")
LEVELED_TITLE = re.compile(r"^\s*（(基础|进阶|挑战)）：\S")
# 07_scorecard is the generated summary of every claim; its classroom use is the teacher's guide's
# discussion questions, not exercises of its own.
WITHOUT_EXERCISES = {"07_scorecard"}
NOT_RUN_TAGS = {"remove-cell", "skip-execution", "nbval-skip", "raises-exception"}


def chapter_notebooks() -> list[Path]:
    return sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))


# --------------------------------------------------------------------------- glossary

def glossary_terms() -> list[str]:
    """Every term the glossary defines: the unindented lines inside its {glossary} blocks."""
    terms, inside = [], False
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("```{glossary}"):
            inside = True
        elif inside and line.startswith("```"):
            inside = False
        elif inside and line.strip() and not line[0].isspace():
            terms.append(line.strip())
    return terms


def term_targets(text: str) -> list[str]:
    """The glossary entries named by {term} roles: `term` or `shown text <term>`."""
    targets = []
    for body in TERM_ROLE.findall(text):
        m = re.fullmatch(r"(.*?)\s*<([^<>]+)>", body, flags=re.S)
        targets.append((m.group(2) if m else body).strip())
    return targets


def book_sources() -> dict[str, str]:
    """Every page's text: markdown pages, and both markdown and code cells (generated prose) of notebooks."""
    found = {}
    for path in sorted(CHAPTERS.iterdir()):
        if path.suffix == ".md":
            found[path.name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            found[path.name] = "\n".join(c.source for c in read_notebook(path).cells)
    return found


def test_the_glossary_defines_the_terms_the_issue_asks_for_once_each():
    terms = glossary_terms()
    duplicates = sorted({t for t in terms if terms.count(t) > 1})
    assert not duplicates, duplicates
    for required in ("地区生产总值", "实际增长", "名义增长", "常住人口", "人均可支配收入", "城镇居民人均可支配收入",
                     "农村居民人均可支配收入", "城乡收入比", "变异系数", "泰尔指数", "数据版本", "数据年份",
                     "经济普查修订", "规模以上企业", "京津冀区域发展指数", "共享发展指数", "去产能"):
        assert required in terms, required


def test_every_glossary_entry_has_an_english_term_and_an_official_source():
    text = GLOSSARY.read_text(encoding="utf-8")
    blocks = re.findall(r"```\{glossary\}\n(.*?)\n```", text, flags=re.S)
    entries = [e for b in blocks for e in re.split(r"\n\n(?=\S)", b) if e.strip()]
    assert len(entries) >= 30
    for entry in entries:
        head = entry.splitlines()[0]
        assert "**英文**" in entry and "**官方定义**" in entry, head


def test_every_term_role_in_the_book_names_a_glossary_entry():
    terms = set(glossary_terms())
    used = {(page, target) for page, text in book_sources().items() for target in term_targets(text)}
    assert used, "no {term} role anywhere"
    unknown = sorted((page, t) for page, t in used if t not in terms)
    assert not unknown, unknown


def test_every_chapter_links_some_terms_to_the_glossary():
    for path in chapter_notebooks():
        prose = "\n".join(c.source for c in read_notebook(path).cells if c.cell_type == "markdown")
        assert term_targets(prose), f"{path.name}: no term linked to the glossary"


# --------------------------------------------------------------------------- exercises

def exercises(path: Path) -> list[tuple[int, str, dict | None]]:
    """(number, rest of the title line, the cell after the exercise's markdown cell) per exercise.

    Only the last exercise of a markdown cell can be followed by its solution cell; the others get None.
    """
    found = []
    nb = read_notebook(path).cells
    for i, cell in enumerate(nb):
        if cell["cell_type"] != "markdown":
            continue
        here = [(int(m.group(2)), m.group(3)) for m in
                (EXERCISE.match(line.strip()) for line in cell.source.splitlines()) if m]
        for k, (n, rest) in enumerate(here):
            last = k == len(here) - 1
            found.append((n, rest, nb[i + 1] if last and i + 1 < len(nb) else None))
    return found


@pytest.mark.parametrize("path", [p for p in chapter_notebooks() if p.stem not in WITHOUT_EXERCISES], ids=lambda p: p.stem)
def test_chapter_has_exercises_each_followed_by_a_folded_solution_that_nbval_runs(path):
    found = exercises(path)
    assert len(found) >= 2, f"{path.name}: {len(found)} exercise(s)"
    assert [n for n, _, _ in found] == list(range(1, len(found) + 1)), "exercises are numbered 1, 2, …"
    for n, _, solution in found:
        assert solution is not None and solution["cell_type"] == "code", f"练习 {n}: no solution cell after it"
        tags = set(solution.get("metadata", {}).get("tags", []))
        assert "hide-cell" in tags, f"练习 {n}: the solution is not folded (hide-cell)"
        assert not tags & NOT_RUN_TAGS, f"练习 {n}: the solution would not run under nbval ({tags & NOT_RUN_TAGS})"


@pytest.mark.parametrize("path", [p for p in chapter_notebooks() if p.stem not in WITHOUT_EXERCISES], ids=lambda p: p.stem)
def test_every_exercise_title_carries_a_difficulty(path):
    for n, rest, _ in exercises(path):
        assert LEVELED_TITLE.match(rest), f"练习 {n}{rest}: expected 练习 {n}（基础|进阶|挑战）：…"


def test_pytest_collects_the_chapters_with_nbval():
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'testpaths = \[[^]]*"chapters"', config) and "--nbval-lax" in config


# --------------------------------------------------------------------------- the appendices

def test_the_appendix_part_lists_the_four_pages_after_the_chapters():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    last = toc["parts"][-1]
    assert last["caption"] == "附录与教学"
    assert [c["file"] for c in last["chapters"]] == ["chapters/glossary", "chapters/methods",
                                                     "chapters/data_appendix", "chapters/teachers_guide"]
    earlier = [c["file"] for part in toc["parts"][:-1] for c in part["chapters"]]
    assert {f"chapters/{p.stem}" for p in chapter_notebooks()} <= set(earlier)


def test_every_formula_of_the_methods_appendix_is_labelled_and_every_section_has_a_checked_example():
    nb = read_notebook("methods").cells
    sections, current = {}, None
    for cell in nb:
        text = cell.source
        if cell["cell_type"] == "markdown":
            label = re.search(r"^\((methods-[\w-]+)\)=", text, flags=re.M)
            if label:
                current = label.group(1)
                sections[current] = 0
            for block in re.findall(r"\$\$(.*?)\$\$([^\n]*)", text, flags=re.S):
                assert re.match(r"\s*\(eq-[\w-]+\)", block[1]), f"unlabelled formula: {block[0].strip()[:40]}"
        elif current and "nbval-check-output" in cell.get("metadata", {}).get("tags", []):
            assert cell.get("outputs"), f"{current}: a check cell without its stored output"
            sections[current] += 1
    assert set(sections) >= {"methods-growth", "methods-shares", "methods-gaps", "methods-per-capita", "methods-cv",
                             "methods-theil", "methods-rebase"}
    assert all(sections.values()), {k: v for k, v in sections.items() if not v}


def _run_notebook(path: Path, data_dir: Path) -> list[str]:
    """Execute a notebook (in its folder, as the build does) with another data_dir; its text outputs."""
    nb = read_notebook(path)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source += f"\ndata_dir = {str(data_dir)!r}\n"
    script = ("import sys, nbformat, nbclient\n"
              "nb = nbformat.reads(sys.stdin.read(), as_version=4)\n"
              f"nbclient.NotebookClient(nb, timeout=300, kernel_name='python3', "
              f"resources={{'metadata': {{'path': {str(path.parent)!r}}}}}).execute()\n"
              "sys.stdout.write(nbformat.writes(nb))\n")
    done = subprocess.run([sys.executable, "-c", script], input=nbformat.writes(nb), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = nbformat.reads(done.stdout, as_version=4)
    texts = []
    for cell in out.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})   # Markdown shown, or glued for a Markdown cell to paste ({glue:md})
            texts.append(o.get("text", "") or data.get("text/markdown", "")
                         or data.get("application/papermill.record/text/markdown", ""))
    return texts


@pytest.mark.slow
def test_the_data_appendix_is_generated_from_the_package_and_covers_every_indicator(data_copy):
    # An indicator added to the package (with no observations yet) must appear without editing the page.
    with (data_copy / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("zz_teaching_probe,试验指标,Probe indicator,yuan,true,只为测试而加的指标。\n")
    page = "\n".join(_run_notebook(CHAPTERS / "data_appendix.ipynb", data_copy))
    pkg = data.load(data_copy)
    for indicator in pkg.indicators.itertuples():
        assert f"`{indicator.id}` **{indicator.name_zh}**" in page, indicator.id
    assert "试验指标（`zz_teaching_probe`）" in page  # listed among the open gaps: defined, no observation
    for source_id in pkg.sources["id"]:
        assert f"`{source_id}`" in page, source_id
    for vintage in pkg.vintages["id"]:
        assert f"`{vintage}`" in page, vintage


# --------------------------------------------------------------------------- downloads

def test_a_chapter_csv_holds_exactly_the_observations_of_its_indicators(tmp_path, pkg):
    written = sphinx_downloads.write_downloads(ROOT, tmp_path)
    # every chapter, and the appendices that use indicators (the methods' worked examples): from _toc.yml
    assert {p.stem for p in chapter_notebooks()} | {"methods"} <= set(written)
    assert set(written) <= {page.stem for page in book.notebooks(ROOT)}
    known = set(pkg.indicators["id"])
    observed = set(pkg.observations["indicator"])
    for stem, (path, indicators, n_rows) in written.items():
        used = sphinx_downloads.chapter_indicators(CHAPTERS / f"{stem}.ipynb", known)
        assert indicators == [i for i in used if i in observed]  # an indicator with no observation has no rows
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert {r["indicator"] for r in rows} == set(indicators), stem
        expected = pkg.observations[pkg.observations["indicator"].isin(indicators)]
        assert len(rows) == len(expected) == n_rows, stem
        assert all(r["source_publication"] and r["source_publisher"] for r in rows), stem
        assert list(rows[0])[:8] == data.OBSERVATION_COLUMNS


def test_the_status_chapter_csv_has_its_indicators_and_no_others(pkg):
    known = set(pkg.indicators["id"])
    status = sphinx_downloads.chapter_indicators(CHAPTERS / "01_status.ipynb", known)
    assert {"gdp", "gdp_real_growth", "population_yearend", "urban_disposable_income"} <= set(status)
    assert not {"pm25_annual_mean", "rd_expenditure", "museums_registered"} & set(status)


def test_indicators_are_found_in_literals_prefixes_and_the_helpers_a_chapter_calls(tmp_path):
    known = {"gdp", "population_yearend", "capacity_cut_coal", "capacity_cut_cement", "jjj_index_green",
             "jjj_index_shared", "pm25_annual_mean", "rd_expenditure"}
    path = write_notebook(tmp_path / "99_probe.ipynb",
                          md("# pm25_annual_mean is only mentioned in prose"),
                          "from jjj_book import series\n"
                          "pc = series.gdp_per_capita(pkg, 'census4')\n"   # → gdp, population_yearend
                          "cuts = [i for i in ids if i.startswith('capacity_cut_')]\n"
                          "idx = [pkg.wide(f'jjj_index_{s}', v) for s in subs]\n"
                          "note = 'rd_expenditure_x is not an id'\n")
    assert sphinx_downloads.chapter_indicators(path, known) == [
        "capacity_cut_cement", "capacity_cut_coal", "gdp", "jjj_index_green", "jjj_index_shared", "population_yearend"]


def test_a_csv_is_rewritten_only_when_its_content_changes(tmp_path):
    target = tmp_path / "a.csv"
    assert sphinx_downloads.write_if_changed(target, "x\n1\n") is True
    stamp = target.stat().st_mtime_ns
    assert sphinx_downloads.write_if_changed(target, "x\n1\n") is False
    assert target.stat().st_mtime_ns == stamp
    assert sphinx_downloads.write_if_changed(target, "x\n2\n") is True


def test_a_book_without_a_data_package_gets_no_downloads(tmp_path):
    (tmp_path / "chapters").mkdir()
    shutil.copy(CHAPTERS / "01_status.ipynb", tmp_path / "chapters")
    assert sphinx_downloads.write_downloads(tmp_path, tmp_path / "out") == {}


def test_the_chapter_page_gets_a_download_line_with_both_files():
    cell = sphinx_downloads.download_cell("../_build/jjj-downloads/01_status.csv", "01_status.ipynb", 7, 300)
    assert cell["cell_type"] == "markdown" and cell["id"]
    assert "(path:../_build/jjj-downloads/01_status.csv)" in cell["source"]
    assert "(path:01_status.ipynb)" in cell["source"]


def test_the_figure_download_script_is_local_and_makes_no_request():
    script = (ROOT / "_static" / "jjj-figure-download.js").read_text(encoding="utf-8")
    assert "下载图片（PNG）" in script and ".cell_output img" in script
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", script)


# --------------------------------------------------------------------------- MathJax

def test_mathjax_is_copied_once_with_its_fonts_and_licence(tmp_path):
    es5 = sphinx_mathjax.mathjax_dir()
    written = sphinx_mathjax.copy_mathjax(es5, tmp_path)
    assert (tmp_path / "tex-chtml.js").stat().st_size > 500_000
    fonts = sorted((tmp_path / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) >= 20 and (tmp_path / "LICENSE").is_file()
    assert len(written) == len(fonts) + 2
    assert sphinx_mathjax.copy_mathjax(es5, tmp_path) == []  # unchanged files are skipped
    fonts[0].write_bytes(b"damaged")
    assert sphinx_mathjax.copy_mathjax(es5, tmp_path) == [fonts[0]]


def test_the_book_loads_mathjax_from_its_own_static_folder():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert config["mathjax_path"] == f"{sphinx_mathjax.TARGET.name}/{sphinx_mathjax.SCRIPT}"
    assert {"jjj_book.build.sphinx_mathjax", "jjj_book.build.sphinx_downloads"} <= set(config["extensions"])
    assert not (ROOT / "_static" / "mathjax").exists()  # never in html_static_path: it would load on every page
