"""The classroom pack: chapter notebooks, the data package and the ``jjj_book`` wheel in one archive.

Two archives are made, each complete on its own:

- the **student** pack: every chapter notebook with outputs cleared and the exercises'
  reference solutions taken out (each replaced by an empty cell to answer in);
- the **teacher** pack: the same with the solutions kept (folded in the book, plain
  code cells in Jupyter).

Both hold the data package as a visible folder (``data/``; the wheel ships the same copy,
which a notebook uses when ``data_dir`` is left empty), the wheel, and a short Chinese
README on installing into a fresh environment and opening the notebooks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jjj_book import book

PACK_NAME = "jjj-book-classroom"
KINDS = ("student", "teacher")
ANSWER_HERE = "# 在这里写你的答案\n"
SOLUTION_TAG = "hide-cell"          # the folded reference solution follows its exercise
DATA_FILES = ("*.csv", "*.json", "*.md")
FIXED_TIME = (2023, 1, 1, 0, 0, 0)  # zip entries carry a fixed date: the same inputs give the same archive

README = """# 京津冀协同发展报告（2023）可复现版 · 课堂包（{kind_zh}）

本包可以在任何装有 Python 3.11—3.13 的电脑上使用，不需要本书的代码仓库。

## 内容

- `chapters/`：各章的 Jupyter 笔记本（未运行，没有输出）。{solutions}
- `data/`：本书的数据包（`observations.csv` 等，每个数字都注明出处和数据版本，可用表格软件打开）。
- `{wheel}`：`jjj_book` 程序包，其中也附带同一份数据包。

## 安装（约一两分钟，需要能访问 Python 软件包索引）

```bash
python3 -m venv .venv
.venv/bin/pip install {wheel}              # Windows：.venv\\Scripts\\pip install {wheel}
.venv/bin/pip install jupyterlab           # 想在浏览器中打开笔记本时再装
```

## 打开和运行

```bash
.venv/bin/jupyter lab chapters/            # 在浏览器中打开，逐格运行
.venv/bin/papermill chapters/01_status.ipynb out.ipynb    # 或者不开界面，整章运行一遍
```

笔记本的第一个代码格是参数。`data_dir` 留空时使用程序包附带的数据；改成 `"../data"` 就用本包 `data/` 中的那一份，
修改其中的数字或加入新的年份后重新运行，表格、图和核对结论会随之改变。

数据来自国家统计局及京津冀三地统计部门的公开出版物，出处见 `data/sources.csv`；字体 Noto Sans SC 按 SIL OFL 1.1 授权。
"""


@dataclass(frozen=True)
class Pack:
    kind: str
    path: Path
    size: int          # bytes
    notebooks: int
    solutions_removed: int

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024 / 1024:.1f} MB"


WHEEL_SOURCES = ("pyproject.toml", "setup.py", "README.md", "src", "data")


def build_wheel(root: Path, out_dir: Path) -> Path:
    """Build the ``jjj_book`` wheel of the book at ``root`` (no dependencies, no network).

    The build runs on a copy of the project's sources, so nothing (``build/``, ``*.egg-info``)
    is written into the book's own folder and no stale build output can slip into the wheel.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "_staging", "*.pyc")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "src-copy"
        source.mkdir()
        for name in WHEEL_SOURCES:
            item = root / name
            if item.is_dir():
                shutil.copytree(item, source / name, ignore=ignore)
            else:
                shutil.copy2(item, source / name)
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                               "--disable-pip-version-check", "-w", str(out_dir), str(source)],
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"building the jjj_book wheel failed:\n{done.stdout}{done.stderr}")
    wheels = sorted(out_dir.glob("jjj_book-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one jjj_book wheel in {out_dir}, found {[w.name for w in wheels]}")
    return wheels[0]


def classroom_notebook(path: Path, keep_solutions: bool) -> tuple[dict, int]:
    """The notebook as a student gets it: outputs cleared, solutions kept or replaced. Returns (nb, removed)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    removed = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags and not keep_solutions:
            cell["source"] = ANSWER_HERE
            cell["metadata"]["tags"] = [t for t in tags if t != SOLUTION_TAG]
            removed += 1
    return nb, removed


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(f"{PACK_NAME}/{name}", date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def make_pack(root: Path, out_dir: Path, kind: str, wheel: Path) -> Pack:
    """Write ``<out_dir>/jjj-book-classroom-<kind>.zip`` for the book at ``root``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    keep = kind == "teacher"
    target = out_dir / f"{PACK_NAME}-{kind}.zip"
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = book.notebooks(root)
    removed = 0
    with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".zip.part", delete=False) as handle:
        partial = Path(handle.name)
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for page in book.pages(root):
                name = page.path.relative_to(root).as_posix()
                if not page.is_notebook:
                    _add(archive, name, page.path.read_bytes())
                    continue
                nb, n = classroom_notebook(page.path, keep)
                removed += n
                _add(archive, name, (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
            _add(archive, "_toc.yml", (root / "_toc.yml").read_bytes())
            for pattern in DATA_FILES:
                for path in sorted((root / "data").glob(pattern)):
                    _add(archive, f"data/{path.name}", path.read_bytes())
            _add(archive, wheel.name, wheel.read_bytes())
            readme = README.format(
                kind_zh="教师版" if keep else "学生版", wheel=wheel.name,
                solutions=("每道练习后面保留了参考答案。" if keep else
                           "练习的参考答案已经去掉，每道题后面留了一个空的代码格；参考答案在教师版课堂包中。"))
            _add(archive, "README.md", readme.encode("utf-8"))
        partial.chmod(0o644)            # a temporary file is private (0600); the archive is for readers
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return Pack(kind, target, target.stat().st_size, len(notebooks), removed)


def make_packs(root: Path, out_dir: Path) -> list[Pack]:
    """Both packs (student and teacher) with one freshly built wheel."""
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(root, Path(tmp))
        return [make_pack(root, out_dir, kind, wheel) for kind in KINDS]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
