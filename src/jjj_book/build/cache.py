"""The kept chapter results in ``_build/.jjj-execute/``: which are up to date, storing and serving them.

A chapter's result (its executed notebook) is kept with the fingerprint of everything it was
computed from (:mod:`jjj_book.build.fingerprints`), and served only if every part of that
fingerprint is unchanged. A chapter that fails keeps no result. A result whose inputs changed
while the chapter ran is used for this build but not kept.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from jjj_book.build.fingerprints import (PACKAGE_DIR, SCHEME, Inputs, Settings, code_fingerprint, sha, stat,
                                         write_atomic)


def key(rel: str) -> str:
    return rel.removesuffix(".ipynb").replace("/", "--")


def result_path(cache: Path, rel: str) -> Path:
    """The executed copy of a notebook (what Sphinx renders; a page notes it as a dependency)."""
    return cache / f"{key(rel)}.ipynb"

def entry_path(cache: Path, rel: str) -> Path:
    return cache / f"{key(rel)}.json"


def forget(cache: Path, rel: str) -> None:
    entry_path(cache, rel).unlink(missing_ok=True)
    result_path(cache, rel).unlink(missing_ok=True)


def static_parts(nb: dict, inputs: Inputs, settings: Settings) -> dict[str, str]:
    return {"code": code_fingerprint(nb), "helpers": inputs.helpers(),
            "environment": inputs.environment(), "settings": settings.fingerprint()}


_PART_NAMES = {"code": "its code changed", "helpers": "the jjj_book package changed",
               "environment": "the Python environment changed", "settings": "the execution settings changed"}


def staleness(notebook: Path, inputs: Inputs, cache: Path, settings: Settings,
              nb: dict | None = None) -> str | None:
    """None if the kept result of ``notebook`` is up to date, else why it must be executed."""
    rel = inputs.where(notebook)
    try:
        entry = json.loads(entry_path(cache, rel).read_text(encoding="utf-8"))
        output = result_path(cache, rel).read_bytes()
    except (OSError, ValueError):
        return "no earlier result"
    if entry.get("scheme") != SCHEME or entry.get("output") != sha(output):
        return "no earlier result"
    if nb is None:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    now = static_parts(nb, inputs, settings)
    for part, value in now.items():
        if entry["static"].get(part) != value:
            return _PART_NAMES[part]
    gone = [rel for rel in entry.get("writes", []) if not (inputs.root / rel).exists()]
    if gone:
        return f"a file it wrote is gone: {gone[0]}"
    changed = [_describe(kind, where, name) for kind, where, name, value in entry["reads"]
               if inputs.value(kind, where, name) != value]
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        return f"data it read changed: {shown}"
    return None


def _describe(kind: str, where: str, name: str) -> str:
    if kind == "observations":
        return f"{where} observations of {name}"
    if kind == "table":
        return f"{where} table {name}"
    if kind == "package":
        return f"{where} (descriptor or validity)"
    return f"{where}"


def store(root: Path, notebook: Path, nb, tracked: dict, before: dict[str, str], settings: Settings,
           cache: Path, seconds: float) -> tuple[str | None, str | None]:
    """Keep an executed notebook and its fingerprint.

    Returns (warning, note): a warning when the result cannot be kept because an input
    changed while the chapter ran, a note when it is not kept for another reason.
    """
    import nbformat

    inputs = Inputs(root, cache)  # fresh: no value computed before the chapter ran
    rel = inputs.where(notebook)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    join_streams(nb)
    content = nbformat.writes(nb).encode("utf-8")
    path = result_path(cache, rel)
    if not (path.is_file() and path.read_bytes() == content):
        write_atomic(path, content)  # an unchanged result keeps its date: Sphinx need not re-read the page
    entry_path(cache, rel).unlink(missing_ok=True)
    if tracked.get("error"):
        return f"{rel}: the result is used in this build but not kept: reads could not be tracked ({tracked['error']})", None
    if tracked.get("prefix") != sys.prefix or tracked.get("package") != str(PACKAGE_DIR):
        return None, (f"{rel}: the kernel runs the Python in {tracked.get('prefix')} with jjj_book from "
                      f"{tracked.get('package')}, not this build's ({sys.prefix}, {PACKAGE_DIR}): the result is not kept")
    after = static_parts(nb, inputs, settings)
    moved = [part for part in after if after[part] != before.get(part)]
    moved += [inputs.where(f) for f, was in tracked.get("files", {}).items() if stat(f) != (was and tuple(was))]
    if moved:
        return (f"{rel}: the result is used in this build but not kept: {', '.join(moved[:3])} "
                f"changed while the chapter ran; build again"), None
    reads = []
    for kind, where, name in sorted({(k, inputs.where(w), n) for k, w, n in tracked["notes"]}):
        reads.append([kind, where, name, inputs.value(kind, where, name)])
    writes = sorted(inputs.where(w) for w in tracked.get("written", []))
    entry = {"scheme": SCHEME, "notebook": rel, "static": after, "reads": reads, "writes": writes,
             "seconds": round(seconds, 3), "output": sha(content),
             "executed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write_atomic(entry_path(cache, rel), json.dumps(entry, ensure_ascii=False, indent=1).encode("utf-8"))
    return None, None


def join_streams(nb) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one, text unchanged.

    How a kernel's output is cut into messages depends on timing, and myst-nb's
    ``nb_merge_streams`` joins the pieces lossily (it strips each piece's trailing
    whitespace), so the same chapter could render differently from run to run.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        joined = []
        for out in cell.get("outputs", []):
            if (out.get("output_type") == "stream" and joined and joined[-1].get("output_type") == "stream"
                    and joined[-1].get("name") == out.get("name")):
                joined[-1]["text"] = "".join(joined[-1]["text"]) + "".join(out["text"])
            else:
                joined.append(out)
        cell["outputs"] = joined



def merged_source(source: str, executed: dict) -> str:
    """The notebook as written (prose, tags, metadata) with the outputs of its executed copy."""
    nb = json.loads(source)
    done = [c for c in executed.get("cells", []) if c.get("cell_type") == "code"]
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    if len(done) != len(code):
        raise ValueError("the executed copy does not match the notebook")
    for cell, ran in zip(code, done):
        cell["outputs"] = ran.get("outputs", [])
        cell["execution_count"] = ran.get("execution_count")
    if "language_info" in executed.get("metadata", {}):
        nb.setdefault("metadata", {})["language_info"] = executed["metadata"]["language_info"]
    return json.dumps(nb, ensure_ascii=False)



def last_seconds(cache: Path, rel: str) -> float:
    """How long the chapter took when its result was last kept (infinity if unknown)."""
    try:
        return json.loads(entry_path(cache, rel).read_text(encoding="utf-8"))["seconds"]
    except (OSError, ValueError, KeyError):
        return float("inf")
