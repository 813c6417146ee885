#!/usr/bin/env python3
"""Build and test speed of the book, on this machine.

    python3 bench/run.py                  # everything, 3 runs each (about 30 minutes)
    python3 bench/run.py --runs 5 --only a,b,c
    python3 bench/run.py --only tests --runs 1    # the test suite: fast lane (t) and whole suite (g)
    python3 bench/run.py --update-table   # also write the table into CONTRIBUTING.md ("Build speed")

It works on a scratch copy of the repository (never on this work tree or its _build),
over whatever chapters _toc.yml lists, and measures, several runs each:

  (a)  bare execution of every chapter with nbclient, one after another (the floor)
  (b)  a cold `jjj-book build` (no _build)
  (b0) Sphinx alone: a build whose chapter results are all kept (_build/.jjj-execute) but
       nothing else of _build is: what the build costs beyond executing the chapters
  (c)  a rebuild with nothing changed (c0: the same with Sphinx run anyway)
  (d)  a rebuild after a one-value change in data/observations.csv; it checks that
       exactly the chapters that read that value were executed again, that the page shows
       the new value, and (once) that the pages equal those of a clean build of the changed data
  (e)  `jjj-book run` of one chapter
  (f)  loading and validating the whole data package (jjj_book.data.load, in a fresh process)
  (t)  the fast lane, `python -m pytest -m "not slow"` (a fresh copy each run)
  (g)  the whole test suite, browser layer included (a fresh copy each run; Chromium required)

and prints a table (median, range and the load average before→after each figure) with the
ratios (b)/(a) and (d)/(a), and the slowest tests of (t) and (g). Not part of the test suite.
The whole suite builds the book and runs every chapter: on a shared machine, run it when no other
build runs. It creates .venv first if needed (python3 dev.py setup).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_PY = REPO / ".venv" / ("Scripts" if os.name == "nt" else "bin") / "python"
ALL = ("a", "b", "b0", "c", "d", "e", "f", "t", "g")
GROUPS = {"tests": ("t", "g"), "build": ("a", "b", "b0", "c", "d", "e")}


def ensure_venv() -> None:
    """Re-run this script with the project's .venv (creating it first if needed)."""
    if Path(sys.prefix).resolve() == (REPO / ".venv").resolve():
        return
    if subprocess.call([sys.executable, str(REPO / "dev.py"), "setup"], cwd=REPO) != 0:
        sys.exit("could not set up .venv (python3 dev.py setup failed)")
    os.execv(str(VENV_PY), [str(VENV_PY), str(Path(__file__).resolve()), *sys.argv[1:]])


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    ap.add_argument("--suite-runs", type=int, default=None, help="runs of the test suite (default: --runs)")
    ap.add_argument("--only", default=",".join(ALL),
                    help=f"comma-separated subset of {','.join(ALL)} (c includes c0), or the groups "
                         f"{', '.join(f'{k} ({chr(44).join(v)})' for k, v in GROUPS.items())}")
    ap.add_argument("--change", default="auto",
                    help="the row for (d): indicator,region,year,period,vintage (default: chosen from what chapters read)")
    ap.add_argument("--source", type=Path, default=REPO, help="the repository to measure (default: this one)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--update-table", "--update-readme", dest="update_table", action="store_true",
                    help="write the table into CONTRIBUTING.md's Build speed section")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    return ap.parse_args()


def selected(only: str) -> set[str]:
    keys = set()
    for word in only.split(","):
        keys |= set(GROUPS.get(word, (word,)))
    unknown = keys - set(ALL)
    if unknown:
        sys.exit(f"--only: unknown measurement(s) {', '.join(sorted(unknown))}; choose from {', '.join(ALL)}")
    return keys


def main() -> int:
    ensure_venv()
    sys.path.insert(0, str(REPO))  # the bench package, when run as `python3 bench/run.py`
    from bench.book import Book
    from bench.measure import Bench, load_average, machine, run_all
    from bench.report import render, update_table

    args = arguments()
    only = selected(args.only)
    work = Path(tempfile.mkdtemp(prefix="jjj-bench-"))
    book = Book(args.source.resolve(), work)
    b = Bench(book=book, work=work, source=args.source.resolve(), chapters=book.chapters(), runs=args.runs,
              suite_runs=args.suite_runs or args.runs, change=args.change, keep=args.keep)
    info = machine() | {"load_before": load_average()}
    print(f"scratch copy: {book.root}\nchapters: {', '.join(p.stem for p in b.chapters)}\n"
          f"machine: {info['cpu']}, {info['cores']} cores, {info.get('memory_gib', '?')} GiB, Python {info['python']}, "
          f"load average {info['load_before']}", flush=True)
    run_all(b, only)
    info["load_after"] = load_average()
    table = render(b.results, b.checks, info, b.chapters)
    print("\n" + table)
    payload = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": info,
               "chapters": [p.stem for p in b.chapters], "results": b.results, "checks": b.checks}
    out = args.json or (work / "results.json")
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nresults: {out}")
    if args.update_table:
        update_table(REPO / "CONTRIBUTING.md", table)
        print("CONTRIBUTING.md: Build speed table updated")
    if not b.keep:
        shutil.rmtree(book.root, ignore_errors=True)
    return 1 if any("FAILED" in c for c in b.checks) else 0


if __name__ == "__main__":
    sys.exit(main())
