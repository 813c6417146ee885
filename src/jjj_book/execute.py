"""Execute the book's chapters before Sphinx reads them: in parallel, and only when needed.

jupyter-book 1.x executes notebooks one after another while Sphinx reads them, and it
cannot tell which chapters a data change affects. The book build therefore executes the
chapters itself (:mod:`jjj_book.sphinx_ext` calls :func:`execute_stale` when the builder
starts) and myst-nb only renders the executed copies (``execute_notebooks: "off"``).

A chapter's result is kept in ``_build/.jjj-execute/`` together with the fingerprint of
everything it was computed from:

- its code cells (source and tags) and kernel;
- the helper package ``jjj_book`` (every file in it, fonts included);
- the Python environment (interpreter and installed distributions) and the execution
  settings (timeout, allow_errors);
- the data it read, learned while it ran: the data package notes each table and each
  indicator's observations a chapter reads (:mod:`jjj_book.reads`), and an audit hook
  notes every other file or folder of the book it opens or lists.

A result is served only if every part of that fingerprint is unchanged; otherwise the
chapter is executed again. Reads are recorded by the execution itself, so a chapter
whose code, helpers and data are unchanged would read the same things again. A chapter
that fails keeps no result: it is executed (and fails) again on the next build. A
result whose inputs changed while the chapter ran is used for this build but not kept.

The whole build (``jjj-book build``) is skipped when nothing it reads or writes changed since
the last successful one (:func:`up_to_date`, :func:`write_stamp`).

Only the standard library is imported at module level: the kernel imports this module
to track a chapter's reads.
"""

from __future__ import annotations

import asyncio
import csv
import fnmatch
import hashlib
import io
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SCHEME = 1                     # bump when the meaning of a fingerprint changes
CACHE_DIR = ".jjj-execute"     # under the build folder (_build)
PACKAGE_DIR = Path(__file__).resolve().parent
_SKIP_TOP = {"_build", ".git", ".venv", ".ipynb_checkpoints", ".pytest_cache"}


@dataclass(frozen=True)
class Settings:
    """How chapters are executed (from the book's ``execute:`` configuration)."""

    timeout: int | None = 300
    allow_errors: bool = False
    workers: int = 0                      # 0: one per CPU core
    exclude: tuple[str, ...] = ()         # glob patterns of notebooks not to execute

    def fingerprint(self) -> str:
        return _sha(json.dumps({"timeout": self.timeout, "allow_errors": self.allow_errors}))

    def worker_count(self, jobs: int) -> int:
        wanted = self.workers or int(os.environ.get("JJJ_BOOK_WORKERS", 0) or 0) or (os.cpu_count() or 1)
        return max(1, min(wanted, jobs))


@dataclass
class Outcome:
    """What happened to one chapter in this build."""

    notebook: str                 # path relative to the book root
    executed: bool = False        # False: an earlier result was up to date
    reason: str = ""              # why it was (re-)executed
    seconds: float = 0.0
    error: str | None = None      # the failure, located (cell number, exception)
    warning: str | None = None    # the result is used but not kept


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def executed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.executed]


def _sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


# --------------------------------------------------------------------------- fingerprints

def code_fingerprint(nb: dict) -> str:
    """What execution depends on in the notebook itself: code cells, their tags, the kernel."""
    cells = [[c.get("source", ""), sorted(c.get("metadata", {}).get("tags", []))]
             for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    cells = [["".join(s) if isinstance(s, list) else s, t] for s, t in cells]
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name", "")
    return _sha(json.dumps({"cells": cells, "kernel": kernel}, ensure_ascii=False))


def tree_fingerprint(folder: Path) -> str:
    """Every file under a folder (names and bytes), caches excluded."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def environment_fingerprint() -> str:
    """The interpreter, the environment, and the names+versions of the installed distributions."""
    found = [sys.version, sys.prefix, os.path.realpath(sys.executable)]
    for entry in sys.path:
        if os.path.isdir(entry) and ("site-packages" in entry or "dist-packages" in entry):
            found += sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info", ".egg-link")))
    return _sha("\n".join(found))


class Inputs:
    """Current fingerprints of a book's inputs, each computed at most once per build."""

    def __init__(self, root: Path, cache: Path | None = None):
        self.root = root.resolve()
        self.cache = cache
        self._memo: dict[tuple, str] = {}

    def _memoised(self, key: tuple, compute: Callable[[], str]) -> str:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def helpers(self) -> str:
        return self._memoised(("helpers",), lambda: tree_fingerprint(PACKAGE_DIR))

    def environment(self) -> str:
        return self._memoised(("environment",), environment_fingerprint)

    # --- paths: kept relative to the book root when inside it
    def where(self, path: str | Path) -> str:
        path = Path(path)
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def path(self, where: str) -> Path:
        return self.root / where if not os.path.isabs(where) else Path(where)

    # --- data
    def value(self, kind: str, where: str, name: str = "") -> str:
        """The current fingerprint of one read (see :mod:`jjj_book.reads`)."""
        return self._memoised((kind, where, name), lambda: self._value(kind, where, name))

    def _value(self, kind: str, where: str, name: str) -> str:
        path = self.path(where)
        if kind == "file":
            return _sha(path.read_bytes()) if path.is_file() else "absent"
        if kind == "dir":
            return _sha("\n".join(sorted(os.listdir(path)))) if path.is_dir() else "absent"
        if kind == "package":
            return self._package(path)
        resources = self._resources(path)
        if resources is None:  # no descriptor laid out as jjj_book.data reads it: any change counts
            return "whole:" + self._whole(path)
        if kind == "table":
            res = resources.get(name)
            return _sha(res.read_bytes()) if res is not None and res.is_file() else "absent"
        if kind == "observations":
            groups, whole = self._indicator_rows(path, resources)
            return whole or groups.get(name, "absent")
        raise ValueError(f"unknown kind of read {kind!r}")

    def _resources(self, root: Path) -> dict[str, Path] | None:
        def compute():
            try:
                descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8-sig"))
                return {r["name"]: root / r["path"] for r in descriptor["resources"]}
            except (OSError, ValueError, KeyError, TypeError):
                return None
        key = ("resources", str(root))
        if key not in self._memo:
            self._memo[key] = compute()  # type: ignore[assignment]
        return self._memo[key]  # type: ignore[return-value]

    def _whole(self, root: Path) -> str:
        """Every file of a data package: those in its folder and every resource file it lists."""
        def compute():
            files = set(p for p in root.glob("*") if p.is_file()) if root.is_dir() else set()
            files |= {p for p in (self._resources(root) or {}).values() if p.is_file()}
            return _sha(b"".join(str(p.relative_to(root) if p.is_relative_to(root) else p).encode() + b"\0"
                                 + hashlib.sha256(p.read_bytes()).digest() for p in sorted(files)))
        return self._memoised(("whole", str(root)), compute)

    def _package(self, root: Path) -> str:
        """The descriptor, plus whether the package is valid (validated only when its files changed)."""
        whole = self._whole(root)
        descriptor = root / "datapackage.json"
        head = _sha(descriptor.read_bytes()) if descriptor.is_file() else "absent"
        known = self._validity_memo()
        key = _sha(f"{self.helpers()} {self.environment()} {whole}")  # the validating code counts too
        if key not in known:
            from jjj_book import data  # pandas: only when the data or the code changed

            known[key] = not data.validate(root)
            self._save_validity(known)
        # an invalid package counts as changed whenever any of its files changes
        return head + (":valid" if known[key] else ":invalid:" + whole)

    def _validity_memo(self) -> dict[str, bool]:
        if "validity" not in self._memo:
            memo = {}
            if self.cache is not None and (self.cache / "validity.json").is_file():
                try:
                    memo = json.loads((self.cache / "validity.json").read_text(encoding="utf-8"))
                except ValueError:
                    memo = {}
            self._memo["validity"] = memo  # type: ignore[assignment]
        return self._memo["validity"]  # type: ignore[return-value]

    def _save_validity(self, known: dict[str, bool]) -> None:
        if self.cache is not None:
            recent = dict(list(known.items())[-50:])
            _write_atomic(self.cache / "validity.json", json.dumps(recent).encode())

    def _indicator_rows(self, root: Path, resources: dict[str, Path]) -> tuple[dict[str, str], str | None]:
        """Fingerprint of each indicator's observation rows, as jjj_book.data reads them.

        The second item, when not None, stands for every indicator: the file is not laid out
        as expected, so any change to it counts for all.
        """
        key = ("indicator-rows", str(root))
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        path = resources.get("observations")
        result: tuple[dict[str, str], str | None] = ({}, "absent")
        if path is not None and path.is_file():
            raw = path.read_bytes()
            try:
                rows = list(csv.reader(io.StringIO(raw.decode("utf-8").lstrip("\ufeff"), newline="")))
            except (UnicodeDecodeError, csv.Error):
                rows = []
            header = [h.strip() for h in rows[0]] if rows else []
            if "indicator" in header:
                col = header.index("indicator")
                body = [r for r in rows[1:] if any(c.strip() for c in r)]
                # which columns are ever empty / always empty: it can change a column's dtype
                shape = [[any(len(r) <= i or not r[i].strip() for r in body),
                          all(len(r) <= i or not r[i].strip() for r in body)] for i in range(len(header))]
                groups: dict[str, list[list[str]]] = {}
                for r in body:
                    groups.setdefault(r[col].strip() if len(r) > col else "", []).append(r)
                common = json.dumps([header, shape])
                result = ({ind: _sha(common + json.dumps(rs, ensure_ascii=False)) for ind, rs in groups.items()}, None)
            else:
                result = ({}, "whole:" + _sha(raw))
        self._memo[key] = result  # type: ignore[assignment]
        return result


# --------------------------------------------------------------------------- the cache

def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def _key(rel: str) -> str:
    return rel.removesuffix(".ipynb").replace("/", "--")


def result_path(cache: Path, rel: str) -> Path:
    """The executed copy of a notebook (what Sphinx renders; a page notes it as a dependency)."""
    return cache / f"{_key(rel)}.ipynb"


def _entry_path(cache: Path, rel: str) -> Path:
    return cache / f"{_key(rel)}.json"


def forget(cache: Path, rel: str) -> None:
    _entry_path(cache, rel).unlink(missing_ok=True)
    result_path(cache, rel).unlink(missing_ok=True)


def static_parts(nb: dict, inputs: Inputs, settings: Settings) -> dict[str, str]:
    return {"code": code_fingerprint(nb), "helpers": inputs.helpers(),
            "environment": inputs.environment(), "settings": settings.fingerprint()}


_PART_NAMES = {"code": "its code changed", "helpers": "the jjj_book package changed",
               "environment": "the Python environment changed", "settings": "the execution settings changed"}


def staleness(notebook: Path, inputs: Inputs, cache: Path, settings: Settings,
              nb: dict | None = None) -> str | None:
    """None if the kept result of ``notebook`` is up to date, else why it must be executed."""
    rel = inputs.where(notebook)
    try:
        entry = json.loads(_entry_path(cache, rel).read_text(encoding="utf-8"))
        output = result_path(cache, rel).read_bytes()
    except (OSError, ValueError):
        return "no earlier result"
    if entry.get("scheme") != SCHEME or entry.get("output") != _sha(output):
        return "no earlier result"
    if nb is None:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    now = static_parts(nb, inputs, settings)
    for part, value in now.items():
        if entry["static"].get(part) != value:
            return _PART_NAMES[part]
    changed = [_describe(kind, where, name) for kind, where, name, value in entry["reads"]
               if inputs.value(kind, where, name) != value]
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        return f"data it read changed: {shown}"
    return None


def _describe(kind: str, where: str, name: str) -> str:
    if kind == "observations":
        return f"{where} observations of {name}"
    if kind == "table":
        return f"{where} table {name}"
    if kind == "package":
        return f"{where} (descriptor or validity)"
    return f"{where}"


# --------------------------------------------------------------------------- executing

def _setup_code(root: Path, skip: list[str], report: Path) -> str:
    return (f"__import__('jjj_book.execute', fromlist=['_']).kernel_begin("
            f"{str(root)!r}, {skip!r}, {str(report)!r})")


_END_CODE = "__import__('jjj_book.execute', fromlist=['_']).kernel_end()"


async def _execute(notebook: Path, inputs: Inputs, settings: Settings, report: Path):
    """Execute one notebook in its folder; return (executed notebook, tracking report)."""
    import nbclient
    import nbformat
    from nbclient.util import ensure_async

    nb = nbformat.read(notebook, as_version=4)
    skip = [str(PACKAGE_DIR)]

    class Client(nbclient.NotebookClient):
        async def _silent(self, code: str) -> None:
            msg_id = await ensure_async(self.kc.execute(code, silent=True, store_history=False, allow_stdin=False))
            reply = await self.async_wait_for_reply(msg_id)
            content = (reply or {}).get("content", {})
            if content.get("status") != "ok":
                raise RuntimeError(f"the build's read tracker failed in the kernel: "
                                   f"{content.get('ename')}: {content.get('evalue')}")

        async def run(self) -> None:
            self.reset_execution_trackers()
            async with self.async_setup_kernel():
                info = await self.async_wait_for_reply(await ensure_async(self.kc.kernel_info()))
                if info is not None and "language_info" in info["content"]:
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                await self._silent(_setup_code(inputs.root, skip, report))
                for index, cell in enumerate(self.nb.cells):
                    self.current_index = index
                    await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
                self.set_widgets_metadata()
                await self._silent(_END_CODE)

    client = Client(nb, timeout=settings.timeout, allow_errors=settings.allow_errors, record_timing=False,
                    resources={"metadata": {"path": str(notebook.parent)}})
    client.current_index = -1
    try:
        await client.run()
    except nbclient.exceptions.CellExecutionError as exc:
        raise ChapterError(f"cell {client.current_index + 1} failed: {exc.ename}: {exc.evalue}\n{exc}") from None
    except nbclient.exceptions.CellTimeoutError as exc:
        raise ChapterError(f"cell {client.current_index + 1} timed out: {exc}") from None
    except nbclient.exceptions.DeadKernelError as exc:
        raise ChapterError(f"the kernel died in cell {client.current_index + 1}: {exc}") from None
    tracked = json.loads(report.read_text(encoding="utf-8"))
    return nb, tracked


class ChapterError(Exception):
    """A chapter failed to execute (the message says where and why)."""


def _store(root: Path, notebook: Path, nb, tracked: dict, before: dict[str, str], settings: Settings,
           cache: Path, seconds: float) -> tuple[str | None, str | None]:
    """Keep an executed notebook and its fingerprint.

    Returns (warning, note): a warning when the result cannot be kept because an input
    changed while the chapter ran, a note when it is not kept for another reason.
    """
    import nbformat

    inputs = Inputs(root, cache)  # fresh: no value computed before the chapter ran
    rel = inputs.where(notebook)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    join_streams(nb)
    content = nbformat.writes(nb).encode("utf-8")
    path = result_path(cache, rel)
    if not (path.is_file() and path.read_bytes() == content):
        _write_atomic(path, content)  # an unchanged result keeps its date: Sphinx need not re-read the page
    _entry_path(cache, rel).unlink(missing_ok=True)
    if tracked.get("error"):
        return f"{rel}: the result is used in this build but not kept: reads could not be tracked ({tracked['error']})", None
    if tracked.get("prefix") != sys.prefix or tracked.get("package") != str(PACKAGE_DIR):
        return None, (f"{rel}: the kernel runs the Python in {tracked.get('prefix')} with jjj_book from "
                      f"{tracked.get('package')}, not this build's ({sys.prefix}, {PACKAGE_DIR}): the result is not kept")
    after = static_parts(nb, inputs, settings)
    moved = [part for part in after if after[part] != before.get(part)]
    moved += [inputs.where(f) for f, stat in tracked.get("files", {}).items() if _stat(f) != (stat and tuple(stat))]
    if moved:
        return (f"{rel}: the result is used in this build but not kept: {', '.join(moved[:3])} "
                f"changed while the chapter ran; build again"), None
    reads = []
    for kind, where, name in sorted({(k, inputs.where(w), n) for k, w, n in tracked["notes"]}):
        reads.append([kind, where, name, inputs.value(kind, where, name)])
    entry = {"scheme": SCHEME, "notebook": rel, "static": after, "reads": reads,
             "seconds": round(seconds, 3), "output": _sha(content),
             "executed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    _write_atomic(_entry_path(cache, rel), json.dumps(entry, ensure_ascii=False, indent=1).encode("utf-8"))
    return None, None


def join_streams(nb) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one, text unchanged.

    How a kernel's output is cut into messages depends on timing, and myst-nb's
    ``nb_merge_streams`` joins the pieces lossily (it strips each piece's trailing
    whitespace), so the same chapter could render differently from run to run.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        joined = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and joined and joined[-1].get("output_type") == "stream"
                    and joined[-1].get("name") == out.get("name")):
                joined[-1]["text"] = "".join(joined[-1]["text"]) + "".join(out["text"])
            else:
                joined.append(out)
        cell["outputs"] = joined


def _stat(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def execute_stale(root: Path, notebooks: list[Path], cache: Path, settings: Settings = Settings(),
                  log: Callable[[str], None] = print, force: bool = False, runner=None) -> Report:
    """Execute, in parallel, every notebook whose kept result is not up to date.

    ``runner`` (tests only) replaces the kernel: an async function taking (notebook,
    inputs, settings, report file) and returning (executed notebook, tracking report).
    """
    started = time.perf_counter()
    inputs = Inputs(root, cache)
    cache.mkdir(parents=True, exist_ok=True)
    report = Report()
    jobs = []
    for notebook in notebooks:
        rel = inputs.where(notebook)
        outcome = Outcome(rel)
        report.outcomes.append(outcome)
        if any(fnmatch.fnmatch(rel, pat) for pat in settings.exclude):
            continue
        raw = json.loads(notebook.read_text(encoding="utf-8"))
        reason = "a full rebuild was asked for" if force else staleness(notebook, inputs, cache, settings, raw)
        if reason is not None:
            outcome.executed, outcome.reason = True, reason
            jobs.append((notebook, outcome, static_parts(raw, inputs, settings)))
    if jobs:
        # longest first (by the last known duration), so the workers finish together
        def last_seconds(job):
            try:
                return json.loads(_entry_path(cache, job[1].notebook).read_text(encoding="utf-8"))["seconds"]
            except (OSError, ValueError, KeyError):
                return float("inf")
        jobs.sort(key=last_seconds, reverse=True)
        report.workers = settings.worker_count(len(jobs))
        _run_async(lambda: _run_jobs(jobs, inputs, settings, cache, report.workers, log, runner or _execute))
    report.seconds = time.perf_counter() - started
    return report


def _run_async(make_coroutine) -> None:
    """Run a coroutine to completion, in a thread of its own if this one already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make_coroutine())
        return
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make_coroutine())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=target, name="jjj_book.execute")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


async def _run_jobs(jobs, inputs: Inputs, settings: Settings, cache: Path, workers: int, log, runner) -> None:
    gate = asyncio.Semaphore(workers)

    async def one(notebook: Path, outcome: Outcome, before: dict[str, str]) -> None:
        async with gate:
            log(f"Executing notebook {outcome.notebook} ({outcome.reason})")
            _entry_path(cache, outcome.notebook).unlink(missing_ok=True)  # never served again, whatever happens
            report_file = cache / f".{_key(outcome.notebook)}.reads.{os.getpid()}.json"
            t0 = time.perf_counter()
            try:
                nb, tracked = await runner(notebook, inputs, settings, report_file)
            except ChapterError as exc:
                outcome.error = str(exc)
            except Exception as exc:  # noqa: BLE001 - a kernel that cannot start, etc.
                outcome.error = f"{type(exc).__name__}: {exc}"
            finally:
                report_file.unlink(missing_ok=True)
            outcome.seconds = time.perf_counter() - t0
            if outcome.error is None:
                outcome.warning, note = _store(inputs.root, notebook, nb, tracked, before, settings, cache,
                                               outcome.seconds)
                log(f"Executed {outcome.notebook} in {outcome.seconds:.1f} s" + (f"; {note}" if note else ""))
            else:
                forget(cache, outcome.notebook)  # and no page can be rendered from it
                log(f"Executing notebook {outcome.notebook} failed after {outcome.seconds:.1f} s")

    await asyncio.gather(*(one(*job) for job in jobs))


def merged_source(source: str, executed: dict) -> str:
    """The notebook as written (prose, tags, metadata) with the outputs of its executed copy."""
    nb = json.loads(source)
    done = [c for c in executed.get("cells", []) if c.get("cell_type") == "code"]
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    if len(done) != len(code):
        raise ValueError("the executed copy does not match the notebook")
    for cell, ran in zip(code, done):
        cell["outputs"] = ran.get("outputs", [])
        cell["execution_count"] = ran.get("execution_count")
    if "language_info" in executed.get("metadata", {}):
        nb.setdefault("metadata", {})["language_info"] = executed["metadata"]["language_info"]
    return json.dumps(nb, ensure_ascii=False)


# --------------------------------------------------------------------------- in the kernel

_KERNEL: dict = {}


def kernel_begin(root: str, skip: list[str], report: str) -> None:
    """Start noting what this kernel reads (run silently before a chapter's first cell)."""
    from jjj_book import reads

    reads.notes = set()
    state = _KERNEL
    real = os.path.realpath(root)
    state.update(root=real, prefixes=tuple({real + os.sep, os.path.abspath(root) + os.sep}),
                 skip=[os.path.realpath(s) for s in skip], report=report, files={}, error=None,
                 local=threading.local())
    if not state.get("hooked"):
        sys.addaudithook(_audit)
        state["hooked"] = True


def kernel_end() -> None:
    """Write what the chapter read to the report file (run silently after its last cell)."""
    from jjj_book import reads

    notes = sorted(reads.notes or ())
    reads.notes = None
    state = _KERNEL
    with open(state["report"], "w", encoding="utf-8") as fh:
        json.dump({"notes": notes, "files": state["files"], "error": state["error"],
                   "prefix": sys.prefix, "package": str(Path(reads.__file__).resolve().parent)}, fh)
    state["report"] = None


def _audit(event: str, args: tuple) -> None:
    if event not in ("open", "os.listdir", "os.scandir"):
        return
    state = _KERNEL
    if not state.get("report"):
        return
    local = state["local"]
    if getattr(local, "busy", False):
        return
    local.busy = True
    try:
        _note_path(event, args, state)
    except Exception as exc:  # noqa: BLE001 - never break a chapter; refuse to keep its result instead
        state["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        local.busy = False


def _note_path(event: str, args: tuple, state: dict) -> None:
    target = args[0] if args else None
    if target is None or isinstance(target, int):
        return  # a file descriptor: its open was seen already
    path = os.path.abspath(os.fsdecode(os.fspath(target)))
    root = state["root"]
    if not path.startswith(state["prefixes"]):
        return  # outside the book (the interpreter, its libraries, caches)
    path = os.path.realpath(path)
    if not path.startswith(root + os.sep):
        return
    if "__pycache__" in path.split(os.sep) and path.endswith(".pyc"):
        import importlib.util

        try:
            path = importlib.util.source_from_cache(path)  # a local module: its source counts
        except ValueError:
            return
    if any(path == s or path.startswith(s + os.sep) for s in state["skip"]):
        return
    if os.path.relpath(path, root).split(os.sep)[0] in _SKIP_TOP:
        return
    if event == "open":
        if path not in state["files"]:
            st = _stat(path)
            state["files"][path] = list(st) if st else None
        if _inside_data_loader():
            return  # the data package notes these reads itself, table by table
        kind = "file"
    else:
        if "importlib" in sys._getframe(2).f_code.co_filename:
            # the import system and importlib.metadata scanning sys.path (modules are noted when
            # opened; installed distributions are part of the environment fingerprint)
            return
        kind = "dir"
    from jjj_book import reads

    if reads.notes is not None:
        reads.notes.add((kind, path, ""))


def _inside_data_loader() -> bool:
    data = sys.modules.get("jjj_book.data")
    load = getattr(data, "_load", None)
    code = getattr(load, "__code__", None)
    if code is None:
        return False
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


# --------------------------------------------------------------------------- the whole build

STAMP = ".jjj-build-stamp.json"   # under _build: the state right after the last successful build
_NOT_INPUTS = {"_build", ".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints", "test-output"}


def build_inputs(root: Path) -> dict[str, str]:
    """Everything outside _build that a build could read: every file of the book (content
    digests), the helper package, the Python environment, and what chapters read outside the book."""
    root = root.resolve()
    found: dict[str, str] = {"": _sha(json.dumps({"root": str(root), "environment": environment_fingerprint(),
                                                   "helpers": tree_fingerprint(PACKAGE_DIR),
                                                   "vars": {k: os.environ.get(k) for k in
                                                            ("SOURCE_DATE_EPOCH", "LANG", "LC_ALL", "PYTHONPATH")}}))}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_INPUTS and not d.endswith(".egg-info"))
        for name in files:
            path = Path(folder, name)
            try:
                with open(path, "rb") as fh:
                    digest = hashlib.file_digest(fh, "sha256").hexdigest()
            except OSError as exc:  # a dangling link, a file removed meanwhile: its state still counts
                digest = f"unreadable: {exc.strerror}"
            found[path.relative_to(root).as_posix()] = digest
    cache = root / "_build" / CACHE_DIR
    for entry in sorted(cache.glob("*.json")) if cache.is_dir() else []:
        try:
            reads = json.loads(entry.read_text(encoding="utf-8")).get("reads", [])
        except ValueError:
            continue
        for kind, where, _name, _value in reads:
            if os.path.isabs(where):  # read outside the book: its current state counts too
                path = Path(where)
                found[where] = (_sha(path.read_bytes()) if path.is_file() else
                                _sha("\n".join(sorted(os.listdir(path)))) if path.is_dir() else "absent")
    return found


def build_outputs(root: Path) -> dict[str, list[int]]:
    """Size and date of every file under _build (the build's own outputs and caches)."""
    build = root.resolve() / "_build"
    found = {}
    for folder, _dirs, files in os.walk(build):
        for name in files:
            path = Path(folder, name)
            if path.name == STAMP and path.parent == build:
                continue
            st = _stat(str(path))
            found[path.relative_to(build).as_posix()] = list(st) if st else None
    return found


def up_to_date(root: Path) -> bool:
    """True if nothing a build reads or writes changed since the last successful build."""
    try:
        stamp = json.loads((root / "_build" / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (stamp.get("scheme") == SCHEME and stamp.get("outputs") == build_outputs(root)
            and stamp.get("inputs") == build_inputs(root))


def write_stamp(root: Path, inputs_before: dict[str, str]) -> bool:
    """Record the state after a successful build, if no file of the book changed while it ran.

    (Files that chapters read outside the book are listed from the results the build keeps,
    so a build may add some: they are recorded as they are after the build.)
    """
    inputs = build_inputs(root)
    book = {k: v for k, v in inputs.items() if not os.path.isabs(k)}
    if book != {k: v for k, v in inputs_before.items() if not os.path.isabs(k)}:
        return False
    outputs = build_outputs(root)
    _write_atomic(root / "_build" / STAMP,
                  json.dumps({"scheme": SCHEME, "inputs": inputs, "outputs": outputs}).encode("utf-8"))
    return True
