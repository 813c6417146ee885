"""The ``jjj-book`` command: check data, list data and claims, run chapters, build the book.

Bad input ends with a message that says what is wrong and a non-zero exit,
never a Python traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from jjj_book.cli.base import (  # noqa: F401  (re-exported: jjj_book.cli is where they are imported from)
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    _Lazy,
    _short_name,
    _show,
    book,
    book_root,
    chapter_notebooks,
    coerce_parameter,
    data_mod,
    notebook_parameters,
    resolve_chapter,
)
from jjj_book.cli.commands import (  # noqa: F401  (re-exported: jjj_book.cli is where they are imported from)
    IMPORT_LOCK_TIMEOUT,
    _prepare_import,
    _read_inputs,
    cmd_build,
    cmd_check,
    cmd_claims,
    cmd_data,
    cmd_import,
)
from jjj_book.cli.help import (  # noqa: F401  (re-exported: jjj_book.cli is where they are imported from)
    HELP,
    _doc,
)
from jjj_book.cli.run import (  # noqa: F401  (re-exported: jjj_book.cli is where they are imported from)
    RUN_MARKER,
    STAGING_MARK,
    _chapter_params,
    _check_years,
    _clean_leftovers,
    _execute_chapter,
    _interrupt_on_sigterm,
    _is_earlier_run,
    _kernel_stderr,
    _KnownParameters,
    _output_folder,
    _pid_alive,
    _quiet_papermill_parameter_warnings,
    _remove_empty,
    _swap_into_place,
    _verdict_changes,
    cmd_run,
)

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


