"""The teacher's guide reads the exercises from the notebooks and the discussion from the verdicts."""

import nbformat

from conftest import ROOT, md, write_notebook
from jjj_book.chapters import teaching


def test_exercises_are_read_with_level_names_and_solution(tmp_path):
    path = write_notebook(
        tmp_path / "99_demo.ipynb",
        md("# 示例章\n"),
        md("```{admonition} 练习 1（进阶）：换一个版本\n:class: tip\n用 `metrics.cagr` 和 {term}`版本` 计算。\n```"),
        nbformat.v4.new_code_cell("# 参考答案", metadata={"tags": ["hide-cell"]}),
        md("```{admonition} 练习 2：没有答案\n:class: tip\n想一想。\n```"),
    )
    found = teaching.exercises(path)
    assert [(e["n"], e["level"], e["title"], e["solution"]) for e in found] == [
        (1, "进阶", "换一个版本", True), (2, "", "没有答案", False)]
    assert found[0]["names"] == ["metrics.cagr"]            # a {term} role is not a name
    assert teaching.title_of(path) == "示例章"
    table = teaching.chapter_exercise_table(teaching.exercise_index([path]), "99_demo")
    assert table["难度"].tolist() == ["进阶", teaching.UNLABELLED]
    assert table["练习"].tolist() == [1, 2]


def test_every_chapter_of_the_book_is_indexed_and_a_copied_guide_has_none(tmp_path):
    notebooks = teaching.chapter_notebooks(ROOT / "chapters")
    assert [p.stem for p in notebooks][:2] == ["01_status", "02_problems"]
    assert teaching.chapter_notebooks(tmp_path) == []


def test_the_discussion_lists_exactly_the_claims_that_differ(pkg):
    table = teaching.discussion_table(pkg, {})
    differs = [r for r in teaching.evaluate(pkg) if r.verdict == "differs"]
    assert len(table) == len(differs) > 0
    assert not table["报告的说法（转述）"].str.contains(r"[a-z_]+\.[a-z_]+").any()   # no claim ids
