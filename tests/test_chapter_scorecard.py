"""The scorecard (jjj_book.chapters.scorecard): built from the claims registry, so it agrees with
every chapter; the report's statements counted apart from the book's premises; a table that names
no claim id and links each claim to its line; the whole list as CSV."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import ROOT, read_notebook
from jjj_book import plots
from jjj_book.chapters import scorecard as chapter
from jjj_book.claims import REGISTRY, evaluate, evaluate_chapter
from jjj_book.cli import notebook_parameters
from jjj_book.render import anchor, format_value
from jjj_book.vocab import KIND_LABEL, VERDICT_LABEL, VERDICTS


@pytest.fixture(scope="module")
def results(pkg):
    return evaluate(pkg)   # as the scorecard notebook does


def test_every_claim_once_in_its_chapters_default_vintage(results):
    assert [r.id for r in results] == list(REGISTRY)
    assert all(r.vintage == REGISTRY[r.id].vintage for r in results)


@pytest.mark.parametrize("name", sorted({c.chapter for c in REGISTRY.values()}))
def test_the_scorecard_agrees_with_the_chapter_run_with_its_own_parameters(pkg, results, name):
    params = notebook_parameters(ROOT / "chapters" / f"{name}.ipynb")
    own = evaluate_chapter(pkg, name, params)
    mine = {r.id: r for r in results if r.chapter == name}
    assert set(own) == set(mine)
    for claim_id, result in own.items():
        assert (result.verdict, result.reproduced, result.vintage) == \
            (mine[claim_id].verdict, mine[claim_id].reproduced, mine[claim_id].vintage), claim_id


def test_chapter_titles_are_the_notebooks_own_headings():
    for name, title in chapter.CHAPTER_TITLES.items():
        headings = [line for c in read_notebook(name).cells if c.cell_type == "markdown"
                    for line in c.source.splitlines() if line.startswith("# ")]
        assert headings and headings[0] == f"# {title}", name


def test_report_statements_and_premises_are_counted_apart(results):
    table = chapter.counts_table(results).set_index("章节")
    labels = [VERDICT_LABEL[v] for v in VERDICTS]
    chapters = table.drop(index=["报告的说法·合计", f"{KIND_LABEL['premise']}·合计（另计）"])
    report_total = table.loc["报告的说法·合计"]
    assert (report_total[labels] == chapters[labels].sum()).all()
    assert report_total["合计"] == sum(r.kind == "report" for r in results)
    premise_row = table.loc[f"{KIND_LABEL['premise']}·合计（另计）"]
    assert premise_row["合计"] == sum(r.kind == "premise" for r in results)
    assert report_total["合计"] + premise_row["合计"] == len(results)
    assert all(str(v).isdigit() for v in table[labels + ["合计"]].to_numpy().ravel())   # counts are integers
    assert chapter.counts(results, "report") == {v: sum(r.kind == "report" and r.verdict == v for r in results)
                                                for v in VERDICTS}


def _visible_text(markup: str) -> str:
    return re.sub(r"<[^>]+>", " ", markup)


def test_the_table_hides_ids_labels_every_cell_and_links_each_claim(pkg, results):
    for name in chapter.chapters_with_claims(results):
        markup = chapter.scorecard_html(results, pkg.vintage_name, name)
        assert re.search(r'<table class="[^"]*\bjjj-scorecard\b', markup)
        cells = re.findall(r"<td([^>]*)>", markup)
        assert cells and all('data-label="' in attrs for attrs in cells)
        text = _visible_text(markup)
        for claim in (c for c in REGISTRY.values() if c.chapter == name):
            assert claim.id not in text and f'href="{name}.html#{anchor(claim.id)}"' in markup
        assert not re.search(r"CN-[A-Z]{2}|census\d|idx20|\bTrue\b|\bFalse\b", text), name


def test_a_premise_never_shows_a_reported_value(pkg, results):
    premises = [r for r in results if r.kind == "premise"]
    if not premises:
        pytest.skip("no premise registered")
    for r in premises:
        assert chapter.row_cells(r, pkg.vintage_name)["报告"] == chapter.NOT_PRINTED
        markup = chapter.scorecard_html([r], pkg.vintage_name, r.chapter)
        assert KIND_LABEL["premise"] in markup and "<td data-label=\"报告\">是</td>" not in markup
    reports = [r for r in results if r.kind == "report"]
    assert all(chapter.row_cells(r, pkg.vintage_name)["报告"] != chapter.NOT_PRINTED for r in reports)


def test_values_keep_their_meaning(pkg, results):
    by_id = {r.id: r for r in results}
    firms = chapter.values_text(by_id["problems.hebei_culture_firms_2021"])
    assert firms[0] == format_value(1324, "家") and "1,324" in firms[0] and "1,324.0" not in firms[0]
    revenue = by_id["problems.beijing_culture_revenue_2021"]
    printed = format_value(17563.8, "亿元", 1)   # looked up: no extra digit
    assert revenue.basis == "published" and chapter.values_text(revenue) == (printed, printed)
    health = chapter.values_text(by_id["problems.health_per_1000_2021"])[0]
    assert health == format_value(9, "人/千人", 0) and "9.0" not in health    # 9 人/千人, not 9.00


def test_csv_holds_every_claim(pkg, results, tmp_path):
    path = chapter.write_csv(results, pkg.vintage_name, tmp_path / "scorecard.csv")
    assert path.read_bytes().startswith("\ufeff".encode("utf-8"))
    frame = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns) == chapter.CSV_COLUMNS and len(frame) == len(REGISTRY)
    assert set(frame["verdict"]) <= set(VERDICTS)
    premises = frame[frame["kind"] == "premise"]
    assert (premises["报告数值"] == "").all()
    revenue = frame[frame["claim_id"] == "problems.beijing_culture_revenue_2021"].iloc[0]
    assert float(revenue["本书数值"]) == 17563.8 and revenue["核对结论"] == VERDICT_LABEL["matches_publication"]


def test_chart_has_one_colour_per_verdict_and_a_legend(results):
    assert len(set(chapter.VERDICT_COLORS.values())) == len(VERDICTS)
    assert not set(c.lower() for c in chapter.VERDICT_COLORS.values()) & {c.lower() for c in plots.REGION_COLORS.values()}
    fig = chapter.chart(results, "report")
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [VERDICT_LABEL[v] for v in VERDICTS]
    bars = fig.axes[0].containers
    total = sum(sum(p.get_width() for p in c.patches) for c in bars)
    assert total == sum(r.kind == "report" for r in results)
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_the_build_does_not_count_the_written_csv_as_an_input():
    """The chapter writes scorecard.csv while the build notes what it reads; a write is not a read."""
    import os

    from jjj_book.build.tracking import _writes_only

    assert _writes_only(("scorecard.csv", "wb", 0)) and _writes_only(("x", "w", 0))
    assert _writes_only(("x", None, os.O_WRONLY | os.O_CREAT))
    assert not _writes_only(("x", "rb", 0)) and not _writes_only(("x", "r+b", 0))
    assert not _writes_only(("x", None, os.O_RDONLY)) and not _writes_only(("x", None, os.O_RDWR))
