"""The teacher's guide: the index of every chapter's exercises, and the claims to discuss.

Both are read from the book itself (the chapter notebooks and the claims registry), so
the guide follows when a chapter gains an exercise or new data change a verdict.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from jjj_book.claims import REGISTRY, CannotCheck, Result, evaluate, evaluate_claim  # noqa: F401
from jjj_book.chapters.vintages import other_vintages  # noqa: F401  (one place: chapters/vintages.py)
from jjj_book.data import DataPackage
from jjj_book import book
from jjj_book.render import claim_values

LEVELS = ("基础", "进阶", "挑战")
UNLABELLED = "未标注"
EXERCISE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{admonition\}\s*练习\s*(?P<n>\d+)\s*(?:（(?P<level>[^）]*)）)?"
                      r"\s*[：:]\s*(?P<title>.+?)\s*$")
INDEX_COLUMNS = ["练习", "难度", "题目", "用到的函数或参数", "参考答案"]


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _cells(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]


def title_of(path: Path) -> str:
    """The notebook's first level-1 heading."""
    for cell in _cells(path):
        for line in _source(cell).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return Path(path).stem


def _names_in(body: list[str]) -> list[str]:
    """Inline code names in an exercise text (MyST roles such as {term}`…` are not names)."""
    plain = re.sub(r"\{[\w:-]+\}`[^`]*`", "", "\n".join(body))
    return list(dict.fromkeys(re.findall(r"`([^`]+)`", plain)))


def _exercises_in_cell(lines: list[str], stem: str) -> list[dict]:
    found = []
    for k, line in enumerate(lines):
        match = EXERCISE.match(line.strip())
        if not match:
            continue
        body = []
        for rest in lines[k + 1:]:
            if rest.strip() == match["fence"]:
                break
            if not rest.startswith(":"):
                body.append(rest)
        found.append({"chapter": stem, "n": int(match["n"]), "level": match["level"] or "",
                      "title": match["title"], "names": _names_in(body), "solution": False})
    return found


def exercises(path: Path) -> list[dict]:
    """One chapter's exercises: number, difficulty, title, names mentioned, whether a folded solution follows."""
    cells = _cells(path)
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        in_cell = _exercises_in_cell(_source(cell).splitlines(), Path(path).stem)
        if in_cell:
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            tags = (nxt or {}).get("metadata", {}).get("tags", [])
            in_cell[-1]["solution"] = bool(nxt and nxt["cell_type"] == "code" and "hide-cell" in tags)
            found += in_cell
    return found


def chapter_notebooks(chapters_dir: str | Path) -> list[Path]:
    """The report chapters of the book whose chapters folder this is, in table-of-contents order.

    A guide copied out of the book (no ``_toc.yml`` one folder up) has no chapters to index.
    """
    root = Path(chapters_dir).resolve().parent
    if not (root / "_toc.yml").is_file():
        return []
    return [page.path for page in book.chapters(root)]


def exercise_index(notebooks: list[Path]) -> pd.DataFrame:
    """Tidy: one row per exercise of the book (chapter, chapter_title, n, level, title, names, solution)."""
    rows = [dict(e, chapter_title=title_of(p)) for p in notebooks for e in exercises(p)]
    return pd.DataFrame(rows, columns=["chapter", "chapter_title", "n", "level", "title", "names", "solution"])


def level_counts(index: pd.DataFrame) -> dict[str, int]:
    """Exercises per difficulty, in the order 基础, 进阶, 挑战 (and 未标注 when any)."""
    levels = index["level"].replace("", UNLABELLED).value_counts()
    return {lvl: int(levels[lvl]) for lvl in (*LEVELS, UNLABELLED) if lvl in levels}


def chapter_exercise_table(index: pd.DataFrame, chapter: str) -> pd.DataFrame:
    """For display: 练习 | 难度 | 题目 | 用到的函数或参数 | 参考答案, for one chapter."""
    group = index[index["chapter"] == chapter]
    return pd.DataFrame({
        "练习": group["n"].astype(int).tolist(),
        "难度": [lvl or UNLABELLED for lvl in group["level"]],
        "题目": group["title"].tolist(),
        "用到的函数或参数": ["、".join(f"`{n}`" for n in names) or "—" for names in group["names"]],
        "参考答案": ["有（折叠）" if s else "无" for s in group["solution"]],
    }, columns=INDEX_COLUMNS)


def discussion_table(pkg: DataPackage, titles: dict[str, str]) -> pd.DataFrame:
    """For display: every claim that currently differs, with the other vintages' answers, one row each."""
    rows = []
    for r in evaluate(pkg):
        if r.verdict != "differs":
            continue
        alts = "；".join(f"{pkg.vintage_name(v)} {claim_values(a)[1]}"
                        for v, a in other_vintages(pkg, r)) or "没有其他可用的版本"
        reported, ours = claim_values(r)
        rows.append({"章节": titles.get(r.chapter, r.chapter), "报告的说法（转述）": r.statement,
                     "报告": reported, "本书": f"{ours}（{pkg.vintage_name(r.vintage)}）",
                     "换用其他版本": alts, "证据": f"{{ref}}`见正文 <{r.section}>`"})
    return pd.DataFrame(rows, columns=["章节", "报告的说法（转述）", "报告", "本书", "换用其他版本", "证据"])
