"""The help texts of the commands."""

from __future__ import annotations

import argparse
import textwrap

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

