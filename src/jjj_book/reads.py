"""Notes of which data a chapter read, for the book build's execution cache.

While the book build executes a chapter (:mod:`jjj_book.build.execute`), :data:`notes`
is a set and :mod:`jjj_book.data` adds one note per thing a chapter reads:

- ``("package", root, "")`` — the package was loaded (its descriptor and its validity);
- ``("table", root, name)`` — a whole resource table, e.g. ``regions`` or ``observations``;
- ``("observations", root, indicator)`` — only the observation rows of one indicator.

The build re-executes a chapter when the data behind any of its notes changed.
Outside a build :data:`notes` is None and noting costs nothing. This module must
stay free of heavy imports: the build imports it in every kernel.
"""

from __future__ import annotations

notes: set[tuple[str, str, str]] | None = None


def note(kind: str, root: object, name: str = "") -> None:
    """Record one read (a no-op unless a build is tracking this process)."""
    if notes is not None:
        notes.add((kind, str(root), name))
