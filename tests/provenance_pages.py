"""The one checker of a built page's provenance (issue 16), in Python over the HTML: what the page records
(:func:`record`), what it shows as a number without provenance (:func:`numbers_without_provenance`), how
many numbers it shows with provenance (:func:`counts`) and which numbers come from a row
(:func:`numbers_using`).

Used on the real built book (``book_html``) by tests/test_chapter_provenance.py and the browser layer, and on
hand-made pages by tests/test_provenance_model.py.
"""

from __future__ import annotations

import csv
import json
import re

from conftest import DATA

PARTS = ("numbers", "rows", "sources")


def _soup(page_html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(page_html, "html.parser")


def record(page_html: str) -> dict:
    """The page's provenance (numbers, rows, sources), merged from all its JSON blocks."""
    rec = {part: {} for part in PARTS}
    for script in _soup(page_html).select('script.jjj-provenance[type="application/json"]'):
        data = json.loads(script.string)
        for part in PARTS:
            rec[part].update(data.get(part, {}))
    return rec


def known_sources() -> set[str]:
    with (DATA / "sources.csv").open(encoding="utf-8") as fh:
        return {row["id"] for row in csv.DictReader(fh)}


def numbers_without_provenance(page_html: str) -> list[str]:
    """What a built page shows as a number without provenance: every glued value with a digit whose key
    (from its id ``n-<key>`` or ``n-<key>-<n>`` for a repeat) is not in the page's provenance, every
    ``data-jjj-prov`` key (table cells, verdict values) not in it, every row or number a number refers to
    that the record lacks, every row whose source is not in the record or not in data/sources.csv."""
    soup = _soup(page_html)
    rec = record(page_html)
    known = known_sources()
    bad = []
    for span in soup.select("span.pasted-text"):
        if not re.search(r"\d", span.get_text()):
            continue
        m = re.fullmatch(r"n-(.+?)(?:-\d+)?", span.get("id", ""))
        if not m or (m.group(1) not in rec["numbers"] and span["id"][2:] not in rec["numbers"]):
            bad.append(f"glued {span.get('id', '')!r}: {span.get_text()}")
    for node in soup.select("[data-jjj-prov]"):
        if node["data-jjj-prov"] not in rec["numbers"]:
            bad.append(f"{node['data-jjj-prov']}: {node.get_text()}")
    for key, number in rec["numbers"].items():
        bad += [f"{key}: row {r}" for r in number["rows"] if r not in rec["rows"]]
        bad += [f"{key}: uses {u}" for u in number["uses"] if u not in rec["numbers"]]
    for rid, row in rec["rows"].items():
        if row["source"] not in rec["sources"] or row["source"] not in known:
            bad.append(f"{rid}: source {row['source']}")
    return bad


def counts(page_html: str) -> dict[str, int]:
    """How many numbers the page shows with provenance: in prose (glued), tables (cells), verdicts."""
    soup = _soup(page_html)
    prose = sum(1 for s in soup.select("span.pasted-text") if re.search(r"\d", s.get_text()))
    marked = [n["data-jjj-prov"] for n in soup.select("[data-jjj-prov]")]
    verdicts = sum(1 for k in marked if k.endswith((":reported", ":book")))
    return {"prose": prose, "tables": len(marked) - verdicts, "verdicts": verdicts}


def numbers_using(rec: dict, row: str) -> list[str]:
    """Keys of the page's numbers that are, or are computed from, the observation ``row``."""
    return [k for k, n in rec["numbers"].items() if row in n["rows"]]
