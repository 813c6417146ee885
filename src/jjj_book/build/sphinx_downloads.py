"""Downloads on every chapter page: the chapter's notebook and the data it uses, as CSV.

When the builder starts, this extension writes, for each notebook of the book's table of
contents (``chapters/NN_name.ipynb``, and the appendices), a tidy CSV ``_build/jjj-downloads/NN_name.csv`` with every
observation (all regions, years and vintages) of the indicators the chapter uses, each row
with its source spelled out. A file is rewritten only when its content changed, so an
unchanged book stays unchanged for Sphinx. When Sphinx reads a chapter, a short download
line (the CSV and the notebook itself, as MyST ``path:`` links, i.e. Sphinx download
references) is added under its title;
the notebook files are never edited.

"The indicators a chapter uses" are found in its code, not declared by hand:

- string literals in the chapter's code cells that are indicator ids of the data package;
- the same in the chapter's claims module (``src/jjj_book/claims/<name>.py``) and in every
  chapter-specific module of ``jjj_book`` the chapter imports (e.g. ``jjj_book.since``, or
  another chapter's claims module), following their imports of such modules in turn;
  importing ``evaluate`` (all claims at once, the scorecard) brings in every claims module;
- a literal that ends with ``_`` and opens an f-string (``f"jjj_index_{name}"``) or is
  passed to ``str.startswith`` names every indicator with that prefix.

The generic helpers (``data``, ``metrics``, ``series``, ``plots``, ``text``) are not
scanned: they serve every chapter, and a chapter that uses them names its indicators itself.
"""

from __future__ import annotations

import ast
import io
import json
import os
from pathlib import Path

from sphinx.util import logging

import jjj_book
from jjj_book import book
from jjj_book.data import OBSERVATION_COLUMNS, DataError, DataPackage, load

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(jjj_book.__file__).resolve().parent
DOWNLOAD_DIR = "jjj-downloads"          # under the build folder (_build)
CSV_COLUMNS = [*OBSERVATION_COLUMNS, "note", "indicator_name_zh", "unit_zh", "region_name_zh", "vintage_name_zh",
               "source_publisher", "source_publication", "source_table_or_release", "source_date", "source_url"]


# --------------------------------------------------------------------------- which indicators

def _module_file(name: str) -> Path | None:
    """``claims.status`` → src/jjj_book/claims/status.py (None if it is not a module of the package)."""
    if not name:
        return None
    path = PACKAGE_DIR.joinpath(*name.split(".")).with_suffix(".py")
    return path if path.is_file() else None


def _claims_modules() -> list[str]:
    return sorted(f"claims.{p.stem}" for p in (PACKAGE_DIR / "claims").glob("*.py")
                  if p.stem not in ("__init__", "render"))


def _parse(source: str) -> ast.Module:
    # IPython magics and shell escapes are not Python; a chapter has none, but never fail on one.
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        return ast.parse(source)
    except SyntaxError:
        return ast.parse("")


class _Module:
    """One parsed source: its top-level functions and what its names refer to in ``jjj_book``."""

    def __init__(self, name: str, tree: ast.Module):
        self.name, self.tree = name, tree
        self.functions = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.modules: dict[str, str] = {}            # local alias → jjj_book module ("series", "claims.green")
        self.names: dict[str, tuple[str, str]] = {}  # local name → (module, name) imported from it
        self.every_claim = False                     # imports claims.evaluate: all claims at once
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "jjj_book":
                base = node.module.partition(".")[2]
                for alias in node.names:
                    local = alias.asname or alias.name
                    sub = f"{base}.{alias.name}" if base else alias.name
                    if _module_file(sub):
                        self.modules[local] = sub
                    else:
                        self.names[local] = (base or "__init__", alias.name)
                    if base == "claims" and alias.name == "evaluate":
                        self.every_claim = True
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("jjj_book.") and alias.asname:
                        self.modules[alias.asname] = alias.name.partition(".")[2]


_MODULES: dict[str, _Module] = {}


def _module(name: str) -> _Module | None:
    path = _module_file(name)
    if path is None:
        return None
    key = f"{name}:{path.stat().st_mtime_ns}"
    if key not in _MODULES:
        _MODULES[key] = _Module(name, _parse(path.read_text(encoding="utf-8")))
    return _MODULES[key]


def _scan(node: ast.AST, where: _Module) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """(string literals, id prefixes, functions called in jjj_book as (module, name)) under ``node``."""
    literals, prefixes, calls = set(), set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            literals.add(sub.value)
        elif isinstance(sub, ast.JoinedStr) and sub.values:
            head = sub.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                prefixes.add(head.value)
        elif isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Attribute) and func.attr == "startswith" and sub.args:
                arg = sub.args[0]
                values = arg.elts if isinstance(arg, ast.Tuple) else [arg]
                prefixes |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in where.modules:
                calls.add((where.modules[func.value.id], func.attr))
            elif isinstance(func, ast.Name):
                if func.id in where.names:
                    calls.add(where.names[func.id])
                elif func.id in where.functions:
                    calls.add((where.name, func.id))
    return literals, prefixes, calls


def _matching(known: set[str], literals: set[str], prefixes: set[str]) -> set[str]:
    found = known & literals
    for prefix in prefixes:
        if prefix.endswith("_"):
            found |= {k for k in known if k.startswith(prefix)}
    return found


def chapter_indicators(notebook: Path, known: set[str]) -> list[str]:
    """The indicator ids (of ``known``) that a chapter notebook uses, sorted.

    Scanned: the chapter's code cells; its claims module, whole (``evaluate_chapter`` runs every
    claim in it), or every claims module when the chapter imports ``evaluate``; and each function
    of ``jjj_book`` these call, following calls from function to function.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in nb.get("cells", []) if c.get("cell_type") == "code")
    chapter = _Module("", _parse(code))
    whole = [f"claims.{notebook.stem.partition('_')[2]}"] + (_claims_modules() if chapter.every_claim else [])
    literals, prefixes, calls = _scan(chapter.tree, chapter)
    for name in dict.fromkeys(whole):
        module = _module(name)
        if module is not None:
            lit, pre, more = _scan(module.tree, module)
            literals, prefixes, calls = literals | lit, prefixes | pre, calls | more
    done: set[tuple[str, str]] = set()
    pending = list(calls)
    while pending:
        target = pending.pop()
        if target in done:
            continue
        done.add(target)
        module = _module(target[0])
        if module is None or target[1] not in module.functions:
            continue
        lit, pre, more = _scan(module.functions[target[1]], module)
        literals, prefixes = literals | lit, prefixes | pre
        pending += [c for c in more if c not in done]
    return sorted(_matching(known, literals, prefixes))


# --------------------------------------------------------------------------- the CSV

def chapter_csv(pkg: DataPackage, indicators: list[str]) -> str:
    """Every observation of ``indicators`` as CSV: the public columns, then names and the full source."""
    obs = pkg.observations
    rows = obs.loc[obs["indicator"].isin(indicators)].copy()
    ind = pkg.indicators.set_index("id")
    units = dict(zip(pkg.units["id"], pkg.units["symbol_zh"]))
    src = pkg.sources.set_index("id")
    rows["indicator_name_zh"] = rows["indicator"].map(ind["name_zh"])
    rows["unit_zh"] = rows["unit"].map(units)
    rows["region_name_zh"] = rows["region"].map(dict(zip(pkg.regions["code"], pkg.regions["name_zh"])))
    rows["vintage_name_zh"] = rows["vintage"].map(pkg.vintage_name)
    for col in ("publisher", "publication", "table_or_release", "date", "url"):
        rows[f"source_{col}"] = rows["source_id"].map(src[col])
    rows = rows.sort_values(["indicator", "vintage", "region", "year", "period"], kind="stable")
    buf = io.StringIO()
    rows[CSV_COLUMNS].to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def write_if_changed(path: Path, text: str, encoding: str = "utf-8-sig") -> bool:
    """Write ``text`` unless the file already holds exactly it (keeps its time stamp for Sphinx)."""
    data = text.encode(encoding)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_downloads(book_root: Path, out_dir: Path) -> dict[str, tuple[Path, list[str], int]]:
    """Write one CSV per notebook of ``_toc.yml``; return {notebook stem: (csv path, indicators, number of rows)}.

    The indicators listed are those the chapter uses that have observations (the others have no
    rows); a notebook that uses none gets no CSV.

    Nothing is written (and no link offered) when the book has no valid data package.
    """
    if not (book_root / "data").is_dir() or not (book_root / "_toc.yml").is_file():
        return {}
    chapters = [page.path for page in book.notebooks(book_root)]
    if not chapters:
        return {}
    try:
        pkg = load(book_root / "data")
    except DataError:
        return {}  # the chapters themselves report the problems
    known = set(pkg.indicators["id"])
    observed = set(pkg.observations["indicator"])
    written = {}
    for notebook in chapters:
        indicators = [i for i in chapter_indicators(notebook, known) if i in observed]
        if not indicators:
            continue
        path = out_dir / f"{notebook.stem}.csv"
        text = chapter_csv(pkg, indicators)
        write_if_changed(path, text)
        written[notebook.stem] = (path, indicators, text.count("\n") - 1)
    stale = set(out_dir.glob("*.csv")) - {w[0] for w in written.values()} if out_dir.is_dir() else set()
    for path in stale:
        path.unlink()
    return written


# --------------------------------------------------------------------------- Sphinx

def download_cell(csv_link: str, notebook_name: str, n_indicators: int, n_rows: int) -> dict:
    """The markdown cell added under a chapter's title."""
    # MyST's ``path:`` links are download references, even to a page's own source file
    text = (f"<small>下载本章：[数据（CSV，{n_indicators} 个指标、{n_rows} 条观测，每条带出处）](path:{csv_link})"
            f" · [笔记本（{notebook_name}）](path:{notebook_name})</small>")
    return {"cell_type": "markdown", "id": "jjj-downloads", "metadata": {"tags": ["jjj-downloads"]}, "source": text}


def _builder_inited(app) -> None:
    if app.builder.format != "html":
        return
    out_dir = Path(app.outdir).parent / DOWNLOAD_DIR
    app._jjj_downloads = write_downloads(Path(app.srcdir), out_dir)
    if app._jjj_downloads:
        logger.info(f"jjj_book: data downloads for {len(app._jjj_downloads)} chapters in {out_dir}")


def _source_read(app, docname: str, source: list[str]) -> None:
    downloads = getattr(app, "_jjj_downloads", None) or {}
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb" or path.stem not in downloads or path.parent.name != "chapters":
        return
    csv_path, indicators, n_rows = downloads[path.stem]
    app.env.note_dependency(__file__)  # a change to the line added here re-reads the chapters
    nb = json.loads(source[0])
    link = os.path.relpath(csv_path, path.parent).replace(os.sep, "/")
    cells = nb.get("cells", [])
    at = 1 if cells and cells[0].get("cell_type") == "markdown" else 0
    cells.insert(at, download_cell(link, path.name, len(indicators), n_rows))
    source[0] = json.dumps(nb, ensure_ascii=False)


def setup(app):
    app.connect("builder-inited", _builder_inited)
    # after jjj_book.build.sphinx_ext has merged the executed outputs into the page
    app.connect("source-read", _source_read, priority=600)
    return {"version": jjj_book.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
