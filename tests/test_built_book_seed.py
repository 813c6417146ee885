"""The test session's book build reuses the chapter results the work tree's own build kept
(conftest ``seed_executed``): in a scratch copy, a kept result is served only where its fingerprint still
matches, and a stale one is executed again, never served. Chapters run in this process
(tests/test_build_cache.py's runner), so these take well under a second."""

from __future__ import annotations

import shutil

import pytest

from conftest import COPY_IGNORE, seed_executed, tiny_book, write_notebook
from jjj_book.build import fingerprints
from test_build_cache import CHAPTERS, GDP_ROW, build, bump, chapter, executed, output


@pytest.fixture()
def kept(tmp_path):
    """A tiny book built once (its results kept in _build/.jjj-execute), and a fresh scratch copy of it."""
    source = tiny_book(tmp_path / "work", {name: chapter(code) for name, code in CHAPTERS.items()}, data=True)
    (source / "notes.txt").write_text("注释 1\n", encoding="utf-8")
    assert executed(build(source)) == set(CHAPTERS)
    dest = tmp_path / "scratch" / "book"
    shutil.copytree(source, dest, ignore=COPY_IGNORE)
    return source, dest


def fresh_outputs(book, tmp_path) -> dict[str, str]:
    """What executing every chapter from scratch on the same book gives."""
    fresh = tmp_path / "fresh"
    shutil.copytree(book, fresh, ignore=COPY_IGNORE)
    build(fresh)
    return {name: output(fresh, name) for name in CHAPTERS}


def test_an_unchanged_copy_executes_nothing(kept):
    source, dest = kept
    assert sorted(seed_executed(source, dest)) == sorted(f"chapters--{n}" for n in CHAPTERS)
    assert executed(build(dest)) == set()
    assert {n: output(dest, n) for n in CHAPTERS} == {n: output(source, n) for n in CHAPTERS}


def test_without_kept_results_everything_is_executed(kept, tmp_path):
    source, dest = kept
    shutil.rmtree(source / "_build")
    assert seed_executed(source, dest) == []
    assert executed(build(dest)) == set(CHAPTERS)


def test_a_stale_kept_result_is_executed_again_not_served(kept, tmp_path):
    """Data and code changed after the kept build: exactly the chapters that read them run again, and every
    output equals a fresh execution (a stale result served would show the old value)."""
    source, dest = kept
    bump(dest / "data" / "observations.csv", GDP_ROW, by=1000.0)                 # read by a_gdp and c_all
    write_notebook(dest / "chapters" / "b_growth.ipynb", *chapter(CHAPTERS["b_growth"] + "\nprint('more')"))
    seed_executed(source, dest)
    assert executed(build(dest)) == set(CHAPTERS)
    assert {n: output(dest, n) for n in CHAPTERS} == fresh_outputs(dest, tmp_path)
    assert output(dest, "a_gdp") != output(source, "a_gdp")


def test_only_the_chapters_whose_inputs_changed_run_again(kept, tmp_path):
    source, dest = kept
    (dest / "notes.txt").write_text("注释 2\n", encoding="utf-8")                  # read by b_growth only
    seed_executed(source, dest)
    assert executed(build(dest)) == {"b_growth"}
    assert "注释 2" in output(dest, "b_growth")
    assert {n: output(dest, n) for n in CHAPTERS} == fresh_outputs(dest, tmp_path)


def test_results_kept_by_other_helpers_are_not_reused(kept, monkeypatch):
    source, dest = kept
    seed_executed(source, dest)
    monkeypatch.setattr(fingerprints, "tree_fingerprint", lambda folder: "the jjj_book package was edited")
    assert executed(build(dest)) == set(CHAPTERS)
