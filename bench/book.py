"""The scratch copy of the book the benchmark works on, and the one-value data change of (d)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "_staging", "__pycache__", "*.egg-info",
                                "test-output", ".ipynb_checkpoints", ".pytest_cache")
EXEC_DIR = ".jjj-execute"
# An executed chapter: `jjj-book build` prints a progress line ("  [####----] 3/11  01_status   3.2 s"),
# a verbose build or `jupyter-book build` the log line "Executing notebook chapters/01_status.ipynb (why)".
EXECUTING = re.compile(r"^  \[[#-]+\] +\d+/\d+  (\S+) |Executing notebook \S*?([^/\s]+)\.ipynb", re.M)


class Book:
    def __init__(self, source: Path, workdir: Path, name: str = "book"):
        self.root = workdir / name
        shutil.copytree(source, self.root, ignore=IGNORE)
        self.bin = Path(sys.executable).parent
        # the copy's own helper package, whatever the .venv's editable install points at
        self.env = dict(os.environ, JJJ_BOOK_ROOT=str(self.root), PYTHONPATH=str(self.root / "src"))
        self.env.pop("JJJ_BOOK_WORKERS", None)

    def run(self, *command: str, check: bool = True, cwd: Path | None = None) -> tuple[float, str]:
        """Run a command in the copy: (wall seconds, output); its CPU seconds (user + system, with every
        process it waited for) in ``last_cpu``, a figure the machine's load does not inflate much."""
        t0, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(list(command), cwd=cwd or self.root, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)
        if check and done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        return seconds, done.stdout + done.stderr

    def build(self) -> tuple[float, str, set[str]]:
        seconds, out = self.run(str(self.bin / "jjj-book"), "build")
        ran = {a or b for a, b in EXECUTING.findall(out)}
        return seconds, out, ran

    def chapters(self) -> list[Path]:
        """The notebooks _toc.yml lists, in its order."""
        from jjj_book.book import notebooks

        return [page.path for page in notebooks(self.root)]

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
                    return number, {stem for stem in readers if shown(value, texts.get(stem, ""))}
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
                pages = {stem for stem in self.expected_for(ind) if shown(value, texts.get(stem, ""))}
                if pages:
                    return number, pages
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


def shown(value: str, text: str) -> bool:
    return any(form in text for form in _forms(value))


def _forms(value: str) -> set[str]:
    decimals = len(value.split(".")[1]) if "." in value else 0
    return {value, f"{float(value):,.{decimals}f}"}
