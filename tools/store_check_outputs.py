"""Execute chapters and keep only the outputs nbval compares.

A chapter is stored without outputs except the cells tagged
``nbval-check-output`` (its key figures): those keep their outputs and
execution counts, so ``pytest --nbval-lax`` fails when a figure changes.
Run this after a deliberate change to data or code, review the diff of the
stored figures, and commit it.

    .venv/bin/python tools/store_check_outputs.py chapters/01_status.ipynb [...]
    .venv/bin/python tools/store_check_outputs.py      # every notebook in _toc.yml (appendices included)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbclient
import nbformat

from jjj_book.book import notebooks

ROOT = Path(__file__).resolve().parents[1]

CHECK_TAG = "nbval-check-output"


def store(path: Path) -> int:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    kept = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timestamps: noise in every diff
        if cell.cell_type != "code":
            continue
        if CHECK_TAG in cell.metadata.get("tags", []):
            kept += 1
            continue
        cell.outputs = []
        cell.execution_count = None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return kept


if __name__ == "__main__":
    for arg in sys.argv[1:] or [os.path.relpath(page.path) for page in notebooks(ROOT)]:
        print(f"{arg}: kept the outputs of {store(Path(arg))} check cell(s)")
