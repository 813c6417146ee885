"""The jjj-book command: exit codes and messages, never a traceback."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest

from jjj_book import cli
from conftest import DATA, ROOT, VENV_BIN, first_row, rewrite


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
        assert {"id", "chapter", "statement", "reported", "reproduced", "unit", "verdict", "vintage", "note"} <= set(item)
        assert item["verdict"] in ("reproduced", "differs", "cannot_check")


def test_claims_table_counts_verdicts(capsys):
    assert cli.main(["claims", "--data-dir", str(DATA), "--chapter", "status"]) == 0
    out = capsys.readouterr().out
    assert "status.gdp_2021" in out and "reproduced:" in out and "cannot_check:" in out


def test_claims_on_invalid_data_is_a_message_not_a_traceback(data_copy):
    (data_copy / "datapackage.json").write_text("{", encoding="utf-8")
    result = run_cli("claims", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert "expected valid JSON" in result.stderr and "Traceback" not in result.stderr


def test_chapter_names_resolve_by_stem_and_short_name():
    assert cli.resolve_chapter("01_status", ROOT).name == "01_status.ipynb"
    assert cli.resolve_chapter("status", ROOT).name == "01_status.ipynb"
    with pytest.raises(cli.UsageError, match="known chapters: 01_status"):
        cli.resolve_chapter("nope", ROOT)


def test_parameters_come_from_the_parameters_cell():
    params = cli.notebook_parameters(ROOT / "chapters" / "01_status.ipynb")
    assert params["data_dir"] == "../data" and params["end_year"] == 2021


def test_run_refuses_an_unknown_parameter_before_starting_a_kernel(tmp_path):
    result = run_cli("run", "status", "--data-dir", str(DATA), "--output", str(tmp_path / "out"), "-p", "data_dri", "x")
    assert result.returncode == 2
    assert "unknown parameter 'data_dri'" in result.stderr and "end_year" in result.stderr
    assert not (tmp_path / "out").exists()


def test_run_refuses_a_badly_typed_parameter(tmp_path):
    result = run_cli("run", "status", "--data-dir", str(DATA), "--output", str(tmp_path / "out"), "-p", "end_year", "2021年")
    assert result.returncode == 2 and "parameter end_year: expected a int" in result.stderr


def test_run_refuses_invalid_data_before_starting_a_kernel(data_copy, tmp_path):
    (data_copy / "sources.csv").unlink()
    result = run_cli("run", "status", "--data-dir", str(data_copy), "--output", str(tmp_path / "out"))
    assert result.returncode == 1 and "sources.csv" in result.stderr
    assert not (tmp_path / "out").exists() and "Traceback" not in result.stderr


def test_run_refuses_to_write_into_chapters():
    result = run_cli("run", "status", "--data-dir", str(DATA), "--output", str(ROOT / "chapters" / "x"))
    assert result.returncode == 2 and "outside chapters/" in result.stderr


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
    result = run_cli("run", "status", "--data-dir", str(DATA), "--output", str(out), "-q", "-p", "gdp_vintage", "census9")
    assert result.returncode == 1
    assert "failed in cell" in result.stderr and "Traceback" not in result.stderr
    assert (out / "claims.json").read_text(encoding="utf-8") == "earlier good result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status"]  # no staging folder left behind
