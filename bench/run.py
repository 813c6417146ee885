#!/usr/bin/env python3
"""Build-speed benchmark of the book, on this machine.

    python3 bench/run.py                  # everything, 3 runs each (about 10 minutes)
    python3 bench/run.py --runs 5 --only a,b,c
    python3 bench/run.py --update-readme  # also write the table into README.md ("Build speed")

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
  (g)  the test suite (python -m pytest, on a fresh copy each run)

and prints a table (median and range) with the ratios (b)/(a) and (d)/(a). Not part of
the test suite. It creates .venv first if needed (python3 dev.py setup).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_PY = REPO / ".venv" / ("Scripts" if os.name == "nt" else "bin") / "python"
IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "_staging", "__pycache__", "*.egg-info",
                                "test-output", ".ipynb_checkpoints", ".pytest_cache")
EXEC_DIR = ".jjj-execute"
EXECUTING = re.compile(r"Executing notebook (\S+\.ipynb)|(\S+\.ipynb): Executing notebook")
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"


def ensure_venv() -> None:
    """Re-run this script with the project's .venv (creating it first if needed)."""
    if Path(sys.prefix).resolve() == (REPO / ".venv").resolve():
        return
    if subprocess.call([sys.executable, str(REPO / "dev.py"), "setup"], cwd=REPO) != 0:
        sys.exit("could not set up .venv (python3 dev.py setup failed)")
    os.execv(str(VENV_PY), [str(VENV_PY), str(Path(__file__).resolve()), *sys.argv[1:]])


# --------------------------------------------------------------------------- the scratch book

class Book:
    def __init__(self, source: Path, workdir: Path, name: str = "book"):
        self.root = workdir / name
        shutil.copytree(source, self.root, ignore=IGNORE)
        self.bin = Path(sys.executable).parent
        # the copy's own helper package, whatever the .venv's editable install points at
        self.env = dict(os.environ, JJJ_BOOK_ROOT=str(self.root), PYTHONPATH=str(self.root / "src"))
        self.env.pop("JJJ_BOOK_WORKERS", None)

    def run(self, *command: str, check: bool = True, cwd: Path | None = None) -> tuple[float, str]:
        t0 = time.perf_counter()
        done = subprocess.run(list(command), cwd=cwd or self.root, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if check and done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        return seconds, done.stdout + done.stderr

    def build(self) -> tuple[float, str, set[str]]:
        seconds, out = self.run(str(self.bin / "jjj-book"), "build")
        ran = {Path(a or b).stem for a, b in EXECUTING.findall(out)}
        return seconds, out, ran

    def chapters(self) -> list[Path]:
        """The notebooks _toc.yml lists, in its order."""
        import yaml

        toc = yaml.safe_load((self.root / "_toc.yml").read_text(encoding="utf-8"))
        files: list[str] = []

        def walk(node):
            if isinstance(node, dict):
                if isinstance(node.get("file"), str):
                    files.append(node["file"])
                if isinstance(node.get("root"), str):
                    files.append(node["root"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(toc)
        found = []
        for f in files:
            path = self.root / (f if f.endswith(".ipynb") else f + ".ipynb")
            if path.is_file() and path not in found:
                found.append(path)
        return found

    def clean(self, keep_results: bool = False) -> None:
        build = self.root / "_build"
        if not build.exists():
            return
        for child in build.iterdir():
            if keep_results and child.name == EXEC_DIR:
                continue
            shutil.rmtree(child) if child.is_dir() else child.unlink()

    def pages(self) -> dict[str, bytes]:
        """Every HTML page, without Sphinx's cache-busting ``?v=`` digests (an incremental build
        adds some that a cold build leaves out)."""
        html = self.root / "_build" / "html"
        return {p.relative_to(html).as_posix(): re.sub(rb"\?v=[0-9a-f]+", b"", p.read_bytes())
                for p in sorted(html.rglob("*.html"))}

    def reads(self) -> dict[str, list[list[str]]]:
        """What each chapter read, from the kept results (empty with another build)."""
        folder = self.root / "_build" / EXEC_DIR
        found = {}
        for entry in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            data = json.loads(entry.read_text(encoding="utf-8"))
            if "notebook" in data:
                found[Path(data["notebook"]).stem] = data["reads"]
        return found

    def outputs_text(self, stem: str) -> str:
        folder = self.root / "_build" / EXEC_DIR
        for path in folder.glob("*.ipynb"):
            if path.stem.endswith(stem):
                nb = json.loads(path.read_text(encoding="utf-8"))
                parts = []
                for cell in nb["cells"]:
                    for out in cell.get("outputs", []):
                        for value in [out.get("text", "")] + list(out.get("data", {}).values()):
                            if isinstance(value, list):
                                value = "".join(value)
                            if isinstance(value, str) and not value.startswith("iVBOR"):
                                parts.append(value)
                return "\n".join(parts)
        return ""


# --------------------------------------------------------------------------- the one-value change

class ValueChange:
    """One observation row whose value a chapter shows; toggled between two values."""

    def __init__(self, book: Book, spec: str):
        self.book = book
        self.path = book.root / "data" / "observations.csv"
        text = self.path.read_text(encoding="utf-8")
        self.lines = text.splitlines()
        self.header = next(csv.reader([self.lines[0].lstrip("\ufeff")]))
        self.col = {name.strip(): i for i, name in enumerate(self.header)}
        self.readers: dict[str, set[str]] = {}
        self.line, self.shown_in = self._choose(spec)
        cells = next(csv.reader([self.lines[self.line]]))
        self.key = ",".join(cells[self.col[c]] for c in ("indicator", "region", "year", "period", "vintage"))
        self.original = cells[self.col["value"]]
        decimals = len(self.original.split(".")[1]) if "." in self.original else 0
        step = 7 * 10 ** -decimals
        self.values = [self.original, f"{float(self.original) + step:.{decimals}f}"]
        self.current = 0

    def _rows(self):
        for number, line in enumerate(self.lines[1:], start=1):
            if line.strip():
                yield number, next(csv.reader([line]))

    def _choose(self, spec: str) -> tuple[int, set[str]]:
        reads = self.book.reads()
        for stem, entries in reads.items():
            for kind, where, name, _value in entries:
                whole = ((kind, where, name) == ("table", "data", "observations")
                         or (kind, where) == ("file", "data/observations.csv"))
                if whole:
                    self.readers.setdefault("*", set()).add(stem)
                elif (kind, where) == ("observations", "data"):
                    self.readers.setdefault(name, set()).add(stem)
        texts = {stem: self.book.outputs_text(stem) for stem in reads}
        if spec != "auto":
            want = spec.split(",")
            for number, cells in self._rows():
                if [cells[self.col[c]] for c in ("indicator", "region", "year", "period", "vintage")] == want:
                    value = cells[self.col["value"]]
                    readers = self.expected_for(cells[self.col["indicator"]])
                    return number, {stem for stem in readers if _shown(value, texts.get(stem, ""))}
            sys.exit(f"--change {spec}: no such row in data/observations.csv")
        # the row of the indicator with the fewest readers whose value a reader shows verbatim
        indicators = sorted({ind for ind in self.readers if ind != "*"},
                            key=lambda ind: (len(self.expected_for(ind)), ind))
        for ind in indicators:
            for number, cells in reversed(list(self._rows())):
                if cells[self.col["indicator"]] != ind:
                    continue
                value = cells[self.col["value"]]
                if len(value.replace(".", "").lstrip("-0")) < 3:
                    continue  # too short to be recognisable in a page
                shown = {stem for stem in self.expected_for(ind) if _shown(value, texts.get(stem, ""))}
                if shown:
                    return number, shown
        for number, cells in self._rows():  # no kept results (another build): a known row, or the first
            if cells[self.col["indicator"]] == "gdp" and cells[self.col["vintage"]] == "census4":
                return number, set()
        return 1, set()

    def expected_for(self, indicator: str) -> set[str]:
        return self.readers.get(indicator, set()) | self.readers.get("*", set())

    @property
    def expected(self) -> set[str]:
        return self.expected_for(self.key.split(",")[0]) if self.readers else set()

    def toggle(self) -> str:
        self.current = 1 - self.current
        self._write(self.values[self.current])
        return self.values[self.current]

    def restore(self) -> None:
        self.current = 0
        self._write(self.original)

    def _write(self, value: str) -> None:
        cells = next(csv.reader([self.lines[self.line]]))
        cells[self.col["value"]] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        lines = list(self.lines)
        lines[self.line] = buf.getvalue()
        self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _shown(value: str, text: str) -> bool:
    return any(form in text for form in _forms(value))


def _forms(value: str) -> set[str]:
    decimals = len(value.split(".")[1]) if "." in value else 0
    return {value, f"{float(value):,.{decimals}f}"}


# --------------------------------------------------------------------------- measurements

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


def load_time(book: Book) -> tuple[float, float]:
    code = ("import time, json\nt0 = time.perf_counter()\nfrom jjj_book import data\nt1 = time.perf_counter()\n"
            "data.load('data')\nt2 = time.perf_counter()\nprint(json.dumps([t1 - t0, t2 - t1]))")
    _, out = book.run(sys.executable, "-c", code)
    imported, loaded = json.loads(out.strip().splitlines()[-1])
    return loaded, imported


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


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values),
            "values": [round(v, 3) for v in values]}


def main() -> int:
    ensure_venv()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    ap.add_argument("--suite-runs", type=int, default=None, help="runs of the test suite (default: --runs)")
    ap.add_argument("--only", default="a,b,b0,c,d,e,f,g",
                    help="comma-separated subset of a,b,b0,c,d,e,f,g (c includes c0)")
    ap.add_argument("--change", default="auto",
                    help="the row for (d): indicator,region,year,period,vintage (default: chosen from what chapters read)")
    ap.add_argument("--source", type=Path, default=REPO, help="the repository to measure (default: this one)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--update-readme", action="store_true", help="write the table into README.md's Build speed section")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    only = set(args.only.split(","))
    runs, suite_runs = args.runs, args.suite_runs or args.runs

    work = Path(tempfile.mkdtemp(prefix="jjj-bench-"))
    book = Book(args.source.resolve(), work)
    chapters = book.chapters()
    info = machine()
    info["load_before"] = [round(x, 2) for x in os.getloadavg()]
    print(f"scratch copy: {book.root}\nchapters: {', '.join(p.stem for p in chapters)}\n"
          f"machine: {info['cpu']}, {info['cores']} cores, {info.get('memory_gib', '?')} GiB, Python {info['python']}, "
          f"load average {info['load_before']}", flush=True)
    results: dict[str, dict] = {}
    checks: list[str] = []

    def record(key, values, **extra):
        results[key] = summary(values) | extra
        r = results[key]
        print(f"  ({key}) median {r['median']:.2f} s  [{r['min']:.2f}–{r['max']:.2f}]  {extra or ''}", flush=True)

    if "f" in only:
        print("(f) load and validate the data package", flush=True)
        pairs = [load_time(book) for _ in range(max(runs, 5))]
        record("f", [p[0] for p in pairs], import_seconds=statistics.median(p[1] for p in pairs))

    if "a" in only:
        print("(a) every chapter with nbclient, one after another", flush=True)
        values, each = [], {}
        for _ in range(runs):
            total, per = floor(book, chapters)
            values.append(total)
            for k, v in per.items():
                each.setdefault(k, []).append(v)
        record("a", values, chapters={k: round(statistics.median(v), 2) for k, v in each.items()})

    if only & {"b", "b0", "c", "d"}:
        print("(b) cold build", flush=True)
        values = []
        for _ in range(runs if "b" in only else 1):
            book.clean()
            seconds, _out, ran = book.build()
            values.append(seconds)
        if "b" in only:
            record("b", values, executed=sorted(ran))

    if "c" in only:
        print("(c) rebuild, nothing changed", flush=True)
        values = []
        for _ in range(runs):
            seconds, out, ran = book.build()
            values.append(seconds)
            if ran or "0 added, 0 changed, 0 removed" not in out:
                checks.append(f"(c) FAILED: a no-change rebuild executed {sorted(ran)} or re-read pages")
        record("c", values)
        print("(c0) the same, Sphinx run anyway (jupyter-book build, no up-to-date check)", flush=True)
        values = []
        for _ in range(runs):
            seconds, out = book.run(str(book.bin / "jupyter-book"), "build", str(book.root),
                                    "--warningiserror", "--keep-going")
            values.append(seconds)
            if EXECUTING.search(out):
                checks.append("(c0) FAILED: a no-change Sphinx build executed a chapter")
        record("c0", values)

    if "b0" in only:
        print("(b0) Sphinx alone (chapter results kept, the rest of _build removed)", flush=True)
        values = []
        if not (book.root / "_build" / EXEC_DIR).is_dir():
            print("  (no kept chapter results in this version of the build: not measured)")
        else:
            for _ in range(runs):
                book.clean(keep_results=True)
                seconds, _out, ran = book.build()
                if ran:
                    checks.append(f"(b0) executed {sorted(ran)}: not Sphinx alone")
                values.append(seconds)
            record("b0", values)

    if "d" in only:
        print("(d) rebuild after a one-value data change", flush=True)
        change = ValueChange(book, args.change)
        print(f"  row {change.key}: value {change.values[0]} ⇄ {change.values[1]}; "
              f"chapters that read it: {sorted(change.expected) if change.readers else 'unknown (no kept results)'}",
              flush=True)
        before_pages = book.pages()
        values, all_ran = [], []
        for i in range(runs):
            new_value = change.toggle()
            seconds, _out, ran = book.build()
            values.append(seconds)
            all_ran.append(sorted(ran))
            pages = book.pages()
            if change.readers and ran != change.expected:
                checks.append(f"(d) FAILED: executed {sorted(ran)}, expected exactly {sorted(change.expected)}")
            for stem in change.shown_in:
                page = next((v for k, v in pages.items() if k.endswith(f"{stem}.html")), b"").decode("utf-8")
                if not _shown(new_value, page):
                    checks.append(f"(d) FAILED: {stem}.html does not show the new value {new_value}")
            if i == 0:
                changed = sorted(k for k in pages if pages[k] != before_pages.get(k))
                print(f"  pages changed: {changed}", flush=True)
                # an incremental build must give the pages a clean build of the same data gives
                fresh = Book(book.root, work, "fresh")
                fresh.build()
                differ = [k for k, v in fresh.pages().items() if pages.get(k) != v]
                checks.append("(d) incremental == clean build: " + ("yes, every page" if not differ
                                                                    else f"FAILED for {differ} (clean build kept "
                                                                         f"in {fresh.root})"))
                if not differ:
                    shutil.rmtree(fresh.root)
                else:
                    args.keep = True
        if change.shown_in and not any(c.startswith("(d) FAILED") for c in checks):
            checks.append(f"(d) the page of {', '.join(sorted(change.shown_in))} shows the new value after each change: yes")
        record("d", values, executed=all_ran, expected=sorted(change.expected), row=change.key,
               shown_in=sorted(change.shown_in))
        change.restore()
        book.build()

    if "e" in only and chapters:
        print(f"(e) jjj-book run {chapters[0].stem}", flush=True)
        values = []
        for i in range(runs):
            seconds, _ = book.run(str(book.bin / "jjj-book"), "run", chapters[0].stem, "--data-dir", "data",
                                  "--output", str(work / "runs" / str(i)), "-q")
            values.append(seconds)
        record("e", values, chapter=chapters[0].stem)

    if "g" in only:
        print("(g) test suite (fresh copy each run)", flush=True)
        values, outcome = [], ""
        for i in range(suite_runs):
            suite = Book(args.source.resolve(), work, f"suite{i}")
            seconds, out = suite.run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", check=False)
            values.append(seconds)
            outcome = (re.findall(r"^=*\s*(\d+ (?:passed|failed).*?) in [\d.]+s", out, re.M) or ["?"])[-1]
            shutil.rmtree(suite.root, ignore_errors=True)
        record("g", values, outcome=outcome)

    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    table = render(results, checks, info, chapters)
    print("\n" + table)
    payload = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": info,
               "chapters": [p.stem for p in chapters], "results": results, "checks": checks}
    out = args.json or (work / "results.json")
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nresults: {out}")
    if args.update_readme:
        update_readme(REPO / "README.md", table)
        print("README.md: Build speed table updated")
    if not args.keep:
        shutil.rmtree(book.root, ignore_errors=True)
    return 1 if any("FAILED" in c for c in checks) else 0


TARGETS = {"a": "—", "b": "≤ 1.3 × (a) + (b0)", "b0": "—", "c": "≤ 3 s", "c0": "—", "d": "exactly the chapters that read the value",
           "e": "≤ 3 s", "f": "≤ 0.2 s", "g": "≤ 60 s"}
LABELS = {"a": "(a) every chapter with nbclient, one after another (floor)",
          "b": "(b) cold `jjj-book build` (no `_build`)",
          "b0": "(b0) Sphinx alone (chapter results kept, rest of `_build` removed)",
          "c": "(c) rebuild, nothing changed",
          "c0": "(c0) the same, Sphinx run anyway (`jupyter-book build`)",
          "d": "(d) rebuild after a one-value data change",
          "e": "(e) `jjj-book run` of one chapter",
          "f": "(f) load + validate the data package (in process)",
          "g": "(g) test suite (`python -m pytest`, fresh copy)"}


def render(results: dict, checks: list[str], info: dict, chapters: list[Path]) -> str:
    def met(key: str) -> str:
        r = results[key]
        limit = {"c": 3.0, "e": 3.0, "f": 0.2, "g": 60.0}.get(key)
        if limit is not None:
            return "yes" if r["median"] <= limit else "**no**"
        if key == "b" and "a" in results and "b0" in results:
            return "yes" if r["median"] <= 1.3 * results["a"]["median"] + results["b0"]["median"] else "**no**"
        if key == "d":
            return "**no**" if any(c.startswith("(d) FAILED") for c in checks) else ("yes" if r.get("expected") else "?")
        return ""

    lines = [f"Measured {datetime.now().strftime('%Y-%m-%d')} on {info['cpu']}, {info['cores']} cores, "
             f"{info.get('memory_gib', '?')} GiB, {info['system']}, Python {info['python']}; "
             f"load average before/after {info['load_before'][0]}/{info['load_after'][0]}; "
             f"{len(chapters)} chapters ({', '.join(p.stem for p in chapters)}).",
             "", "| what | median | range | runs | target | met |", "|---|---:|---:|---:|---|---|"]
    for key in ("a", "b", "b0", "c", "c0", "d", "e", "f", "g"):
        if key not in results:
            continue
        r = results[key]
        unit = (lambda v: f"{v * 1000:.0f} ms") if key == "f" else (lambda v: f"{v:.1f} s")
        lines.append(f"| {LABELS[key]} | {unit(r['median'])} | {unit(r['min'])}–{unit(r['max'])} | {r['runs']} "
                     f"| {TARGETS[key]} | {met(key)} |")
    lines.append("")
    if "a" in results and "b" in results:
        lines.append(f"- (b)/(a) = {results['b']['median'] / results['a']['median']:.2f}"
                     + (f"; ((b) − (b0))/(a) = {(results['b']['median'] - results['b0']['median']) / results['a']['median']:.2f}"
                        if "b0" in results else ""))
    if "a" in results and "d" in results:
        lines.append(f"- (d)/(a) = {results['d']['median'] / results['a']['median']:.2f}")
    if "a" in results:
        lines.append("- (a) per chapter: " + ", ".join(f"{k} {v:.1f} s" for k, v in results["a"]["chapters"].items()))
    if "d" in results:
        d = results["d"]
        lines.append(f"- (d) changed `{d['row']}`; read by {', '.join(d['expected']) or '?'}; "
                     f"executed again: {'; '.join(', '.join(r) or '—' for r in d['executed'])}")
    if "f" in results:
        lines.append(f"- (f) importing `jjj_book.data` (pandas) takes another {results['f']['import_seconds'] * 1000:.0f} ms")
    if "g" in results:
        lines.append(f"- (g) {results['g']['outcome']}")
    lines += [f"- {c}" for c in checks]
    return "\n".join(lines)


def update_readme(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    if MARK_START not in text or MARK_END not in text:
        sys.exit(f"{path} has no {MARK_START} … {MARK_END} section")
    head, rest = text.split(MARK_START, 1)
    _, tail = rest.split(MARK_END, 1)
    path.write_text(f"{head}{MARK_START}\n{table}\n{MARK_END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
