"""The whole build's up-to-date check: ``jjj-book build`` is skipped when nothing it reads or
writes changed since the last successful build (``_build/.jjj-build-stamp.json``)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from jjj_book.build.fingerprints import (CACHE_DIR, PACKAGE_DIR, SCHEME, environment_fingerprint, sha, stat,
                                         tree_fingerprint, write_atomic)

STAMP = ".jjj-build-stamp.json"   # under _build: the state right after the last successful build
_NOT_INPUTS = {"_build", ".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints", "test-output"}


def build_inputs(root: Path) -> dict[str, str]:
    """Everything outside _build that a build could read: every file of the book (content
    digests), the helper package, the Python environment, and what chapters read outside the book."""
    root = root.resolve()
    found: dict[str, str] = {"": sha(json.dumps({"root": str(root), "environment": environment_fingerprint(),
                                                   "helpers": tree_fingerprint(PACKAGE_DIR),
                                                   "vars": {k: os.environ.get(k) for k in
                                                            ("SOURCE_DATE_EPOCH", "LANG", "LC_ALL", "PYTHONPATH")}}))}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_INPUTS and not d.endswith(".egg-info"))
        for name in files:
            path = Path(folder, name)
            try:
                with open(path, "rb") as fh:
                    digest = hashlib.file_digest(fh, "sha256").hexdigest()
            except OSError as exc:  # a dangling link, a file removed meanwhile: its state still counts
                digest = f"unreadable: {exc.strerror}"
            found[path.relative_to(root).as_posix()] = digest
    cache = root / "_build" / CACHE_DIR
    for entry in sorted(cache.glob("*.json")) if cache.is_dir() else []:
        try:
            reads = json.loads(entry.read_text(encoding="utf-8")).get("reads", [])
        except ValueError:
            continue
        for kind, where, _name, _value in reads:
            if os.path.isabs(where):  # read outside the book: its current state counts too
                path = Path(where)
                found[where] = (sha(path.read_bytes()) if path.is_file() else
                                sha("\n".join(sorted(os.listdir(path)))) if path.is_dir() else "absent")
    return found


def build_outputs(root: Path) -> dict[str, list[int]]:
    """Size and date of every file under _build (the build's own outputs and caches)."""
    build = root.resolve() / "_build"
    found = {}
    for folder, _dirs, files in os.walk(build):
        for name in files:
            path = Path(folder, name)
            if path.name == STAMP and path.parent == build:
                continue
            st = stat(str(path))
            found[path.relative_to(build).as_posix()] = list(st) if st else None
    return found


def up_to_date(root: Path) -> bool:
    """True if nothing a build reads or writes changed since the last successful build."""
    try:
        stamp = json.loads((root / "_build" / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (stamp.get("scheme") == SCHEME and stamp.get("outputs") == build_outputs(root)
            and stamp.get("inputs") == build_inputs(root))


def write_stamp(root: Path, inputs_before: dict[str, str]) -> bool:
    """Record the state after a successful build, if no file of the book changed while it ran.

    (Files that chapters read outside the book are listed from the results the build keeps,
    so a build may add some, and a chapter may write a new file into the book, e.g. a download:
    both are recorded as they are after the build.)
    """
    inputs = build_inputs(root)
    before = {k: v for k, v in inputs_before.items() if not os.path.isabs(k)}
    # a file of the book that changed or vanished while the build ran: no stamp. A file the build
    # itself created (a chapter's download, e.g. the scorecard CSV) is recorded as it is now.
    if any(inputs.get(k) != v for k, v in before.items()):
        return False
    outputs = build_outputs(root)
    write_atomic(root / "_build" / STAMP,
                  json.dumps({"scheme": SCHEME, "inputs": inputs, "outputs": outputs}).encode("utf-8"))
    return True
