"""``jjj-book run``: chapter parameters, where results go (output safety, staging), papermill."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from jjj_book.cli.base import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    _show,
    book,
    book_root,
    coerce_parameter,
    data_mod,
    notebook_parameters,
    resolve_chapter,
)


def _chapter_params(notebook: Path, pairs) -> dict:
    defaults = notebook_parameters(notebook)
    params = {}
    for name, text in pairs or []:
        if name not in defaults:
            raise UsageError(f"unknown parameter {name!r} for {notebook.stem}; "
                             f"its parameters are: {', '.join(defaults)}")
        params[name] = coerce_parameter(name, text, defaults[name])
    return params


def _check_years(params: dict[str, dict], pkg) -> None:
    """A year parameter outside the years the data cover is refused before any kernel starts."""
    years = pkg.observations["year"]
    first, last = int(years.min()), int(years.max())
    for stem, given in params.items():
        for name, value in given.items():
            if name.endswith("year") and isinstance(value, int) and not first <= value <= last:
                raise UsageError(f"parameter {name} = {value} ({stem}): the data in {pkg.root} cover the years "
                                 f"{first}–{last}; choose a year in that range")


# --------------------------------------------------------------------------- run: where results go

RUN_MARKER = "jjj_book_run"        # the key of run.json that says "this folder was written by jjj-book run"
STAGING_MARK = ".jjj-run-staging"  # a file in a staging folder: its owner's process id


def _is_earlier_run(folder: Path) -> bool:
    """A folder this command wrote: run.json with the marker, and nothing it did not write."""
    try:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(info, dict) or info.get(RUN_MARKER) != 1:
        return False
    written = set(info.get("files", []))
    return {p.name for p in folder.iterdir()} <= written | {"run.json", STAGING_MARK}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_leftovers(output: Path) -> None:
    """Tidy up after runs into ``output`` that were killed (SIGKILL, power loss): a staging folder is
    removed only if it carries our mark with a process id that is gone; an earlier result that a
    killed run had moved aside (``.NAME.PID.jjj-run-previous``, itself a run's folder) is put back."""
    prefix = f".{output.name}."
    for path in [p for p in output.parent.iterdir() if p.name.startswith(prefix)]:
        middle = path.name[len(prefix):]
        if middle.endswith(".jjj-run-staging"):
            try:
                pid = int((path / STAGING_MARK).read_text(encoding="utf-8").strip())
            except (OSError, ValueError):
                continue  # not ours: never touched
            if pid == os.getpid() or not _pid_alive(pid):
                shutil.rmtree(path, ignore_errors=True)
        elif middle.endswith(".jjj-run-previous") and _is_earlier_run(path):
            pid_text = middle[: -len(".jjj-run-previous")]
            if pid_text.isdigit() and _pid_alive(int(pid_text)) and int(pid_text) != os.getpid():
                continue  # that run is swapping right now
            if not output.exists():
                path.rename(output)  # the earlier result, moved aside by a run killed mid-swap
            else:
                shutil.rmtree(path, ignore_errors=True)


def _output_folder(args, root: Path, data_dir: Path) -> Path:
    """The folder a run writes, after refusing every place where it could destroy something."""
    if args.output:
        given = Path(args.output)
        if given.is_symlink():
            raise UsageError(f"--output {_show(given)} is a symbolic link; give the folder itself")
        try:
            output = given.resolve(strict=False)
        except (OSError, RuntimeError):
            raise UsageError(f"--output {_show(given)}: its path goes round in a symbolic link loop") from None
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        output = (Path("runs") / f"{stamp}-{args.chapter}").resolve()
        n = 1
        while output.exists():
            n += 1
            output = output.with_name(f"{stamp}-{args.chapter}-{n}")
    protected = [("chapters/", root / "chapters"), ("the data folder", data_dir), ("the book", root)]
    inside = [(what, path) for what, path in protected if output == path or path in output.parents]
    contains = [(what, path) for what, path in reversed(protected) if output in path.parents]
    for what, path in inside + contains:  # the innermost folder it lies in, else the outermost it contains
        if what == "the book" and (root / "runs") in output.parents:
            continue  # runs/<name> inside the book: the one place there meant for results
        raise UsageError(f"--output {_show(output)} is, contains or lies inside {what} ({_show(path)}): "
                         "inputs are never overwritten. Choose a new folder outside it"
                         + (" (or under runs/ in the book)" if what == "the book" else ""))
    if output.exists() or output.is_symlink():
        if not output.is_dir():
            raise UsageError(f"--output {_show(output)} is an existing file; a run writes a folder: choose a new name")
        if any(output.iterdir()) and not _is_earlier_run(output):
            raise UsageError(f"--output {_show(output)} is a folder that an earlier run did not write (or holds "
                             "files a run did not write): it is never replaced. Choose a new folder")
    return output


def _execute_chapter(notebook: Path, params: dict, data_dir: Path, pkg, folder: Path, scratch: Path,
                     quiet: bool) -> list[dict]:
    """Run one chapter into ``folder`` (executed notebook, figures/, claims.json); return its claims.

    papermill formats path strings with the parameters (braces in a path would break it), so the
    notebook is given and taken as a notebook object: no path of the user's reaches papermill.
    claims.json is computed here, with the run's parameters, not written by the chapter.
    """
    import base64

    import nbformat
    import papermill

    from jjj_book import claims

    defaults = notebook_parameters(notebook)
    params = dict(params, data_dir=str(data_dir))
    folder.mkdir(parents=True, exist_ok=True)
    source = nbformat.read(notebook, as_version=4)
    _quiet_papermill_parameter_warnings()
    with _kernel_stderr(scratch / "kernel.log"):
        executed = papermill.execute_notebook(source, None, parameters=params, cwd=str(notebook.parent),
                                              kernel_name="python3", progress_bar=not quiet, log_output=False)
    nbformat.write(executed, folder / notebook.name)
    try:
        results = claims.evaluate_chapter(pkg, notebook.stem, defaults | params)
    except KeyError as exc:
        raise UsageError(f"{notebook.stem}: {exc.args[0]}") from None
    verdicts = [r.to_dict() for r in results.values()]
    (folder / "claims.json").write_text(json.dumps(verdicts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # every chart as a PNG file, named after its cell
    figures = folder / "figures"
    for index, cell in enumerate(executed.cells):
        for k, out in enumerate(cell.get("outputs", [])):
            png = out.get("data", {}).get("image/png") if out.get("output_type") in ("display_data", "execute_result") else None
            if png:
                figures.mkdir(exist_ok=True)
                (figures / f"cell{index:02d}-{k}.png").write_bytes(base64.b64decode(png))
    return verdicts


class _KnownParameters(logging.Filter):
    """Every -p name was checked against the notebook's parameters cell (:func:`_chapter_params`); papermill's
    own parser gives up on some cells (an '=' in a Chinese comment) and then calls every parameter unknown."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.getMessage()).startswith(("Passed unknown parameter", "Unable to parse line"))


def _quiet_papermill_parameter_warnings() -> None:
    for name in ("papermill", "papermill.translators"):
        log = logging.getLogger(name)
        if not any(isinstance(f, _KnownParameters) for f in log.filters):
            log.addFilter(_KnownParameters())


@contextlib.contextmanager
def _kernel_stderr(log: Path):
    """The kernel's own stderr (its start-up warnings; tracebacks when it is stopped by Ctrl-C or kill)
    goes to a log in the scratch folder; this process keeps writing to the terminal.

    A chapter's errors do not travel this way: they come back as PapermillExecutionError.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    terminal = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    previous, sys.stderr = sys.stderr, terminal
    try:
        yield
    finally:
        terminal.flush()
        sys.stderr = previous
        terminal.close()
        os.dup2(saved, 2)
        os.close(saved)


def _verdict_changes(chapter: str, results: list[dict], root: Path, params: dict) -> list[str]:
    """Claims whose verdict differs from the same chapter on the book's own data."""
    from jjj_book import claims

    book_data = root / "data"
    if not book_data.is_dir() or data_mod.validate(book_data):
        return []
    defaults = notebook_parameters(root / "chapters" / f"{chapter}.ipynb") | params
    reference = claims.evaluate_chapter(data_mod.load(book_data), chapter, defaults)
    lines = []
    for r in results:
        ref = reference.get(r["id"])
        if ref is not None and ref.verdict != r["verdict"]:
            lines.append(f"{r['id']}: {ref.verdict} → {r['verdict']} "
                         f"(book data {ref.reproduced!s}, this run {r['reproduced']!s})")
    return lines


def _interrupt_on_sigterm():
    """SIGTERM (kill) cleans up like Ctrl-C: staging folders and temporary files are removed."""
    import signal

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None


class _Interrupts:
    """Ctrl-C (SIGINT) and kill (SIGTERM) stop a run, and stay noticed.

    Both raise KeyboardInterrupt (SIGTERM then cleans up like Ctrl-C), and both are also recorded:
    a KeyboardInterrupt can be swallowed by library code it lands in (a bare ``except:`` during an
    import or the kernel's start-up), after which the run would go on and replace the earlier result
    with exit status 0. :meth:`check` turns a recorded signal into KeyboardInterrupt again; it is
    called before any kernel starts, after every chapter and before the result is moved into place.
    """

    SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self):
        self.received: list[int] = []
        self._previous: dict = {}

    def _handler(self, signum, frame):
        self.received.append(signum)
        raise KeyboardInterrupt

    def __enter__(self):
        import signal

        for name in self.SIGNALS:
            sig = getattr(signal, name)
            try:
                self._previous[sig] = signal.signal(sig, self._handler)
            except ValueError:  # not the main thread: the default handling stays
                pass
        return self

    def __exit__(self, *exc):
        import signal

        for sig, previous in self._previous.items():
            signal.signal(sig, previous if previous is not None else signal.SIG_DFL)  # None: set outside Python
        return False

    def check(self) -> None:
        if self.received:
            raise KeyboardInterrupt


def cmd_run(args) -> int:
    with _Interrupts() as interrupts:
        return _run(args, interrupts)


def _run(args, interrupts: _Interrupts) -> int:
    root = book_root()
    if args.chapter == "all":
        notebooks = [page.path for page in book.chapters(root)]
    else:
        notebooks = [resolve_chapter(args.chapter, root)]
    params = _run_params(args, notebooks)
    pkg = data_mod.load(args.data_dir)  # invalid data are refused before any kernel starts
    data_dir = pkg.root
    _check_years(params, pkg)
    output = _output_folder(args, root, data_dir)

    import papermill  # noqa: F401  (imported before anything is written; used in _execute_all)
    from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: F401
    from tqdm import tqdm  # noqa: F401

    from jjj_book import claims  # noqa: F401

    interrupts.check()  # a Ctrl-C swallowed during those imports still stops the run here
    # An interrupted run leaves asyncio tasks whose "kernel died" would be logged with a traceback at
    # exit; the interruption is reported once, below.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    # Write into a marked staging folder beside the output and move it into place only when every
    # chapter succeeded: a failed or interrupted run never replaces or mixes with an earlier result.
    staging, made = _make_staging(output)
    summary, changes, finished = {}, {}, False
    try:
        failed = _execute_all(notebooks, params, data_dir, pkg, staging, output, root, args.quiet, summary, changes,
                              interrupts)
        if failed is not None:
            return failed
        files = sorted(p.name for p in staging.iterdir() if p.name != STAGING_MARK)
        (staging / "run.json").write_text(json.dumps(
            {RUN_MARKER: 1, "files": files, "data_dir": str(data_dir), "chapters": summary,
             "verdict_changes": changes,
             "parameters": {k: {n: str(v) for n, v in p.items()} for k, p in params.items()}},
            ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        interrupts.check()  # the last moment a signal can stop the swap
        _swap_into_place(staging, output)
        finished = True
    except KeyboardInterrupt:
        print(f"interrupted; nothing was written to {_show(output)}", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not finished:
            _remove_empty(made)
    _print_summary(summary, changes, output)
    return EXIT_OK


def _run_params(args, notebooks: list[Path]) -> dict[str, dict]:
    """The parameters of each chapter to run, from -p NAME VALUE, coerced to the defaults' types."""
    params = {nb.stem: _chapter_params(nb, args.param if args.chapter != "all" else []) for nb in notebooks}
    if args.chapter == "all" and args.param:
        # only parameters every chapter has (data_dir, years…) can be set for all of them
        for nb in notebooks:
            defaults = notebook_parameters(nb)
            params[nb.stem] = {name: coerce_parameter(name, text, defaults[name])
                               for name, text in args.param if name in defaults}
        known = set().union(*(notebook_parameters(nb) for nb in notebooks))
        unknown = [name for name, _ in args.param if name not in known]
        if unknown:
            raise UsageError(f"no chapter has the parameter(s) {', '.join(unknown)}")
    return params


def _make_staging(output: Path) -> tuple[Path, list[Path]]:
    """A marked staging folder beside ``output``, and the folders made for it (removed again on failure)."""
    made = [p for p in [output.parent, *output.parent.parents] if not p.exists()]  # removed again on failure
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_empty(made)
        raise UsageError(f"cannot create {_show(output.parent)}: {exc.strerror}") from None
    _clean_leftovers(output)
    staging = output.with_name(f".{output.name}.{os.getpid()}.jjj-run-staging")
    try:
        staging.mkdir()
        (staging / STAGING_MARK).write_text(str(os.getpid()), encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(made)
        raise UsageError(f"cannot write in {_show(output.parent)}: {exc.strerror}; nothing was written") from None
    return staging, made


def _execute_all(notebooks: list[Path], params: dict, data_dir: Path, pkg, staging: Path, output: Path,
                 root: Path, quiet: bool, summary: dict, changes: dict,
                 interrupts: _Interrupts | None = None) -> int | None:
    """Execute each chapter into ``staging``, filling ``summary`` and ``changes``; the exit code when one fails."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from tqdm import tqdm

    from jjj_book import claims

    with tempfile.TemporaryDirectory(prefix="jjj-run-") as scratch:
        bar = tqdm(notebooks, desc="chapters", unit="chapter", disable=quiet or len(notebooks) == 1,
                   file=sys.stderr)
        for nb in bar:
            if interrupts is not None:
                interrupts.check()
            bar.set_postfix_str(nb.stem)
            folder = staging if len(notebooks) == 1 else staging / nb.stem
            try:
                results = _execute_chapter(nb, params[nb.stem], data_dir, pkg, folder, Path(scratch),
                                           quiet=quiet or len(notebooks) > 1)
            except papermill.PapermillExecutionError as exc:
                if interrupts is not None:
                    interrupts.check()  # the kernel stopped because of Ctrl-C or kill: an interruption
                print(f"error: {nb.stem} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}", file=sys.stderr)
                print(f"nothing was written to {_show(output)}", file=sys.stderr)
                return EXIT_INVALID
            except (DeadKernelError, CellTimeoutError) as exc:
                if interrupts is not None:
                    interrupts.check()
                print(f"error: {nb.stem}: the kernel stopped ({type(exc).__name__}: {exc}); "
                      f"nothing was written to {_show(output)}", file=sys.stderr)
                return EXIT_INVALID
            if interrupts is not None:
                interrupts.check()  # a chapter that finished although Ctrl-C came during it does not count
            summary[nb.stem] = {v: sum(r["verdict"] == v for r in results) for v in claims.VERDICTS}
            changes[nb.stem] = _verdict_changes(nb.stem, results, root, params[nb.stem])
    return None


def _print_summary(summary: dict, changes: dict, output: Path) -> None:
    for stem, counts in summary.items():
        print(f"{stem}: {'; '.join(f'{v}: {n}' for v, n in counts.items())}")
    changed = [line for lines in changes.values() for line in lines]
    if changed:
        print(f"{len(changed)} verdict(s) differ from the book's data:")
        for line in changed:
            print(f"  {line}")
    else:
        print("no verdict differs from the book's data")
    print(f"wrote {_show(output)}")


def _remove_empty(folders: list[Path]) -> None:
    """Remove folders a failed run created for its output (deepest first), if they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _swap_into_place(staging: Path, output: Path) -> None:
    """Move a finished staging folder to ``output``; an earlier run (or an empty folder) there goes."""
    if output.exists():
        if not any(output.iterdir()):
            output.rmdir()  # an empty folder holds nothing to lose
        elif _is_earlier_run(output):  # checked before the run; checked again now
            retired = output.with_name(f".{output.name}.{os.getpid()}.jjj-run-previous")
            output.rename(retired)
            staging.rename(output)
            (output / STAGING_MARK).unlink(missing_ok=True)
            shutil.rmtree(retired)
            return
        else:
            raise UsageError(f"{_show(output)} appeared during the run and is not an earlier run; "
                             "nothing was replaced")
    staging.rename(output)
    (output / STAGING_MARK).unlink(missing_ok=True)


