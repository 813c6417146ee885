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
import time
from pathlib import Path

from jjj_book import data as data_mod

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


def cmd_import(args) -> int:
    from jjj_book import importer

    data_dir = Path(args.data_dir)
    pkg = data_mod.load(data_dir)  # the package must be valid before anything is added to it
    if args.vintage not in set(pkg.vintages["id"]):
        raise UsageError(f"unknown vintage {args.vintage!r}; the vintages in {data_dir / 'vintages.csv'} are: "
                         f"{', '.join(pkg.vintages['id'])} (add a new one there first)")
    if args.source_id not in set(pkg.sources["id"]):
        raise UsageError(f"unknown source id {args.source_id!r}: add the publication to {data_dir / 'sources.csv'} "
                         "first (publisher, publication, table or release, date), then import")
    rows, problems, skipped, empty = [], [], {}, 0
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
        print(f"{name}: {parsed.layout}, {len(mapped.rows)} value(s) for the package's regions", file=sys.stderr)
    the_plan = importer.plan(rows, pkg, args.files)
    problems += the_plan.duplicates
    if problems:
        print(f"error: {len(problems)} problem(s); nothing was written:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return EXIT_INVALID
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
    summary = (f"{len(the_plan.new)} new, {len(the_plan.changed)} changed, {the_plan.unchanged} unchanged, "
               f"{len(the_plan.other_vintage)} differ from another vintage")
    if args.dry_run:
        print(f"dry run: {summary}; nothing was written")
        return EXIT_OK
    if not the_plan.new and not the_plan.changed:
        print(f"nothing to write ({summary})")
        return EXIT_OK
    written = importer.apply(data_dir, the_plan)
    print(f"wrote {written} row(s) to {data_dir / 'observations.csv'} ({summary})")
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


def _execute_chapter(notebook: Path, params: dict, data_dir: Path, folder: Path, quiet: bool) -> list[dict]:
    """Run one chapter into ``folder`` (executed notebook, figures/, claims.json); return its claims."""
    import base64

    import nbformat
    import papermill

    from jjj_book import claims

    defaults = notebook_parameters(notebook)
    params = dict(params, data_dir=str(data_dir))
    folder.mkdir(parents=True, exist_ok=True)
    executed = folder / notebook.name
    if "claims_json" in defaults:
        params["claims_json"] = str(folder / "claims.json")  # the chapter writes what it computed
    papermill.execute_notebook(str(notebook), str(executed), parameters=params, cwd=str(notebook.parent),
                               kernel_name="python3", progress_bar=not quiet, log_output=False)
    if not (folder / "claims.json").exists():
        results = claims.evaluate(data_mod.load(data_dir), chapter=notebook.stem)
        (folder / "claims.json").write_text(
            json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # every chart as a PNG file, named after its cell
    figures = folder / "figures"
    for index, cell in enumerate(nbformat.read(executed, as_version=4).cells):
        for k, out in enumerate(cell.get("outputs", [])):
            png = out.get("data", {}).get("image/png") if out.get("output_type") in ("display_data", "execute_result") else None
            if png:
                figures.mkdir(exist_ok=True)
                (figures / f"cell{index:02d}-{k}.png").write_bytes(base64.b64decode(png))
    return json.loads((folder / "claims.json").read_text(encoding="utf-8"))


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


def cmd_run(args) -> int:
    root = book_root()
    if args.chapter == "all":
        notebooks = list(chapter_notebooks(root).values())
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
    data_dir = Path(args.data_dir).resolve()
    problems = data_mod.validate(data_dir)
    if problems:
        raise data_mod.DataError(problems)  # before any kernel starts
    if args.output:
        output = Path(args.output).resolve()
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        output = (Path("runs") / f"{stamp}-{args.chapter}").resolve()
        n = 1
        while output.exists():
            n += 1
            output = output.with_name(f"{stamp}-{args.chapter}-{n}")
    if output == root / "chapters" or root / "chapters" in output.parents or output == data_dir or data_dir in output.parents:
        raise UsageError("--output must be outside chapters/ and the data folder: inputs are never overwritten")

    import papermill
    from tqdm import tqdm

    from jjj_book import claims

    # Write into a temporary sibling folder and move it into place only when every chapter
    # succeeded, so a failed run never replaces or mixes with an earlier good result.
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    summary, changes = {}, {}
    try:
        bar = tqdm(notebooks, desc="chapters", unit="chapter", disable=args.quiet or len(notebooks) == 1,
                   file=sys.stderr)
        for nb in bar:
            bar.set_postfix_str(nb.stem)
            folder = staging if len(notebooks) == 1 else staging / nb.stem
            try:
                results = _execute_chapter(nb, params[nb.stem], data_dir, folder,
                                           quiet=args.quiet or len(notebooks) > 1)
            except papermill.PapermillExecutionError as exc:
                print(f"error: {nb.stem} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}", file=sys.stderr)
                print(f"nothing was written to {output}", file=sys.stderr)
                shutil.rmtree(staging, ignore_errors=True)
                return EXIT_INVALID
            summary[nb.stem] = {v: sum(r["verdict"] == v for r in results) for v in claims.VERDICTS}
            changes[nb.stem] = _verdict_changes(nb.stem, results, root, params[nb.stem])
        (staging / "run.json").write_text(json.dumps(
            {"data_dir": str(data_dir), "chapters": summary, "verdict_changes": changes,
             "parameters": {k: {n: str(v) for n, v in p.items()} for k, p in params.items()}},
            ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_into_place(staging, output)
    for stem, counts in summary.items():
        print(f"{stem}: {'; '.join(f'{v}: {n}' for v, n in counts.items())}")
    changed = [line for lines in changes.values() for line in lines]
    if changed:
        print(f"{len(changed)} verdict(s) differ from the book's data:")
        for line in changed:
            print(f"  {line}")
    else:
        print("no verdict differs from the book's data")
    print(f"wrote {output}")
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
    from jjj_book import execute

    root = book_root()
    exe = Path(sys.executable).with_name("jupyter-book")
    command = [str(exe) if exe.exists() else "jupyter-book", "build", str(root),
               "--warningiserror", "--keep-going"]
    if args.all:
        command.append("--all")
        # also forget every kept chapter result (jjj_book.execute): everything is executed again
        shutil.rmtree(root / "_build" / execute.CACHE_DIR, ignore_errors=True)
    elif execute.up_to_date(root):
        # No file of the book, no helper, nothing installed and nothing in _build changed since the
        # last successful build: Sphinx would re-read, execute and write nothing (make-style check).
        print("jjj-book: nothing changed since the last successful build (0 added, 0 changed, 0 removed); "
              f"{root / '_build' / 'html'} is up to date")
        return EXIT_OK
    (root / "_build" / execute.STAMP).unlink(missing_ok=True)
    inputs = execute.build_inputs(root)
    status = subprocess.call(command, cwd=root)
    if status != 0:
        # Sphinx keeps the environment of a failed build, and the next build would then
        # skip the failing pages and succeed. Forget it, so every failure repeats.
        (root / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        print("error: the book did not build (see the messages above); the next build re-reads every page",
              file=sys.stderr)
    else:
        execute.write_stamp(root, inputs)  # not if an input changed during the build
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
    sp = with_data(sub.add_parser("run", help="execute a chapter (or all) with papermill into a new output folder"))
    sp.add_argument("chapter", help="notebook stem (01_status), short name (status), or all")
    sp.add_argument("--output", help="output folder (default: a new folder runs/<time>-<chapter>); "
                                     "an existing folder is replaced only if the run succeeds")
    sp.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                    help="set a chapter parameter (repeatable)")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sp.set_defaults(func=cmd_run)
    sp = with_data(sub.add_parser("import", help="add official figures from NBS exports or typed tables"))
    sp.add_argument("files", nargs="+", metavar="FILE", help="CSV (GBK or UTF-8), .xlsx or .xls")
    sp.add_argument("--vintage", required=True, help="vintage id of the figures (see vintages.csv)")
    sp.add_argument("--source-id", required=True, help="source id of the publication (see sources.csv)")
    sp.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    sp.add_argument("--skip-unknown", action="store_true",
                    help="skip indicators the package does not have (listed) instead of refusing the file")
    sp.set_defaults(func=cmd_import)
    sp = sub.add_parser("build", help="build the HTML book into _build/html")
    sp.add_argument("--all", action="store_true",
                    help="re-read every page and re-execute every chapter (default: only what changed)")
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
