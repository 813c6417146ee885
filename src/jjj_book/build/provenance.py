"""Sphinx extension: every value pasted with ``{glue:text}`` knows its glue key.

myst-nb 1.x renders ``{glue:text}`key:.2f``` as ``<span class="pasted-text">9.64</span>``: the key is
gone from the page, so nothing could say where that 9.64 comes from. This extension replaces the
``glue:text`` role by a subclass that marks the same inline node with

- the class ``jjj-glued`` and an HTML id ``n-<key>`` (``n-<key>-2`` … when a key is pasted again), so a
  teacher can link to one number; the page script (``_static/jjj-provenance.js``) finds the key from
  the id and, when the chapter recorded the value's provenance (``ch.glue(..., rows=…)`` and
  ``ch.provenance()``), makes it open a panel with its rows and sources.

Nothing changes for chapter authors: the prose keeps ``{glue:text}`name:fmt```. A reference to
another page (``{glue:text}`doc::key```) is left as myst-nb makes it.

Charts switched between vintages (``ch.chart_variants``) arrive as one HTML output with every variant's
PNG inline; :func:`images_to_files` writes those PNGs to ``_images/`` and points the ``<img>`` at them
(lazily loaded), so a page does not carry every variant's pixels in its HTML.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from collections import Counter
from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx.application import Sphinx

from jjj_book.provenance import html_id

_COUNTS = "jjj_glue_ids"


class ProvenancePasteTextRole(PasteTextRole):
    """myst-nb's ``glue:text`` role whose node carries its key (class ``jjj-glued``, id ``n-<key>``)."""

    def run(self):
        out, messages = super().run()
        key = self.text.rsplit(":", 1)[0] if ":" in self.text else self.text
        if "::" in self.text:
            return out, messages
        counts = getattr(self.document, _COUNTS, None)   # one counter per document
        if counts is None:
            counts = Counter()
            setattr(self.document, _COUNTS, counts)
        for node in out:
            if isinstance(node, nodes.inline) and "pasted-text" in node["classes"]:
                counts[key] += 1
                anchor = html_id(key) + ("" if counts[key] == 1 else f"-{counts[key]}")
                node["classes"].append("jjj-glued")
                node["ids"].append(anchor)
        return out, messages


_INLINE_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def images_to_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Every inline PNG of a chart switcher becomes a file in ``_images/`` (named by its content)."""
    if app.builder.format != "html":
        return
    folder = Path(app.outdir) / "_images"
    prefix = posixpath.relpath("_images", posixpath.dirname(docname) or ".")

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(1))
        name = f"jjj-variant-{hashlib.sha1(data).hexdigest()[:16]}.png"
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / name).is_file():
            (folder / name).write_bytes(data)
        return f'loading="lazy" src="{prefix}/{name}"'

    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if raw.get("format") == "html" and 'class="jjj-variants"' in text:
            new = _INLINE_PNG.sub(to_file, text)
            raw.replace_self(nodes.raw(new, new, format="html"))


_BLOCK = re.compile(r'<script type="application/json" class="jjj-provenance">(.*?)</script>', re.S)


def merge_provenance(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The page's provenance blocks (one per verdict list, table, chart, ``ch.provenance()``) become one
    block at the end of the page: rows and sources cited by several numbers are written once."""
    merged: dict[str, dict] = {"numbers": {}, "rows": {}, "sources": {}}
    found = 0
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if raw.get("format") != "html" or "jjj-provenance" not in text:
            continue
        for block in _BLOCK.findall(text):
            data = json.loads(block.replace("<\\/", "</"))
            for part in merged:
                merged[part].update(data.get(part, {}))
            found += 1
        rest = _BLOCK.sub("", text)
        raw.replace_self(nodes.raw(rest, rest, format="html"))
    if found:
        payload = json.dumps(merged, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
        block = f'<script type="application/json" class="jjj-provenance">{payload}</script>'
        doctree.append(nodes.raw(block, block, format="html"))


def _override(app: Sphinx) -> None:
    app.add_role_to_domain("glue", "text", ProvenancePasteTextRole(), override=True)


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")
    _override(app)
    app.connect("doctree-resolved", images_to_files)
    app.connect("doctree-resolved", merge_provenance)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
