"""Execute the book's chapters before Sphinx reads them: in parallel, and only when needed.

jupyter-book 1.x executes notebooks one after another while Sphinx reads them, and it
cannot tell which chapters a data change affects. The book build therefore executes the
chapters itself (:mod:`jjj_book.build.sphinx_ext` calls :func:`execute_stale` when the builder
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

The fingerprints are in :mod:`jjj_book.build.fingerprints`, the kept results in
:mod:`jjj_book.build.cache`, what runs inside each kernel in :mod:`jjj_book.build.tracking`,
and the whole build's up-to-date check in :mod:`jjj_book.build.stamp`.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from jjj_book import paths
from jjj_book.build import cache as kept
from jjj_book.build.fingerprints import PACKAGE_DIR, Inputs, Settings
from jjj_book.build.threads import in_own_thread

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


class ChapterError(Exception):
    """A chapter failed to execute (the message says where and why)."""


class Progress:
    """What a build shows while chapters run (the default shows nothing; see sphinx_ext)."""

    def begin(self, jobs: int, total: int, workers: int) -> None:
        """``jobs`` of ``total`` notebooks are about to run, ``workers`` at a time."""

    def finished(self, outcome: Outcome, done: int, jobs: int) -> None:
        """One notebook finished (``outcome.error`` says whether it failed)."""


def execute_stale(root: Path, notebooks: list[Path], cache: Path, settings: Settings = Settings(),
                  log: Callable[[str], None] = print, force: bool = False, runner=None,
                  progress: Progress | None = None) -> Report:
    """Execute, in parallel, every notebook whose kept result is not up to date.

    ``log`` gets a line when a notebook starts and ends; ``progress`` is told how many run and
    when each ends. ``runner`` (tests only) replaces the kernel: an async function taking
    (notebook, inputs, settings, report file) and returning (executed notebook, tracking report).
    """
    progress = progress or Progress()
    started = time.perf_counter()
    if (Path(root) / "data" / paths.DESCRIPTOR).is_file():
        os.environ[paths.BOOK_DATA_ENV] = str(Path(root).resolve() / "data")   # kernels inherit it
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
        reason = "a full rebuild was asked for" if force else kept.staleness(notebook, inputs, cache, settings, raw)
        if reason is not None:
            outcome.executed, outcome.reason = True, reason
            jobs.append((notebook, outcome, kept.static_parts(raw, inputs, settings)))
    if jobs:
        # longest first (by the last known duration), so the workers finish together
        jobs.sort(key=lambda job: kept.last_seconds(cache, job[1].notebook), reverse=True)
        report.workers = settings.worker_count(len(jobs))
        progress.begin(len(jobs), len(report.outcomes), report.workers)
        _run_async(lambda: _run_jobs(jobs, inputs, settings, cache, report.workers, log, runner or _execute,
                                     progress))
    report.seconds = time.perf_counter() - started
    return report


def _run_async(make_coroutine) -> None:
    """Run a coroutine to completion, in a thread of its own if this one already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make_coroutine())
        return
    in_own_thread(lambda: asyncio.run(make_coroutine()), "jjj_book.build.execute")


async def _run_jobs(jobs, inputs: Inputs, settings: Settings, cache: Path, workers: int, log, runner,
                    progress: Progress) -> None:
    gate = asyncio.Semaphore(workers)
    done = [0]

    async def one(notebook: Path, outcome: Outcome, before: dict[str, str]) -> None:
        async with gate:
            log(f"Executing notebook {outcome.notebook} ({outcome.reason})")
            kept.entry_path(cache, outcome.notebook).unlink(missing_ok=True)  # never served again, whatever happens
            report_file = cache / f".{kept.key(outcome.notebook)}.reads.{os.getpid()}.json"
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
                outcome.warning, note = kept.store(inputs.root, notebook, nb, tracked, before, settings, cache,
                                                   outcome.seconds)
                log(f"Executed {outcome.notebook} in {outcome.seconds:.1f} s" + (f"; {note}" if note else ""))
            else:
                kept.forget(cache, outcome.notebook)  # and no page can be rendered from it
                log(f"Executing notebook {outcome.notebook} failed after {outcome.seconds:.1f} s")
            done[0] += 1
            progress.finished(outcome, done[0], len(jobs))

    await asyncio.gather(*(one(*job) for job in jobs))


def _setup_code(root: Path, skip: list[str], report: Path) -> str:
    return (f"__import__('jjj_book.build.tracking', fromlist=['_']).kernel_begin("
            f"{str(root)!r}, {skip!r}, {str(report)!r})")


_END_CODE = "__import__('jjj_book.build.tracking', fromlist=['_']).kernel_end()"


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
                    resources={"metadata": {"path": str(notebook.parent)}},
                    # the kernel's own log (a notice about TCP, "KeyboardInterrupt caught" at shutdown) is
                    # not the chapter's output; errors in cells still arrive as messages and fail the build
                    extra_arguments=[] if settings.verbose else ["--IPKernelApp.log_level=CRITICAL"])
    client.current_index = -1
    try:
        await client.run()
    except nbclient.exceptions.CellExecutionError as exc:
        detail = str(exc) if settings.verbose else _without_source(str(exc), client)
        raise ChapterError(f"cell {client.current_index + 1} failed: {exc.ename}: {exc.evalue}\n{detail}") from None
    except nbclient.exceptions.CellTimeoutError as exc:
        raise ChapterError(f"cell {client.current_index + 1} timed out: {exc}") from None
    except nbclient.exceptions.DeadKernelError as exc:
        raise ChapterError(f"the kernel died in cell {client.current_index + 1}: {exc}") from None
    tracked = json.loads(report.read_text(encoding="utf-8"))
    return nb, tracked


def _without_source(detail: str, client) -> str:
    """nbclient's error message without its copy of the whole cell: the traceback shows the failing
    line in context, and the cell is in the notebook (``--verbose`` keeps the copy)."""
    try:
        source = client.nb.cells[client.current_index].source
    except (AttributeError, IndexError, TypeError):
        return detail
    head = f"An error occurred while executing the following cell:\n------------------\n{source}\n------------------\n"
    return detail[len(head):].lstrip("\n") if detail.startswith(head) else detail
