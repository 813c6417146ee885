"""The measurements (a)–(g) and (t), each a function of one ``Bench``: its scratch book, how many runs,
and where the results and checks go. Every figure is recorded with the machine's load average just
before and just after it was measured (the machine may be shared)."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.book import EXEC_DIR, EXECUTING, Book, ValueChange, shown
from dev import parallel

# The test suite's two lanes: key → (label, pytest arguments). (t) is the fast lane a contributor runs
# before every change; (g) the whole suite, browser layer included (it fails if Chromium is missing).
SUITES = {"t": ("fast lane", ["-m", "not slow"]), "g": ("whole suite", [])}
DURATION = re.compile(r"^\s*([\d.]+)s (call|setup|teardown)\s+(.+?)\s*$", re.M)
OUTCOME = re.compile(r"^=*\s*(\d+ (?:passed|failed|error).*?) in [\d.]+s", re.M)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@dataclass
class Bench:
    book: Book
    work: Path
    source: Path
    chapters: list[Path]
    runs: int
    suite_runs: int
    change: str = "auto"
    keep: bool = False
    results: dict[str, dict] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    _load_before: list[float] = field(default_factory=list)

    def begin(self, title: str) -> None:
        self._load_before = load_average()
        print(f"{title}  (load average {self._load_before[0]})", flush=True)

    def record(self, key: str, values: list[float], **extra) -> None:
        self.results[key] = summary(values) | extra | {"load_before": self._load_before, "load_after": load_average()}
        r = self.results[key]
        shown_extra = {k: v for k, v in extra.items() if k not in ("slowest", "by_file", "failed")}
        print(f"  ({key}) median {r['median']:.2f} s  [{r['min']:.2f}–{r['max']:.2f}]  load average "
              f"{r['load_before'][0]} → {r['load_after'][0]}  {shown_extra or ''}", flush=True)


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values),
            "values": [round(v, 3) for v in values]}


def machine() -> dict:
    info = {"python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "cores": os.cpu_count()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.+)", cpu).group(1).strip()
        mem = Path("/proc/meminfo").read_text()
        info["memory_gib"] = round(int(re.search(r"MemTotal:\s*(\d+)", mem).group(1)) / 2**20)
    except (OSError, AttributeError):
        info.setdefault("cpu", platform.processor() or platform.machine())
    return info


# --------------------------------------------------------------------------- (a) and (f): no build

def floor(book: Book, chapters: list[Path], timeout: int = 300) -> tuple[float, dict[str, float]]:
    """Every chapter executed with nbclient, one after another (a kernel each, in its folder)."""
    import nbclient
    import nbformat

    os.environ.update(PYTHONPATH=book.env["PYTHONPATH"], JJJ_BOOK_ROOT=book.env["JJJ_BOOK_ROOT"])
    each = {}
    t0 = time.perf_counter()
    for path in chapters:
        t = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        nbclient.NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}).execute()
        each[path.stem] = time.perf_counter() - t
    return time.perf_counter() - t0, each


def measure_a(b: Bench) -> None:
    b.begin("(a) every chapter with nbclient, one after another")
    values, each = [], {}
    for _ in range(b.runs):
        total, per = floor(b.book, b.chapters)
        values.append(total)
        for k, v in per.items():
            each.setdefault(k, []).append(v)
    b.record("a", values, chapters={k: round(statistics.median(v), 2) for k, v in each.items()})


def load_time(book: Book) -> tuple[float, float]:
    code = ("import time, json\nt0 = time.perf_counter()\nfrom jjj_book import data\nt1 = time.perf_counter()\n"
            "data.load('data')\nt2 = time.perf_counter()\nprint(json.dumps([t1 - t0, t2 - t1]))")
    _, out = book.run(sys.executable, "-c", code)
    imported, loaded = json.loads(out.strip().splitlines()[-1])
    return loaded, imported


def measure_f(b: Bench) -> None:
    b.begin("(f) load and validate the data package")
    pairs = [load_time(b.book) for _ in range(max(b.runs, 5))]
    b.record("f", [p[0] for p in pairs], import_seconds=statistics.median(p[1] for p in pairs))


# --------------------------------------------------------------------------- (b), (b0), (c): builds

def measure_b(b: Bench, record: bool) -> None:
    b.begin("(b) cold build")
    values, ran = [], set()
    for _ in range(b.runs if record else 1):
        b.book.clean()
        seconds, _out, ran = b.book.build()
        values.append(seconds)
    if record:
        b.record("b", values, executed=sorted(ran))


def measure_c(b: Bench) -> None:
    b.begin("(c) rebuild, nothing changed")
    values = []
    for _ in range(b.runs):
        seconds, out, ran = b.book.build()
        values.append(seconds)
        if ran or "0 added, 0 changed, 0 removed" not in out:
            b.checks.append(f"(c) FAILED: a no-change rebuild executed {sorted(ran)} or re-read pages")
    b.record("c", values)
    b.begin("(c0) the same, Sphinx run anyway (jupyter-book build, no up-to-date check)")
    values = []
    for _ in range(b.runs):
        seconds, out = b.book.run(str(b.book.bin / "jupyter-book"), "build", str(b.book.root),
                                  "--warningiserror", "--keep-going")
        values.append(seconds)
        if EXECUTING.search(out):
            b.checks.append("(c0) FAILED: a no-change Sphinx build executed a chapter")
    b.record("c0", values)


def measure_b0(b: Bench) -> None:
    b.begin("(b0) Sphinx alone (chapter results kept, the rest of _build removed)")
    if not (b.book.root / "_build" / EXEC_DIR).is_dir():
        print("  (no kept chapter results in this version of the build: not measured)")
        return
    values = []
    for _ in range(b.runs):
        b.book.clean(keep_results=True)
        seconds, _out, ran = b.book.build()
        if ran:
            b.checks.append(f"(b0) executed {sorted(ran)}: not Sphinx alone")
        values.append(seconds)
    b.record("b0", values)


# --------------------------------------------------------------------------- (d): a one-value change

def _compare_with_a_clean_build(b: Bench, pages: dict[str, bytes]) -> None:
    """An incremental build must give the pages a clean build of the same data gives."""
    fresh = Book(b.book.root, b.work, "fresh")
    fresh.build()
    differ = [k for k, v in fresh.pages().items() if pages.get(k) != v]
    b.checks.append("(d) incremental == clean build: " + ("yes, every page" if not differ else
                                                         f"FAILED for {differ} (clean build kept in {fresh.root})"))
    if not differ:
        shutil.rmtree(fresh.root)
    else:
        b.keep = True


def _check_pages(b: Bench, change: ValueChange, ran: set[str], new_value: str) -> dict[str, bytes]:
    pages = b.book.pages()
    if change.readers and ran != change.expected:
        b.checks.append(f"(d) FAILED: executed {sorted(ran)}, expected exactly {sorted(change.expected)}")
    for stem in change.shown_in:
        page = next((v for k, v in pages.items() if k.endswith(f"{stem}.html")), b"").decode("utf-8")
        if not shown(new_value, page):
            b.checks.append(f"(d) FAILED: {stem}.html does not show the new value {new_value}")
    return pages


def measure_d(b: Bench) -> None:
    b.begin("(d) rebuild after a one-value data change")
    change = ValueChange(b.book, b.change)
    print(f"  row {change.key}: value {change.values[0]} ⇄ {change.values[1]}; chapters that read it: "
          f"{sorted(change.expected) if change.readers else 'unknown (no kept results)'}", flush=True)
    before_pages = b.book.pages()
    values, all_ran = [], []
    for i in range(b.runs):
        new_value = change.toggle()
        seconds, _out, ran = b.book.build()
        values.append(seconds)
        all_ran.append(sorted(ran))
        pages = _check_pages(b, change, ran, new_value)
        if i == 0:
            print(f"  pages changed: {sorted(k for k in pages if pages[k] != before_pages.get(k))}", flush=True)
            _compare_with_a_clean_build(b, pages)
    if change.shown_in and not any(c.startswith("(d) FAILED") for c in b.checks):
        b.checks.append(f"(d) the page of {', '.join(sorted(change.shown_in))} shows the new value after each "
                        "change: yes")
    b.record("d", values, executed=all_ran, expected=sorted(change.expected), row=change.key,
             shown_in=sorted(change.shown_in))
    change.restore()
    b.book.build()


# --------------------------------------------------------------------------- (e), (t), (g)

def measure_e(b: Bench) -> None:
    if not b.chapters:
        return
    b.begin(f"(e) jjj-book run {b.chapters[0].stem}")
    values = []
    for i in range(b.runs):
        seconds, _ = b.book.run(str(b.book.bin / "jjj-book"), "run", b.chapters[0].stem, "--data-dir", "data",
                                "--output", str(b.work / "runs" / str(i)), "-q")
        values.append(seconds)
    b.record("e", values, chapter=b.chapters[0].stem)


def slowest(out: str, most: int = 15) -> list[list]:
    """pytest's --durations lines: [seconds, phase, test id], slowest first."""
    found = [[float(s), phase, test] for s, phase, test in DURATION.findall(out)]
    return sorted(found, key=lambda d: -d[0])[:most]


def by_file(out: str, most: int = 12) -> dict[str, float]:
    """Where the time goes: pytest's durations (setup, call, teardown) summed by test file."""
    sums: dict[str, float] = {}
    for s, _phase, test in DURATION.findall(out):
        name = test.split("::")[0]
        sums[name] = sums.get(name, 0.0) + float(s)
    return {k: round(v, 1) for k, v in sorted(sums.items(), key=lambda kv: -kv[1])[:most]}


def measure_suite(b: Bench, key: str) -> None:
    """(t) the fast lane or (g) the whole suite: `python -m pytest` on a fresh copy each run, so that
    nothing built by an earlier run (the book's _build, kept chapter results) is reused."""
    label, extra = SUITES[key]
    extra = [*parallel(extra), *extra]   # what `python3 dev.py test` adds: a test process per core
    b.begin(f"({key}) test suite, {label}: python -m pytest {' '.join(extra)} (fresh copy each run, "
            "empty temporary folder: no book or chapter result kept by an earlier test run)")
    values, cpu, outcome, durations, files, failed = [], [], "", [], {}, []
    for i in range(b.suite_runs):
        suite = Book(b.source, b.work, f"suite-{key}{i}")
        if key == "g":
            suite.env["JJJ_E2E_REQUIRED"] = "1"  # the browser layer must run, not be skipped
        tmp = suite.root.parent / f"tmp-{key}{i}"   # the tests keep built HTML and chapter results in $TMPDIR
        tmp.mkdir(exist_ok=True)
        suite.env["TMPDIR"] = str(tmp)
        seconds, out = suite.run(sys.executable, "-m", "pytest", "-q", "--durations=0", *extra, check=False)
        values.append(seconds)
        cpu.append(round(suite.last_cpu, 1))
        outcome = (OUTCOME.findall(out) or ["? (no pytest summary line)"])[-1]
        durations, files = slowest(out), by_file(out)
        failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", out, re.M)
        if "failed" in outcome or "error" in outcome:
            b.checks.append(f"({key}) FAILED: {outcome}")
        shutil.rmtree(suite.root, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    b.record(key, values, cpu_seconds=cpu, outcome=outcome, slowest=durations, by_file=files, failed=failed)


MEASURES = {"f": measure_f, "a": measure_a, "c": measure_c, "b0": measure_b0, "d": measure_d, "e": measure_e,
            "t": lambda b: measure_suite(b, "t"), "g": lambda b: measure_suite(b, "g")}


def run_all(b: Bench, only: set[str]) -> None:
    """The measurements asked for, in an order where each finds what it needs: (c), (b0), (d) work on
    the book (b) built."""
    for key in ("f", "a"):
        if key in only:
            MEASURES[key](b)
    if only & {"b", "b0", "c", "d"}:
        measure_b(b, record="b" in only)
    for key in ("c", "b0", "d", "e", "t", "g"):
        if key in only:
            MEASURES[key](b)
