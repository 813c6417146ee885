"""The ``jjj-book`` command: check data, list data and claims, run chapters, build the book.

Bad input ends with a message that says what is wrong and a non-zero exit,
never a Python traceback.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path



class _Lazy:
    """A module imported on first use: the command starts fast, and Ctrl-C during the (slow) import of
    pandas lands inside :func:`main`, which turns it into a message instead of a traceback."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr):
        import importlib

        return getattr(importlib.import_module(self._name), attr)


book = _Lazy("jjj_book.book")
data_mod = _Lazy("jjj_book.data")

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for (not with the data)."""


# --------------------------------------------------------------------------- book layout

def book_root() -> Path:
    """The folder holding _toc.yml: $JJJ_BOOK_ROOT, else the checkout this package lives in, else cwd."""
    if os.environ.get("JJJ_BOOK_ROOT"):
        # an explicit root is never silently replaced by another book
        root = Path(os.environ["JJJ_BOOK_ROOT"])
        if not (root / "_toc.yml").is_file():
            raise UsageError(f"JJJ_BOOK_ROOT={root} is not a book (no _toc.yml there)")
        return root.resolve()
    candidates = [Path(__file__).resolve().parents[2], Path.cwd()]
    for cand in candidates:
        if (cand / "_toc.yml").is_file():
            return cand.resolve()
    raise UsageError("cannot find the book (a folder with _toc.yml); set JJJ_BOOK_ROOT")


def chapter_notebooks(root: Path) -> dict[str, Path]:
    """Every notebook of the book's table of contents (_toc.yml), chapters and appendices, by stem."""
    try:
        return {page.stem: page.path for page in book.notebooks(root)}
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"cannot read the chapters from {_show(root / '_toc.yml')}: {exc}") from None


def _short_name(stem: str) -> str:
    return stem.split("_", 1)[1] if stem[:2].isdigit() and stem[2:3] == "_" else stem


def resolve_chapter(name: str, root: Path) -> Path:
    """'01_status' or its short name 'status' → the notebook path."""
    books = chapter_notebooks(root)
    if name in books:
        return books[name]
    by_short = {_short_name(stem): path for stem, path in books.items()}
    if name in by_short:
        return by_short[name]
    known = ", ".join(f"{s} ({_short_name(s)})" if _short_name(s) != s else s for s in books)
    raise UsageError(f"unknown chapter {name!r}; known chapters: {known}")


def notebook_parameters(path: Path) -> dict[str, object]:
    """Names and default values of the notebook's papermill 'parameters' cell."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the notebook {_show(path)}: {exc}") from None
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            params = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    params[node.targets[0].id] = ast.literal_eval(node.value)
            return params
    raise UsageError(f"{path.name} has no cell tagged 'parameters'")


def coerce_parameter(name: str, text: str, default):
    """Convert a -p value to the type of the parameter's default."""
    kind = type(default)
    try:
        if kind is bool:
            if text.lower() in ("true", "1", "yes"):
                return True
            if text.lower() in ("false", "0", "no"):
                return False
            raise ValueError
        if kind in (int, float):
            return kind(text)
        if kind in (list, dict, tuple):
            value = ast.literal_eval(text)
            if not isinstance(value, kind):
                raise ValueError
            return value
    except (ValueError, SyntaxError):
        raise UsageError(f"parameter {name}: expected a {kind.__name__} like {default!r}, got {text!r}") from None
    return text


# --------------------------------------------------------------------------- commands

def cmd_check(args) -> int:
    problems = data_mod.validate(args.data_dir)
    if problems:
        print(f"error: {len(problems)} problem(s) in {_show(args.data_dir)}:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return EXIT_INVALID
    pkg = data_mod.load(args.data_dir)
    obs = pkg.observations
    print(f"OK: {args.data_dir} is valid — {len(obs)} observations of {obs['indicator'].nunique()} "
          f"indicators, {len(pkg.sources)} sources, vintages: {', '.join(pkg.vintages['id'])}")
    return EXIT_OK


def cmd_data(args) -> int:
    pkg = data_mod.load(args.data_dir)
    sys.stdout.write(pkg.tidy_csv())
    return EXIT_OK


def cmd_claims(args) -> int:
    from jjj_book import claims

    pkg = data_mod.load(args.data_dir)
    chapter = None
    if args.chapter:
        chapter = resolve_chapter(args.chapter, book_root()).stem
    try:
        results = claims.evaluate(pkg, chapter=chapter, vintage=args.vintage)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if args.format == "json":
        keys = ["id", "chapter", "kind", "statement", "reported", "reproduced", "unit", "verdict", "basis",
                "vintage", "note"]
        out = [{k: r.to_dict()[k] for k in keys} | {"difference": r.difference} for r in results]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from jjj_book.render import claim_values

    width = max((len(r.id) for r in results), default=10)
    print(f"{'id':<{width}}  {'kind':<8}  {'verdict':<20}  {'vintage':<10}  reported → book")
    for r in results:
        reported, ours = claim_values(r)
        print(f"{r.id:<{width}}  {r.kind:<8}  {r.verdict:<20}  {r.vintage:<10}  {reported} → {ours}")
    counts = {v: sum(r.verdict == v for r in results) for v in claims.VERDICTS}
    print("; ".join(f"{v}: {n}" for v, n in counts.items()))
    return EXIT_OK


IMPORT_LOCK_TIMEOUT = 60.0


def _read_inputs(args, pkg):
    """Parse and map every input file; (rows, problems, skipped, empty, layouts)."""
    from jjj_book import importer

    rows, problems, skipped, empty, layouts = [], [], {}, 0, []
    for name in args.files:
        try:
            parsed = importer.read_file(name)
        except importer.ImportError_ as exc:
            problems += exc.problems
            continue
        mapped = importer.map_cells(parsed, pkg, args.vintage, args.source_id, args.skip_unknown)
        rows += mapped.rows
        problems += mapped.problems
        empty += mapped.empty
        for region, n in mapped.skipped_regions.items():
            skipped[region] = skipped.get(region, 0) + n
        layouts.append(f"{importer.display_name(name)}: {parsed.layout}, {len(mapped.rows)} value(s) "
                       "for the package's regions")
    return rows, problems, skipped, empty, layouts


def _prepare_import(args, data_dir: Path, verbose: bool):
    """Everything an import does short of writing: load, check, parse, map, plan, validate the result.

    ``--dry-run`` stops after this; the real import runs it again under the lock, then writes.
    """
    from jjj_book import importer

    pkg = data_mod.load(data_dir)  # the package must be valid before anything is added to it
    if args.vintage not in set(pkg.vintages["id"]):
        raise UsageError(f"unknown vintage {args.vintage!r}; the vintages in {data_dir / 'vintages.csv'} are: "
                         f"{', '.join(pkg.vintages['id'])} (add a new one there first)")
    if args.source_id not in set(pkg.sources["id"]):
        raise UsageError(f"unknown source id {args.source_id!r}: add the publication to {data_dir / 'sources.csv'} "
                         "first (publisher, publication, table or release, date), then import")
    rows, problems, skipped, empty, layouts = _read_inputs(args, pkg)
    prepared = importer.prepare(data_dir, rows, pkg, accept_magnitude_jump=args.accept_magnitude_jump)
    problems += prepared.problems
    if verbose:
        for line in layouts:
            print(line, file=sys.stderr)
    if problems:
        raise data_mod.DataError(problems)
    return prepared, skipped, empty


def cmd_import(args) -> int:
    from filelock import FileLock, Timeout

    from jjj_book import importer

    data_dir = Path(args.data_dir)
    try:
        prepared, skipped, empty = _prepare_import(args, data_dir, verbose=True)
    except data_mod.DataError as exc:
        print(f"error: {len(exc.problems)} problem(s); nothing was written:", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return EXIT_INVALID
    the_plan = prepared.plan
    summary = (f"{len(the_plan.new)} new, {len(the_plan.changed)} changed, {the_plan.unchanged} unchanged, "
               f"{len(the_plan.other_vintage)} differ from another vintage")
    if not args.dry_run and (the_plan.new or the_plan.changed):
        # read → validate → replace under one lock: a second import waits, then plans on the new file
        lock_path = prepared.path.with_name(f".{prepared.path.name}.lock")
        previous = _interrupt_on_sigterm()  # kill → the temporary file is removed, the original kept
        try:
            with FileLock(lock_path, timeout=args.lock_timeout):
                prepared, skipped, empty = _prepare_import(args, data_dir, verbose=False)
                the_plan = prepared.plan
                summary = (f"{len(the_plan.new)} new, {len(the_plan.changed)} changed, {the_plan.unchanged} "
                           f"unchanged, {len(the_plan.other_vintage)} differ from another vintage")
                written = importer.write(prepared) if (the_plan.new or the_plan.changed) else 0
        except Timeout:
            raise UsageError(f"another import into {data_dir} has held its lock ({lock_path}) for "
                             f"{args.lock_timeout:g} s; nothing was written. Try again when it has finished "
                             "(--lock-timeout sets how long to wait)") from None
        except data_mod.DataError as exc:
            print(f"error: {len(exc.problems)} problem(s); nothing was written:", file=sys.stderr)
            for p in exc.problems:
                print(f"  - {p}", file=sys.stderr)
            return EXIT_INVALID
        finally:
            if previous is not None:
                import signal

                signal.signal(signal.SIGTERM, previous)
    for row in the_plan.new:
        print(f"  new      {row['indicator']} {row['region']} {row['year']} {row['period']} = {row['value']} ({row['vintage']})")
    for row, old in the_plan.changed:
        print(f"  changed  {row['indicator']} {row['region']} {row['year']} {row['period']}: {old} → {row['value']} ({row['vintage']})")
    for row, vintage, value in the_plan.other_vintage:
        print(f"  note     {row['indicator']} {row['region']} {row['year']}: {row['value']} here, {value} in vintage {vintage}")
    if skipped:
        print(f"skipped (not in the package): {', '.join(sorted(skipped))}", file=sys.stderr)
    if empty:
        print(f"{empty} empty cell(s) (not yet published) ignored", file=sys.stderr)
    if args.dry_run:
        print(f"dry run: {summary}; the result was validated; nothing was written")
        return EXIT_OK
    if not the_plan.new and not the_plan.changed:
        print(f"nothing to write ({summary})")
        return EXIT_OK
    print(f"wrote {written} row(s) to {prepared.path} ({summary})")
    return EXIT_OK


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


def _show(path) -> str:
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


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


def cmd_run(args) -> int:
    root = book_root()
    if args.chapter == "all":
        notebooks = [page.path for page in book.chapters(root)]
    else:
        notebooks = [resolve_chapter(args.chapter, root)]
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
    pkg = data_mod.load(args.data_dir)  # invalid data are refused before any kernel starts
    data_dir = pkg.root
    _check_years(params, pkg)
    output = _output_folder(args, root, data_dir)

    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from tqdm import tqdm

    from jjj_book import claims

    # An interrupted run leaves asyncio tasks whose "kernel died" would be logged with a traceback at
    # exit; the interruption is reported once, below.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    # Write into a marked staging folder beside the output and move it into place only when every
    # chapter succeeded: a failed or interrupted run never replaces or mixes with an earlier result.
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
    previous = _interrupt_on_sigterm()
    summary, changes, finished = {}, {}, False
    try:
        with tempfile.TemporaryDirectory(prefix="jjj-run-") as scratch:
            bar = tqdm(notebooks, desc="chapters", unit="chapter", disable=args.quiet or len(notebooks) == 1,
                       file=sys.stderr)
            for nb in bar:
                bar.set_postfix_str(nb.stem)
                folder = staging if len(notebooks) == 1 else staging / nb.stem
                try:
                    results = _execute_chapter(nb, params[nb.stem], data_dir, pkg, folder, Path(scratch),
                                               quiet=args.quiet or len(notebooks) > 1)
                except papermill.PapermillExecutionError as exc:
                    print(f"error: {nb.stem} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}", file=sys.stderr)
                    print(f"nothing was written to {_show(output)}", file=sys.stderr)
                    return EXIT_INVALID
                except (DeadKernelError, CellTimeoutError) as exc:
                    print(f"error: {nb.stem}: the kernel stopped ({type(exc).__name__}: {exc}); "
                          f"nothing was written to {_show(output)}", file=sys.stderr)
                    return EXIT_INVALID
                summary[nb.stem] = {v: sum(r["verdict"] == v for r in results) for v in claims.VERDICTS}
                changes[nb.stem] = _verdict_changes(nb.stem, results, root, params[nb.stem])
        files = sorted(p.name for p in staging.iterdir() if p.name != STAGING_MARK)
        (staging / "run.json").write_text(json.dumps(
            {RUN_MARKER: 1, "files": files, "data_dir": str(data_dir), "chapters": summary,
             "verdict_changes": changes,
             "parameters": {k: {n: str(v) for n, v in p.items()} for k, p in params.items()}},
            ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _swap_into_place(staging, output)
        finished = True
    except KeyboardInterrupt:
        print(f"interrupted; nothing was written to {_show(output)}", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not finished:
            _remove_empty(made)
        if previous is not None:
            import signal

            signal.signal(signal.SIGTERM, previous)
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
    return EXIT_OK


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


def cmd_build(args) -> int:
    from jjj_book.build import html

    if args.path:
        root = Path(args.path)
    elif os.environ.get("JJJ_BOOK_ROOT"):
        root = Path(os.environ["JJJ_BOOK_ROOT"])
    else:
        root = Path.cwd()
    if not (root / "_toc.yml").is_file():
        raise UsageError(f"{root.resolve()} is not a book (no _toc.yml there): run jjj-book build in the book's "
                         "folder, or give its path (jjj-book build PATH)")
    status = html.build(root, everything=args.all, verbose=args.verbose)
    if status == 0 and args.pdf:
        status = html.build_pdfs(root)
    return status


# --------------------------------------------------------------------------- help texts

# For each command: what it does (one line, in the command list), more detail, one example.
HELP = {
    "check": ("validate a data package; exit 1 with file, line and column of each problem",
              "Validate the data package in --data-dir (default: ./data): schema, sources, vintages, units.",
              "jjj-book check --data-dir mydata"),
    "data": ("print every observation as tidy CSV on stdout",
             "Print every observation of --data-dir (default: ./data) as tidy CSV, with names and sources.",
             "jjj-book data --data-dir data > tidy.csv"),
    "claims": ("list the report's claims with their verdicts",
               "Evaluate every claim of the report on --data-dir (default: ./data) and print a table "
               "(or JSON) of verdicts: recomputed, agrees with the official publication, differs, cannot check; "
               "each says whether it is the report's statement or a premise the book wrote.",
               "jjj-book claims --chapter status --format json"),
    "run": ("execute a chapter (or all) on a data folder, into a new output folder",
            "Execute one chapter, or all, with papermill on --data-dir (default: ./data). The executed "
            "notebook, its charts as PNG, claims.json and run.json go to a new folder, by default "
            "./runs/<time>-<chapter>/; chapters/ and the data are never modified, and a failed run "
            "leaves nothing behind.",
            "jjj-book run status --data-dir mydata -p gdp_vintage census5"),
    "import": ("add official figures (NBS exports, typed tables) to a data folder",
               "Read NBS database exports or tables typed from a yearbook and add their figures to "
               "--data-dir (default: ./data; work on a copy). Writes only after the whole package "
               "validates with the new rows; --dry-run writes nothing.",
               "jjj-book import export.csv --data-dir mydata --vintage census5 --source-id nbs-db-census5-2025"),
    "build": ("build the HTML book (default: the book in the current folder) into _build/html",
              "Build the HTML book in PATH (default: the current folder, which must hold _toc.yml) into "
              "PATH/_build/html/. Only the chapters whose code, helpers or data changed are executed "
              "again; a build with nothing changed does nothing. Any notebook error or Sphinx warning "
              "fails the build.",
              "jjj-book build            # in the repository's folder; then open _build/html/index.html\n"
              "  jjj-book build --pdf      # also _build/pdf/jjj-book.pdf (needs Chromium)"),
}


def _doc(name: str) -> dict:
    summary, detail, example = HELP[name]
    return {"help": summary, "description": textwrap.fill(detail, 79, break_on_hyphens=False), "epilog": f"example:\n  {example}",
            "formatter_class": argparse.RawDescriptionHelpFormatter}


# --------------------------------------------------------------------------- entry point

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jjj-book", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill("The reproducible Beijing–Tianjin–Hebei report: check and import data, list "
                                  "claims, run chapters, build the book. Data commands read ./data unless "
                                  "--data-dir says otherwise.", 79, break_on_hyphens=False),
        epilog="examples:\n  jjj-book build                      # the book in this folder → _build/html/\n"
               "  jjj-book run all --data-dir mydata  # every chapter on a copy of the data → runs/<time>-all/\n"
               "  jjj-book COMMAND --help             # what a command does, its options and defaults")
    sub = p.add_subparsers(dest="command", required=True)

    def with_data(sp):
        sp.add_argument("--data-dir", default="data",
                        help="data package folder (default: data, in the current folder)")
        return sp

    with_data(sub.add_parser("check", **_doc("check"))).set_defaults(func=cmd_check)
    with_data(sub.add_parser("data", **_doc("data"))).set_defaults(func=cmd_data)
    sp = with_data(sub.add_parser("claims", **_doc("claims")))
    sp.add_argument("--format", choices=["table", "json"], default="table", help="output format (default: table)")
    sp.add_argument("--chapter", help="only this chapter's claims (e.g. 01_status or status)")
    sp.add_argument("--vintage", help="evaluate every claim in this vintage (default: each claim's own)")
    sp.set_defaults(func=cmd_claims)
    sp = with_data(sub.add_parser("run", **_doc("run")))
    sp.add_argument("chapter", help="notebook stem (01_status), short name (status), or all")
    sp.add_argument("--output", help="output folder (default: a new folder runs/<time>-<chapter>); "
                                     "an existing folder is replaced only if the run succeeds")
    sp.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                    help="set a chapter parameter (repeatable; default: the notebook's parameters cell)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=cmd_run)
    sp = with_data(sub.add_parser("import", **_doc("import")))
    sp.add_argument("files", nargs="+", metavar="FILE", help="CSV (GBK or UTF-8), .xlsx or .xls")
    sp.add_argument("--vintage", required=True, help="vintage id of the figures (see vintages.csv)")
    sp.add_argument("--source-id", required=True, help="source id of the publication (see sources.csv)")
    sp.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    sp.add_argument("--skip-unknown", action="store_true",
                    help="skip indicators the package does not have (listed) instead of refusing the file")
    sp.add_argument("--accept-magnitude-jump", action="store_true",
                    help="accept values many times larger or smaller than the same series in other years "
                         "(refused by default: such a jump is usually a unit error)")
    sp.add_argument("--lock-timeout", type=float, default=IMPORT_LOCK_TIMEOUT, metavar="SECONDS",
                    help="how long to wait for another import into the same folder (default: %(default)s)")
    sp.set_defaults(func=cmd_import)
    sp = sub.add_parser("build", **_doc("build"))
    sp.add_argument("path", nargs="?", metavar="PATH",
                    help="the book's folder, holding _toc.yml (default: the current folder, or $JJJ_BOOK_ROOT)")
    sp.add_argument("--all", action="store_true",
                    help="re-read every page and re-execute every chapter (default: only what changed)")
    sp.add_argument("-v", "--verbose", action="store_true",
                    help="show everything Sphinx, myst-nb and the kernels print "
                         "(default: one line per chapter, warnings, errors, where the book is)")
    sp.add_argument("--pdf", action="store_true",
                    help="also print the whole book as PDF with the system's Chromium: _build/pdf/jjj-book.pdf "
                         "(exercises without solutions) and jjj-book-teacher.pdf (with them)")
    sp.set_defaults(func=cmd_build)
    return p


def _printable_streams() -> None:
    """File names that are not UTF-8 are printed with escapes instead of failing to print."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass  # a captured or replaced stream


def main(argv: list[str] | None = None) -> int:
    _printable_streams()
    try:
        args = parser().parse_args(argv)
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted; nothing was overwritten", file=sys.stderr)
        return 130
    except data_mod.DataError as exc:
        print(f"error: the data in {getattr(args, 'data_dir', '?')} are not valid.", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    # The last net: each command reports the problems it can foresee with file, line and column;
    # what slips through still gets the file and the reason, never a traceback.
    except PermissionError as exc:
        print(f"error: {_show(exc.filename or '?')}: permission denied ({exc.strerror}); nothing was written",
              file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        where = _show(exc.filename) if exc.filename else "a file"
        print(f"error: {where}: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except RecursionError:
        print("error: an input is nested too deeply to read (a symbolic link loop or a deeply nested file); "
              "nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except UnicodeError as exc:
        print(f"error: text that is not valid UTF-8 ({exc}); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # noqa: BLE001 — a bug of ours: still a message (JJJ_BOOK_DEBUG=1 shows the traceback)
        if os.environ.get("JJJ_BOOK_DEBUG"):
            raise
        print(f"error: jjj-book failed unexpectedly ({type(exc).__name__}: {str(exc)[:300]}); nothing was "
              "overwritten. Please report it with the command you ran (JJJ_BOOK_DEBUG=1 shows where it failed)",
              file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
