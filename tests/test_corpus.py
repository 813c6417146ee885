"""A data-driven corpus of hostile input: `jjj-book import`, `check` and `run` refuse it with a located
message, a non-zero exit and no traceback, and change nothing.

Each case is a folder ``tests/corpus/<command>/<case>/`` (in the style of tomli's tests/data): the input
files of the case, optionally a ``data/`` folder of files that replace the copied data package's, and an
``expected.toml``:

    command = "import"            # import | check | run
    exit = 1                      # the exit code
    located = "gdp.csv, line 5, column '2021年'"   # the file (and line, column) the message names
    message = ["expected a number"]                # further fragments of the message
    forbidden = ["root:"]         # text that must not appear (e.g. the content of a file never to be read)
    vintage = "census4"           # import: --vintage (default census4) and --source-id
    source = "nbs-db-census4-2021"
    extra = ["--dry-run"]         # more arguments
    args = ["status", "--output", "{tmp}/out"]     # run: the arguments ({tmp}, {book}, {data} are replaced)
    patch = "obs_inf"             # a change to the copied data package (PATCHES below)
    setup = "a_file"              # a situation on disk (SETUPS below)
    seconds = 5                   # the case must finish within this time
    subprocess = true             # run the console script instead of cli.main (marked slow)

Every case runs in-process (``cli.main``) on a scratch copy of the data package (and, for ``run``, a
scratch book); the whole scratch folder — book, data, inputs, anything beside them — is hashed before
and after, names, modes, symlinks and bytes, so a refused case provably leaves every byte in place and
no temporary file behind.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import time
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT, VENV_BIN, copy_data, params, tiny_book
from jjj_book import cli

CORPUS = Path(__file__).with_name("corpus")
CASES = sorted(CORPUS.glob("*/*/expected.toml"))
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def tree_state(folder: Path) -> str:
    """A digest of everything under ``folder``: names, kinds, modes, link targets, bytes."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath, name)
            info = path.lstat()
            rel = os.fsencode(path.relative_to(folder))
            digest.update(rel + b"\0" + oct(info.st_mode).encode())
            if stat.S_ISLNK(info.st_mode):
                digest.update(os.fsencode(os.readlink(path)))
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as fh:  # not Path.read_bytes, which a case may simulate failing
                    digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()


# --------------------------------------------------------------------------- changes to the copied data

def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _set_line(path: Path, number: int, edit) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = edit(lines[number - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


def _descriptor(data: Path, edit) -> None:
    path = data / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    edit(desc)
    path.write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")


def _resource(desc, name):
    return next(r for r in desc["resources"] if r["name"] == name)


def _first_pattern(desc):
    for res in desc["resources"]:
        for field in res["schema"]["fields"]:
            if "pattern" in field.get("constraints", {}):
                return field
    raise AssertionError("fixture: no field with a pattern in datapackage.json")


def _misfit(data: Path) -> None:
    path = data / "observations.csv"
    rows = _rows(path)
    fits = {r[0]: set(r[rows_h.index("indicators")].split()) for rows_h in [_rows(data / "vintages.csv")[0]]
            for r in _rows(data / "vintages.csv")[1:]}
    other = next(v for v, ids in fits.items() if ids and "gdp" not in ids)
    rows[1] = ["gdp", "CN-BJ", "2011", "annual", "1.0", "100m_yuan", other, rows[1][7], ""]
    _write_rows(path, rows)


def _bad_vintage_indicator(data: Path) -> None:
    rows = _rows(data / "vintages.csv")
    col = rows[0].index("indicators")
    rows[1][col] = (rows[1][col] + " no_such_indicator").strip()
    _write_rows(data / "vintages.csv", rows)


def _multiline(data: Path) -> None:
    path = data / "observations.csv"
    rows = _rows(path)
    rows[1][8] = "a note\nover two lines"   # row 1 takes lines 2–3
    rows[3][4] = "—"                        # so the third row starts on line 5
    _write_rows(path, rows)


def _replace_with(target: Path, how) -> None:
    target.unlink()
    how(target)


PATCHES = {
    "obs_stray_comma": lambda d: _set_line(d / "observations.csv", 2, lambda l: l.replace(",annual,", ",annual,,", 1)),
    "obs_duplicate_header": lambda d: _set_line(d / "observations.csv", 1, lambda l: l.rsplit(",", 1)[0] + ",value"),
    "obs_fullwidth_year": lambda d: _set_line(d / "observations.csv", 2, lambda l: ",".join(
        c.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if i == 2 else c for i, c in enumerate(l.split(",")))),
    "obs_inf": lambda d: _set_line(d / "observations.csv", 2, lambda l: ",".join(
        "inf" if i == 4 else c for i, c in enumerate(l.split(",")))),
    "obs_vintage_misfit": _misfit,
    "vintage_bad_indicator": _bad_vintage_indicator,
    "obs_multiline_note": _multiline,
    "obs_huge_field": lambda d: _set_line(d / "observations.csv", 3, lambda l: l + "x" * 200_000),
    "obs_nul": lambda d: _set_line(d / "observations.csv", 3, lambda l: l + "\0"),
    "desc_fields_strings": lambda d: _descriptor(d, lambda x: x["resources"][0]["schema"].update(
        fields=[f["name"] for f in x["resources"][0]["schema"]["fields"]])),
    "desc_bad_regex": lambda d: _descriptor(d, lambda x: _first_pattern(x)["constraints"].update(pattern="([a-z")),
    "desc_pk_object": lambda d: _descriptor(d, lambda x: x["resources"][0]["schema"].update(primaryKey={"id": True})),
    "desc_deep": lambda d: (d / "datapackage.json").write_text('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "desc_bad_type": lambda d: _descriptor(d, lambda x: x["resources"][0]["schema"]["fields"][0].update(type="strng")),
    "desc_path_escape": lambda d: _descriptor(d, lambda x: x["resources"][0].update(path="../../../../../../../etc/passwd")),
    "desc_path_absolute": lambda d: _descriptor(d, lambda x: x["resources"][0].update(path="/etc/passwd")),
    "desc_symlink_out": lambda d: _replace_with(d / "units.csv", lambda t: t.symlink_to("/etc/passwd")),
    "resource_loop": lambda d: _replace_with(d / "units.csv", lambda t: t.symlink_to(t.name)),
    "resource_folder": lambda d: _replace_with(d / "sources.csv", lambda t: t.mkdir()),
    "desc_minimum_text": lambda d: _descriptor(d, lambda x: _resource(x, "observations")["schema"]["fields"][4]
                                               .setdefault("constraints", {}).update(minimum="0")),
    "desc_fk_field": lambda d: _descriptor(d, lambda x: _resource(x, "observations")["schema"]["foreignKeys"][0]
                                           .update(fields=["nope"])),
    "desc_fk_resource": lambda d: _descriptor(d, lambda x: _resource(x, "observations")["schema"]["foreignKeys"][0]
                                              ["reference"].update(resource="nope")),
    "desc_folder": lambda d: _replace_with(d / "datapackage.json", lambda t: t.mkdir()),
    "desc_duplicate_field": lambda d: _descriptor(d, lambda x: x["resources"][0]["schema"]["fields"].append(
        dict(x["resources"][0]["schema"]["fields"][0]))),
}


# --------------------------------------------------------------------------- situations on disk

class Case:
    def __init__(self, tmp: Path, monkeypatch):
        self.tmp, self.monkeypatch = tmp, monkeypatch
        self.data = tmp / "data"
        self.book = tmp / "book"
        self.inputs = tmp / "in"


def _unreadable(case: Case) -> None:
    path = case.inputs / "secret.csv"
    path.write_text("indicator,region,year,value,unit\n", encoding="utf-8")
    path.chmod(0)
    if IS_ROOT:  # root reads anything: the operating system's refusal is simulated where it happens
        real = Path.read_bytes

        def read_bytes(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)
        case.monkeypatch.setattr(Path, "read_bytes", read_bytes)


def _readonly_data(case: Case) -> None:
    case.data.chmod(0o555)
    if IS_ROOT:
        real = os.open

        def guarded(path, flags, *args, **kwargs):
            if flags & os.O_CREAT and Path(os.fsdecode(path)).parent == case.data.resolve():
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, flags, *args, **kwargs)
        case.monkeypatch.setattr(os, "open", guarded)


def _bad_name(case: Case) -> None:
    name = os.fsdecode(b"\xff\xfe-export.csv")
    (case.inputs / name).write_text("indicator,region,year,value,unit\ngdp,CN-BJ,2021年,1,亿元\n", encoding="utf-8")


def _observations_symlink(case: Case) -> None:
    obs = case.data / "observations.csv"
    obs.rename(case.data / "obs_real.csv")
    obs.symlink_to("obs_real.csv")


def _data_outside(case: Case) -> None:
    (case.tmp / "elsewhere").mkdir()
    case.data.rename(case.tmp / "elsewhere" / "data")
    case.data = case.tmp / "elsewhere" / "data"


def _earlier_run_plus_user_file(case: Case) -> None:
    folder = case.tmp / "earlier"
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({cli.RUN_MARKER: 1, "files": ["claims.json"]}), encoding="utf-8")
    (folder / "claims.json").write_text("[]", encoding="utf-8")
    (folder / "my notes.txt").write_text("mine", encoding="utf-8")


def _readonly_cwd(case: Case) -> None:
    ro = case.tmp / "ro"
    ro.mkdir(mode=0o555)
    case.monkeypatch.chdir(ro)
    if IS_ROOT:
        real = os.mkdir

        def guarded(path, *args, **kwargs):
            if Path(os.fsdecode(path)).parent == ro:
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, *args, **kwargs)
        case.monkeypatch.setattr(os, "mkdir", guarded)


SETUPS = {
    "readonly_cwd": _readonly_cwd,
    "huge_input": lambda c: (c.inputs / "big.csv").write_text(
        "indicator,region,year,value,unit\ngdp,CN-BJ,2021," + "9" * 200_000 + ",亿元\n", encoding="utf-8"),
    "input_folder": lambda c: (c.inputs / "folder.csv").mkdir(),
    "input_loop": lambda c: (c.inputs / "loop.csv").symlink_to("loop.csv"),
    "input_unreadable": _unreadable,
    "input_bad_name": _bad_name,
    "data_loop": lambda c: ((c.tmp / "loop").symlink_to("loop"), setattr(c, "data", c.tmp / "loop")),
    "readonly_data": _readonly_data,
    "observations_symlink": _observations_symlink,
    "data_outside": _data_outside,
    "link_to_chapters": lambda c: (c.tmp / "link").symlink_to(c.book / "chapters"),
    "a_file": lambda c: (c.tmp / "afile").write_text("a file of the user's", encoding="utf-8"),
    "foreign_folder": lambda c: ((c.tmp / "mine").mkdir(), (c.tmp / "mine" / "notes.txt").write_text("mine")),
    "run_plus_user_file": _earlier_run_plus_user_file,
    "loop_dir": lambda c: (c.tmp / "loop").symlink_to("loop"),
    "alias_dir": lambda c: ((c.tmp / "realdir").mkdir(), (c.tmp / "alias").symlink_to("realdir")),
}


def _fill(text: str, case: Case) -> str:
    return text.replace("{tmp}", str(case.tmp)).replace("{book}", str(case.book)).replace("{data}", str(case.data))


def _params():
    for path in CASES:
        marks = [pytest.mark.slow] if "subprocess = true" in path.read_text(encoding="utf-8") else []
        yield pytest.param(path, id=f"{path.parent.parent.name}/{path.parent.name}", marks=marks)


@pytest.mark.parametrize("path", list(_params()))
def test_corpus_case(path: Path, tmp_path: Path, monkeypatch, capsys):
    expected = tomllib.loads(path.read_text(encoding="utf-8"))
    case = Case(tmp_path, monkeypatch)
    copy_data(case.data)
    if (path.parent / "data").is_dir():
        for item in (path.parent / "data").iterdir():
            shutil.copy(item, case.data / item.name)
    case.inputs.mkdir()
    for item in sorted(path.parent.iterdir()):
        if item.name not in ("expected.toml", "data"):
            shutil.copy(item, case.inputs / item.name)
    # a book with one fast chapter (01_status) whose parameters include years
    tiny_book(case.book, {"01_status": [params('data_dir = ""\nstart_year = 2011\nend_year = 2021'), "print(end_year)"]})
    monkeypatch.setenv("JJJ_BOOK_ROOT", str(case.book))
    if "patch" in expected:
        PATCHES[expected["patch"]](case.data)
    if "setup" in expected:
        SETUPS[expected["setup"]](case)

    command = expected["command"]
    if command == "import":
        argv = ["import", *sorted(str(p) for p in case.inputs.iterdir()), "--data-dir", str(case.data),
                "--vintage", expected.get("vintage", "census4"),
                "--source-id", expected.get("source", "nbs-db-census4-2021")]
    elif command == "check":
        argv = ["check", "--data-dir", str(case.data)]
    else:
        argv = ["run", *(_fill(a, case) for a in expected["args"]), "--data-dir", str(case.data), "-q"]
    argv += expected.get("extra", [])

    before = tree_state(tmp_path)
    started = time.perf_counter()
    if expected.get("subprocess"):  # as a user runs it: the console script, its own streams and exit code
        done = subprocess.run([str(VENV_BIN / "jjj-book"), *argv], capture_output=True, cwd=ROOT,
                              env=dict(os.environ, JJJ_BOOK_ROOT=str(case.book)))
        code = done.returncode
        out = argparse.Namespace(out=done.stdout.decode("utf-8"), err=done.stderr.decode("utf-8"))
    else:
        code = cli.main(argv)
        out = capsys.readouterr()
    elapsed = time.perf_counter() - started
    text = out.out + out.err
    monkeypatch.undo()  # before hashing: the simulated refusals must not hide what is on disk
    assert code == expected["exit"], text
    assert "Traceback" not in text
    assert _fill(expected["located"], case) in text, text
    for fragment in expected.get("message", []):
        assert _fill(fragment, case) in text, text
    for fragment in expected.get("forbidden", []):
        assert fragment not in text, text
    if expected["exit"] != 0:
        assert "error" in out.err  # refusals go to stderr, labelled
    assert tree_state(tmp_path) == before, "the case changed, added or removed a file"
    if "seconds" in expected:
        assert elapsed < expected["seconds"], f"took {elapsed:.1f} s"


def test_the_corpus_covers_every_class():
    """Each class of the issue has cases; each case names where the problem is."""
    names = {f"{p.parent.parent.name}/{p.parent.name}" for p in CASES}
    assert len(names) >= 80
    for name in ["run/output-contains-the-book", "run/output-is-a-file", "run/end-year-outside-data",
                 "import/stray-comma-nbs", "import/magnitude-wan-as-yi", "import/excel-percent",
                 "import/vintage-does-not-fit", "import/huge-field", "check/deep-nesting",
                 "check/path-leaves-folder", "import/dry-run-future-year", "import/quarterly-export"]:
        assert name in names
    for path in CASES:
        expected = tomllib.loads(path.read_text(encoding="utf-8"))
        assert expected["exit"] == 0 or expected["located"], path
