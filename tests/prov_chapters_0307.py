"""One real chapter (03–07) built alone in a tiny book from a data copy with one value changed, for the
provenance checks (issue 16): every number its page shows in prose, tables and verdicts must open its
rows and sources (``provenance_book.numbers_without_provenance``), and the changed value must appear
with provenance.

The tiny book holds the real configuration and static files, the glossary (the chapter's ``{term}``
roles), the chapter, and a stub page carrying every other label the chapter refers to with ``{ref}``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
from conftest import DATA, ROOT, build_book

# chapter stem → (row prefix in observations.csv, the row's vintage, the new value, the value as the
# provenance panel shows it): a number of the page must come from that row.
CHANGES = {
    "03_innovation": ("rd_intensity,CN-HE,2023,annual,", "published", "2.18", "2.18%"),
    "04_public_services": ("disposable_income_all,CN-HE,2023,annual,", "survey", "33903", "33,903元"),
    "05_green": ("pm25_annual_mean,CN-BJ,2023,annual,", "published", "33", "33微克/立方米"),
    "06_culture": ("culture_revenue,CN-HE,2024,annual,", "published", "895.1", "895.1亿元"),
    "07_scorecard": ("gdp,CN-BJ,2011,annual,", "census4", "17000.1", "17,000.1亿元"),
}


def _set_row(obs: Path, prefix: str, vintage: str, value: str) -> None:
    lines = obs.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    for n, line in enumerate(lines):
        cells = line.split(",")
        if line.startswith(prefix) and cells[header.index("vintage")] == vintage:
            cells[header.index("value")] = value
            lines[n] = ",".join(cells)
            obs.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
    raise AssertionError(f"no row {prefix}…{vintage} in {obs}")


def make_chapter_book(dest: Path, stem: str, change: bool = True) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "jieba_userdict.txt"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "_static", dest / "_static", dirs_exist_ok=True)
    shutil.copytree(DATA, dest / "data", ignore=shutil.ignore_patterns("_staging"), dirs_exist_ok=True)
    if change:
        prefix, vintage, value, _shown = CHANGES[stem]
        _set_row(dest / "data" / "observations.csv", prefix, vintage, value)
    chapters = dest / "chapters"
    chapters.mkdir(exist_ok=True)
    source = (ROOT / "chapters" / f"{stem}.ipynb").read_text(encoding="utf-8")
    nb = nbformat.reads(source, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'data_dir = ""' in params.source, "the chapter's parameters set no data_dir"
    params.source = params.source.replace('data_dir = ""', 'data_dir = "../data"', 1)   # the changed copy
    nbformat.write(nb, chapters / f"{stem}.ipynb")
    shutil.copy(ROOT / "chapters" / "glossary.md", chapters / "glossary.md")
    glossary = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")
    own = set(re.findall(r"\(([a-z0-9-]+)\)=", source + glossary))
    wanted = sorted(set(re.findall(r"<([a-z0-9-]+)>`", source + glossary)) - own)
    stub = "# 其他章节\n\n" + "".join(f"({label})=\n## {label}\n\n占位。\n\n" for label in wanted)
    (chapters / "others.md").write_text(stub, encoding="utf-8")
    (chapters / "intro.md").write_text("# 演示书\n\n只有一章。\n", encoding="utf-8")
    (dest / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/intro\nchapters:\n"
        f"  - file: chapters/{stem}\n  - file: chapters/glossary\n  - file: chapters/others\n", encoding="utf-8")
    return dest


def build_chapter_book(dest: Path, stem: str, change: bool = True) -> Path:
    """Make and build the tiny book; return the chapter's page."""
    make_chapter_book(dest, stem, change)
    result = build_book(dest)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return dest / "_build" / "html" / "chapters" / f"{stem}.html"


def page_record(page_html: str) -> dict:
    """The page's provenance (all its JSON blocks merged)."""
    from bs4 import BeautifulSoup

    rec = {"numbers": {}, "rows": {}, "sources": {}}
    for script in BeautifulSoup(page_html, "html.parser").select('script.jjj-provenance[type="application/json"]'):
        data = json.loads(script.string)
        for part, found in rec.items():
            found.update(data[part])
    return rec


def counts(page_html: str) -> dict[str, int]:
    """How many numbers the page shows with provenance: in prose (glued), tables (cells), verdicts."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    prose = sum(1 for s in soup.select("span.pasted-text") if re.search(r"\d", s.get_text()))
    marked = [n["data-jjj-prov"] for n in soup.select("[data-jjj-prov]")]
    verdicts = sum(1 for k in marked if k.endswith((":reported", ":book")))
    return {"prose": prose, "tables": len(marked) - verdicts, "verdicts": verdicts}


def problems(stem: str, page_html: str) -> list[str]:
    """What is wrong with the provenance of a page built by :func:`build_chapter_book`: numbers without
    provenance (see ``numbers_without_provenance``), and the changed value missing from its rows or from
    every number's inputs."""
    from provenance_book import numbers_without_provenance

    bad = numbers_without_provenance(page_html)
    prefix, vintage, _value, shown = CHANGES[stem]
    indicator, region, year, period = prefix.rstrip(",").split(",")
    rid = f"{indicator}|{region}|{year}|{period}|{vintage}"
    rec = page_record(page_html)
    if rid not in rec["rows"]:
        return bad + [f"the changed row {rid} is not in the page's provenance"]
    if rec["rows"][rid]["value"] != shown:
        bad.append(f"the changed row shows {rec['rows'][rid]['value']}, not {shown}")
    if not any(rid in number["rows"] for number in rec["numbers"].values()):
        bad.append(f"no number of the page comes from the changed row {rid}")
    return bad
