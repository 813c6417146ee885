"""Where the book's own data package is, wherever ``jjj_book`` is installed.

In a checkout (an editable install) it is the repository's ``data/``; in an installed
wheel it is the copy shipped inside the package (``jjj_book/datapackage/``, put there by
``setup.py``). A chapter notebook copied alone into an empty folder therefore runs with
``data_dir`` left empty.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED = PACKAGE_DIR / "datapackage"
CHECKOUT = PACKAGE_DIR.parents[1] / "data"
DESCRIPTOR = "datapackage.json"
# Set by the book build for the chapters it executes: the book's own data/ (a book built in
# another folder than the checkout reads its data, not the package's).
BOOK_DATA_ENV = "JJJ_BOOK_DATA"


def default_data_dir() -> Path:
    """The data package a chapter reads when ``data_dir`` is empty: the book's own ``data/`` while the
    book build executes it (``$JJJ_BOOK_DATA``), else the one shipped with this installation."""
    explicit = os.environ.get(BOOK_DATA_ENV)
    if explicit:
        if not (Path(explicit) / DESCRIPTOR).is_file():
            raise FileNotFoundError(f"${BOOK_DATA_ENV}={explicit} holds no {DESCRIPTOR}")
        return Path(explicit)
    for candidate in (SHIPPED, CHECKOUT):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    raise FileNotFoundError(
        f"jjj_book has no data package: neither {SHIPPED} nor {CHECKOUT} holds {DESCRIPTOR}")


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """An explicit data folder as given; empty or None means the shipped data package."""
    if data_dir in (None, ""):
        return default_data_dir()
    return Path(data_dir)
