"""The commands check, data, claims, import and build."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from jjj_book.cli.base import (
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    _show,
    book_root,
    data_mod,
    resolve_chapter,
)
from jjj_book.cli.run import (
    _interrupt_on_sigterm,
)

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

