"""Fingerprints of what a chapter's result depends on (see :mod:`jjj_book.build.execute`).

- its code cells (source and tags) and kernel (:func:`code_fingerprint`);
- the helper package ``jjj_book`` (every file in it, fonts included; :func:`tree_fingerprint`);
- the Python environment (interpreter and installed distributions) and the execution
  settings (timeout, allow_errors);
- the data it read (:class:`Inputs`): each table and each indicator's observations noted by
  :mod:`jjj_book.reads`, and every other file or folder of the book noted by
  :mod:`jjj_book.build.tracking`.

Only the standard library is imported at module level: the kernels import this module.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

SCHEME = 2                     # bump when the meaning of a fingerprint changes
CACHE_DIR = ".jjj-execute"     # under the build folder (_build)
PACKAGE_DIR = Path(__file__).resolve().parents[1]   # the jjj_book package


@dataclass(frozen=True)
class Settings:
    """How chapters are executed (from the book's ``execute:`` configuration)."""

    timeout: int | None = 300
    allow_errors: bool = False
    workers: int = 0                      # 0: one per CPU core
    exclude: tuple[str, ...] = ()         # glob patterns of notebooks not to execute
    verbose: bool = False                 # let kernels log (their notices do not change any result)

    def fingerprint(self) -> str:
        return sha(json.dumps({"timeout": self.timeout, "allow_errors": self.allow_errors}))

    def worker_count(self, jobs: int) -> int:
        wanted = self.workers or int(os.environ.get("JJJ_BOOK_WORKERS", 0) or 0) or (os.cpu_count() or 1)
        return max(1, min(wanted, jobs))


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def stat(path: str):
    """(mtime, size) of a file, or None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def code_fingerprint(nb: dict) -> str:
    """What execution depends on in the notebook itself: code cells, their tags, the kernel."""
    cells = [[c.get("source", ""), sorted(c.get("metadata", {}).get("tags", []))]
             for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    cells = [["".join(s) if isinstance(s, list) else s, t] for s, t in cells]
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name", "")
    return sha(json.dumps({"cells": cells, "kernel": kernel}, ensure_ascii=False))


def tree_fingerprint(folder: Path) -> str:
    """Every file under a folder (names and bytes), caches excluded."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def environment_fingerprint() -> str:
    """The interpreter, the environment, and the names+versions of the installed distributions."""
    found = [sys.version, sys.prefix, os.path.realpath(sys.executable)]
    for entry in sys.path:
        if os.path.isdir(entry) and ("site-packages" in entry or "dist-packages" in entry):
            found += sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info", ".egg-link")))
    return sha("\n".join(found))


class Inputs:
    """Current fingerprints of a book's inputs, each computed at most once per build."""

    def __init__(self, root: Path, cache: Path | None = None):
        self.root = root.resolve()
        self.cache = cache
        self._memo: dict[tuple, str] = {}

    def _memoised(self, key: tuple, compute: Callable[[], str]) -> str:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def helpers(self) -> str:
        return self._memoised(("helpers",), lambda: tree_fingerprint(PACKAGE_DIR))

    def environment(self) -> str:
        return self._memoised(("environment",), environment_fingerprint)

    # --- paths: kept relative to the book root when inside it
    def where(self, path: str | Path) -> str:
        path = Path(path)
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def path(self, where: str) -> Path:
        return self.root / where if not os.path.isabs(where) else Path(where)

    # --- data
    def value(self, kind: str, where: str, name: str = "") -> str:
        """The current fingerprint of one read (see :mod:`jjj_book.reads`)."""
        return self._memoised((kind, where, name), lambda: self._value(kind, where, name))

    def _value(self, kind: str, where: str, name: str) -> str:
        path = self.path(where)
        if kind == "file":
            return sha(path.read_bytes()) if path.is_file() else "absent"
        if kind == "dir":
            return sha("\n".join(sorted(os.listdir(path)))) if path.is_dir() else "absent"
        if kind == "package":
            return self._package(path)
        resources = self._resources(path)
        if resources is None:  # no descriptor laid out as jjj_book.data reads it: any change counts
            return "whole:" + self._whole(path)
        if kind == "table":
            res = resources.get(name)
            return sha(res.read_bytes()) if res is not None and res.is_file() else "absent"
        if kind == "observations":
            groups, whole = self._indicator_rows(path, resources)
            return whole or groups.get(name, "absent")
        raise ValueError(f"unknown kind of read {kind!r}")

    def _resources(self, root: Path) -> dict[str, Path] | None:
        def compute():
            try:
                descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8-sig"))
                return {r["name"]: root / r["path"] for r in descriptor["resources"]}
            except (OSError, ValueError, KeyError, TypeError):
                return None
        key = ("resources", str(root))
        if key not in self._memo:
            self._memo[key] = compute()  # type: ignore[assignment]
        return self._memo[key]  # type: ignore[return-value]

    def _whole(self, root: Path) -> str:
        """Every file of a data package: those in its folder and every resource file it lists."""
        def compute():
            files = set(p for p in root.glob("*") if p.is_file()) if root.is_dir() else set()
            files |= {p for p in (self._resources(root) or {}).values() if p.is_file()}
            return sha(b"".join(str(p.relative_to(root) if p.is_relative_to(root) else p).encode() + b"\0"
                                 + hashlib.sha256(p.read_bytes()).digest() for p in sorted(files)))
        return self._memoised(("whole", str(root)), compute)

    def _package(self, root: Path) -> str:
        """The descriptor, plus whether the package is valid (validated only when its files changed)."""
        whole = self._whole(root)
        descriptor = root / "datapackage.json"
        head = sha(descriptor.read_bytes()) if descriptor.is_file() else "absent"
        known = self._validity_memo()
        key = sha(f"{self.helpers()} {self.environment()} {whole}")  # the validating code counts too
        if key not in known:
            from jjj_book import data  # pandas: only when the data or the code changed

            known[key] = not data.validate(root)
            self._save_validity(known)
        # an invalid package counts as changed whenever any of its files changes
        return head + (":valid" if known[key] else ":invalid:" + whole)

    def _validity_memo(self) -> dict[str, bool]:
        if "validity" not in self._memo:
            memo = {}
            if self.cache is not None and (self.cache / "validity.json").is_file():
                try:
                    memo = json.loads((self.cache / "validity.json").read_text(encoding="utf-8"))
                except ValueError:
                    memo = {}
            self._memo["validity"] = memo  # type: ignore[assignment]
        return self._memo["validity"]  # type: ignore[return-value]

    def _save_validity(self, known: dict[str, bool]) -> None:
        if self.cache is not None:
            recent = dict(list(known.items())[-50:])
            write_atomic(self.cache / "validity.json", json.dumps(recent).encode())

    def _indicator_rows(self, root: Path, resources: dict[str, Path]) -> tuple[dict[str, str], str | None]:
        """Fingerprint of each indicator's observation rows, as jjj_book.data reads them.

        The second item, when not None, stands for every indicator: the file is not laid out
        as expected, so any change to it counts for all.
        """
        key = ("indicator-rows", str(root))
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        path = resources.get("observations")
        result: tuple[dict[str, str], str | None] = ({}, "absent")
        if path is not None and path.is_file():
            raw = path.read_bytes()
            try:
                rows = list(csv.reader(io.StringIO(raw.decode("utf-8").lstrip("\ufeff"), newline="")))
            except (UnicodeDecodeError, csv.Error):
                rows = []
            header = [h.strip() for h in rows[0]] if rows else []
            if "indicator" in header:
                col = header.index("indicator")
                body = [r for r in rows[1:] if any(c.strip() for c in r)]
                # which columns are ever empty / always empty: it can change a column's dtype
                shape = [[any(len(r) <= i or not r[i].strip() for r in body),
                          all(len(r) <= i or not r[i].strip() for r in body)] for i in range(len(header))]
                groups: dict[str, list[list[str]]] = {}
                for r in body:
                    groups.setdefault(r[col].strip() if len(r) > col else "", []).append(r)
                common = json.dumps([header, shape])
                result = ({ind: sha(common + json.dumps(rs, ensure_ascii=False)) for ind, rs in groups.items()}, None)
            else:
                result = ({}, "whole:" + sha(raw))
        self._memo[key] = result  # type: ignore[assignment]
        return result

