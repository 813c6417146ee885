"""The book's layout is read from _toc.yml in one place, and the package finds its own data."""

from conftest import ROOT
from jjj_book import book, paths


def test_every_notebook_in_the_toc_is_listed_appendices_included():
    stems = [p.stem for p in book.notebooks(ROOT)]
    assert "methods" in stems and "data_appendix" in stems and "01_status" in stems
    on_disk = {p.stem for p in (ROOT / "chapters").glob("*.ipynb")}
    assert set(stems) == on_disk


def test_numbered_chapters_keep_the_toc_order():
    stems = [p.stem for p in book.chapters(ROOT)]
    assert stems == sorted(stems) and stems[0] == "01_status" and all(s[:2].isdigit() for s in stems)


def test_an_empty_data_dir_means_the_shipped_data_package():
    assert (paths.resolve_data_dir("") / "datapackage.json").is_file()
    assert paths.resolve_data_dir("elsewhere").name == "elsewhere"


def test_papermill_reads_every_parameter_of_every_notebook():
    """A comment papermill cannot parse (an '=' in it) silently drops a parameter from `jjj-book run`."""
    import ast
    import json
    import warnings

    import papermill

    for page in book.notebooks(ROOT):
        cells = json.loads(page.path.read_text(encoding="utf-8"))["cells"]
        source = next("".join(c["source"]) for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
        declared = {n.targets[0].id for n in ast.parse(source).body if isinstance(n, ast.Assign)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = set(papermill.inspect_notebook(str(page.path)))
        assert found == declared, (page.stem, declared ^ found)
        assert "data_dir" in declared and "claims_json" not in declared, page.stem


def test_the_book_build_points_empty_data_dirs_at_the_books_own_data(tmp_path, monkeypatch):
    """A book built outside the checkout must read its own data/, not the package's (issue 13 §4)."""
    import shutil

    book_data = tmp_path / "data"
    shutil.copytree(ROOT / "data", book_data)
    monkeypatch.setenv(paths.BOOK_DATA_ENV, str(book_data))
    assert paths.resolve_data_dir("") == book_data
    monkeypatch.setenv(paths.BOOK_DATA_ENV, str(tmp_path / "nowhere"))
    import pytest

    with pytest.raises(FileNotFoundError, match="nowhere"):
        paths.resolve_data_dir("")
    monkeypatch.delenv(paths.BOOK_DATA_ENV)
    assert paths.resolve_data_dir("") != book_data
