"""The ``jjj-book`` command: check data, list data and claims, run chapters, build the book.

Bad input ends with a message that says what is wrong and a non-zero exit,
never a Python traceback.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jjj_book import data as data_mod

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for (not with the data)."""


# --------------------------------------------------------------------------- book layout

def book_root() -> Path:
    """The folder holding _toc.yml: $JJJ_BOOK_ROOT, else the checkout this package lives in, else cwd."""
    candidates = []
    if os.environ.get("JJJ_BOOK_ROOT"):
        candidates.append(Path(os.environ["JJJ_BOOK_ROOT"]))
    candidates += [Path(__file__).resolve().parents[2], Path.cwd()]
    for cand in candidates:
        if (cand / "_toc.yml").is_file():
            return cand.resolve()
    raise UsageError("cannot find the book (a folder with _toc.yml); set JJJ_BOOK_ROOT")


def chapter_notebooks(root: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted((root / "chapters").glob("[0-9][0-9]_*.ipynb"))}


def resolve_chapter(name: str, root: Path) -> Path:
    """'01_status' or its short name 'status' → the notebook path."""
    books = chapter_notebooks(root)
    if name in books:
        return books[name]
    by_short = {stem.split("_", 1)[1]: path for stem, path in books.items()}
    if name in by_short:
        return by_short[name]
    known = ", ".join(f"{s} ({s.split('_', 1)[1]})" for s in books)
    raise UsageError(f"unknown chapter {name!r}; known chapters: {known}")


def notebook_parameters(path: Path) -> dict[str, object]:
    """Names and default values of the notebook's papermill 'parameters' cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
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
        print(f"{len(problems)} problem(s) in {args.data_dir}:", file=sys.stderr)
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
        keys = ["id", "chapter", "statement", "reported", "reproduced", "unit", "verdict", "vintage", "note"]
        out = [{k: r.to_dict()[k] for k in keys} | {"difference": r.difference} for r in results]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from jjj_book.claims.render import format_value

    width = max((len(r.id) for r in results), default=10)
    print(f"{'id':<{width}}  {'verdict':<12}  {'vintage':<10}  reported → reproduced")
    for r in results:
        print(f"{r.id:<{width}}  {r.verdict:<12}  {r.vintage:<10}  "
              f"{format_value(r.reported, r.unit)} → {format_value(r.reproduced, r.unit)}")
    counts = {v: sum(r.verdict == v for r in results) for v in claims.VERDICTS}
    print("; ".join(f"{v}: {n}" for v, n in counts.items()))
    return EXIT_OK


def cmd_run(args) -> int:
    root = book_root()
    notebook = resolve_chapter(args.chapter, root)
    defaults = notebook_parameters(notebook)
    params = {}
    for name, text in args.param or []:
        if name not in defaults:
            raise UsageError(f"unknown parameter {name!r} for {notebook.stem}; "
                             f"its parameters are: {', '.join(defaults)}")
        params[name] = coerce_parameter(name, text, defaults[name])
    data_dir = Path(args.data_dir).resolve()
    problems = data_mod.validate(data_dir)
    if problems:
        raise data_mod.DataError(problems)  # before any kernel starts
    params["data_dir"] = str(data_dir)
    output = Path(args.output).resolve()
    if output == root / "chapters" or root / "chapters" in output.parents:
        raise UsageError("--output must be outside chapters/: the book's notebooks are never overwritten")

    import papermill

    from jjj_book import claims

    # Write into a temporary sibling folder and swap it in only on success, so a failed
    # run never replaces an earlier good result.
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        executed = staging / notebook.name
        if "claims_json" in defaults:
            # the chapter writes the verdicts it computed under these parameters
            params["claims_json"] = str(staging / "claims.json")
        papermill.execute_notebook(
            str(notebook), str(executed), parameters=params, cwd=str(notebook.parent),
            kernel_name="python3", progress_bar=not args.quiet, log_output=False,
        )
        if not (staging / "claims.json").exists():
            pkg = data_mod.load(data_dir)
            results = claims.evaluate(pkg, chapter=notebook.stem)
            (staging / "claims.json").write_text(
                json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        results = json.loads((staging / "claims.json").read_text(encoding="utf-8"))
    except papermill.PapermillExecutionError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"error: {notebook.stem} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}", file=sys.stderr)
        print(f"nothing was written to {output}", file=sys.stderr)
        return EXIT_INVALID
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_into_place(staging, output)
    counts = {v: sum(r["verdict"] == v for r in results) for v in claims.VERDICTS}
    print(f"wrote {output / notebook.name} and {output / 'claims.json'} "
          f"({'; '.join(f'{v}: {n}' for v, n in counts.items())})")
    return EXIT_OK


def _swap_into_place(staging: Path, output: Path) -> None:
    if output.exists():
        retired = output.with_name(f".{output.name}.previous")
        if retired.exists():
            shutil.rmtree(retired)
        output.rename(retired)
        staging.rename(output)
        shutil.rmtree(retired)
    else:
        staging.rename(output)


def cmd_build(args) -> int:
    root = book_root()
    exe = Path(sys.executable).with_name("jupyter-book")
    command = [str(exe) if exe.exists() else "jupyter-book", "build", str(root),
               "--warningiserror", "--keep-going"]
    if args.all:
        command.append("--all")
    status = subprocess.call(command, cwd=root)
    if status != 0:
        # Sphinx keeps the environment of a failed build, and the next build would then
        # skip the failing pages and succeed. Forget it, so every failure repeats.
        (root / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        print("error: the book did not build (see the messages above); the next build re-reads every page",
              file=sys.stderr)
    return status


# --------------------------------------------------------------------------- entry point

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jjj-book", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    def with_data(sp):
        sp.add_argument("--data-dir", default="data", help="data package folder (default: data)")
        return sp

    with_data(sub.add_parser("check", help="validate a data directory")).set_defaults(func=cmd_check)
    with_data(sub.add_parser("data", help="every observation as tidy CSV on stdout")).set_defaults(func=cmd_data)
    sp = with_data(sub.add_parser("claims", help="the report's claims and their verdicts"))
    sp.add_argument("--format", choices=["table", "json"], default="table")
    sp.add_argument("--chapter", help="only this chapter's claims (e.g. 01_status or status)")
    sp.add_argument("--vintage", help="evaluate every claim in this vintage instead of its own")
    sp.set_defaults(func=cmd_claims)
    sp = with_data(sub.add_parser("run", help="execute one chapter with papermill into OUTDIR"))
    sp.add_argument("chapter", help="notebook stem (01_status) or short name (status)")
    sp.add_argument("--output", required=True, help="output folder (replaced only if the run succeeds)")
    sp.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                    help="set a chapter parameter (repeatable)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=cmd_run)
    sp = sub.add_parser("build", help="build the HTML book into _build/html")
    sp.add_argument("--all", action="store_true", help="re-read every page (default: only what changed)")
    sp.set_defaults(func=cmd_build)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except data_mod.DataError as exc:
        print(f"error: the data in {getattr(args, 'data_dir', '?')} are not valid.", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; nothing was overwritten", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
