"""Inside each kernel: note what a chapter reads while it runs.

The build runs :func:`kernel_begin` silently before a chapter's first cell and
:func:`kernel_end` after its last; in between, :mod:`jjj_book.data` notes the tables and
indicators read (:mod:`jjj_book.reads`) and an audit hook notes every other file or
folder of the book the chapter opens or lists. :func:`kernel_end` writes the notes to a report
file that :func:`jjj_book.build.cache.store` turns into the result's fingerprint.

Only the standard library is imported: this module is imported in every kernel.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

from jjj_book.build.fingerprints import stat

_SKIP_TOP = {"_build", ".git", ".venv", ".ipynb_checkpoints", ".pytest_cache"}

_KERNEL: dict = {}


def kernel_begin(root: str, skip: list[str], report: str) -> None:
    """Start noting what this kernel reads (run silently before a chapter's first cell)."""
    from jjj_book import reads

    reads.notes = set()
    state = _KERNEL
    real = os.path.realpath(root)
    state.update(root=real, prefixes=tuple({real + os.sep, os.path.abspath(root) + os.sep}),
                 skip=[os.path.realpath(s) for s in skip], report=report, files={}, written=set(), error=None,
                 local=threading.local())
    if not state.get("hooked"):
        sys.addaudithook(_audit)
        state["hooked"] = True


def kernel_end() -> None:
    """Write what the chapter read to the report file (run silently after its last cell)."""
    from jjj_book import reads

    notes = sorted(reads.notes or ())
    reads.notes = None
    state = _KERNEL
    with open(state["report"], "w", encoding="utf-8") as fh:
        json.dump({"notes": notes, "files": state["files"], "written": sorted(state["written"]), "error": state["error"],
                   "prefix": sys.prefix, "package": str(Path(reads.__file__).resolve().parent)}, fh)
    state["report"] = None


def _audit(event: str, args: tuple) -> None:
    if event not in ("open", "os.listdir", "os.scandir"):
        return
    state = _KERNEL
    if not state.get("report"):
        return
    local = state["local"]
    if getattr(local, "busy", False):
        return
    local.busy = True
    try:
        _note_path(event, args, state)
    except Exception as exc:  # noqa: BLE001 - never break a chapter; refuse to keep its result instead
        state["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        local.busy = False


def _note_path(event: str, args: tuple, state: dict) -> None:
    target = args[0] if args else None
    if target is None or isinstance(target, int):
        return  # a file descriptor: its open was seen already
    path = os.path.abspath(os.fsdecode(os.fspath(target)))
    root = state["root"]
    if not path.startswith(state["prefixes"]):
        return  # outside the book (the interpreter, its libraries, caches)
    path = os.path.realpath(path)
    if not path.startswith(root + os.sep):
        return
    if "__pycache__" in path.split(os.sep) and path.endswith(".pyc"):
        import importlib.util

        try:
            path = importlib.util.source_from_cache(path)  # a local module: its source counts
        except ValueError:
            return
    if any(path == s or path.startswith(s + os.sep) for s in state["skip"]):
        return
    if os.path.relpath(path, root).split(os.sep)[0] in _SKIP_TOP:
        return
    if event == "open" and _writes_only(args):
        state["written"].add(path)   # the chapter's output (the scorecard's CSV), not an input: a kept
        return                       # result is used only while the files it wrote are there
    if event == "open":
        if path not in state["files"]:
            st = stat(path)
            state["files"][path] = list(st) if st else None
        if _inside_data_loader():
            return  # the data package notes these reads itself, table by table
        kind = "file"
    else:
        if "importlib" in sys._getframe(2).f_code.co_filename:
            # the import system and importlib.metadata scanning sys.path (modules are noted when
            # opened; installed distributions are part of the environment fingerprint)
            return
        kind = "dir"
    from jjj_book import reads

    if reads.notes is not None:
        reads.notes.add((kind, path, ""))


def _writes_only(args: tuple) -> bool:
    """An open for writing, not reading: mode 'w'/'x'/'a' without '+', or os.open with O_WRONLY."""
    mode = args[1] if len(args) > 1 else None
    if isinstance(mode, str):
        return any(c in mode for c in "wxa") and "+" not in mode
    flags = args[2] if len(args) > 2 else None
    return isinstance(flags, int) and bool(flags & os.O_WRONLY)


def _inside_data_loader() -> bool:
    data = sys.modules.get("jjj_book.data")
    load = getattr(data, "_load", None)
    code = getattr(load, "__code__", None)
    if code is None:
        return False
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False

