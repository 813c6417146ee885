"""The house style: bundled CJK font, region colours, source line under every chart."""

from __future__ import annotations

import json
import warnings

import pytest
from matplotlib.ft2font import FT2Font

from jjj_book import data, plots
from conftest import DATA, ROOT


def test_font_ships_with_its_licence():
    files = plots.font_files()
    assert {"regular", "bold"} <= set(files)
    assert (plots.FONT_DIR / "OFL.txt").read_text(encoding="utf-8").startswith("Copyright")
    assert "Noto Sans SC" in plots.font_family()


def _chinese_text_of_the_book() -> str:
    pkg = data.load(DATA)
    parts = list(pkg.regions["name_zh"]) + list(pkg.indicators["name_zh"]) + list(pkg.vintages["name_zh"])
    parts += list(pkg.units["symbol_zh"])
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        parts += ["".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]]
    return "".join(parts)


def test_every_character_the_book_uses_is_in_the_bundled_font():
    charmap = FT2Font(str(plots.font_files()["regular"])).get_charmap()
    used = {ch for ch in _chinese_text_of_the_book() if ord(ch) > 0x2E7F}
    missing = sorted(ch for ch in used if ord(ch) not in charmap)
    assert not missing, f"characters not in the bundled font: {''.join(missing)}"


def test_chinese_labels_draw_without_missing_glyph_warnings(tmp_path):
    fig, ax = plots.new_figure()
    ax.set_title("京津冀 北京市 天津市 河北省 雄安新区 地区生产总值（亿元）")
    ax.set_xlabel("城乡收入比 人均可支配收入 常住人口（万人）")
    plots.finish(fig, "国家统计局《国家数据》", ["四经普修订数"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(tmp_path / "t.png")
    assert (tmp_path / "t.png").stat().st_size > 10_000


def test_one_distinct_colour_per_region():
    codes = set(data.load(DATA).regions["code"])
    assert codes <= set(plots.REGION_COLORS)
    assert len(set(plots.REGION_COLORS.values())) == len(plots.REGION_COLORS)


def test_source_and_vintage_printed_under_the_chart():
    pkg = data.load(DATA)
    fig, ax = plots.new_figure()
    rows = pkg.series("gdp", "census5")
    plots.finish(fig, pkg.citation(rows), ["五经普修订数"])
    texts = [t.get_text().replace("\n", "") for t in fig.texts]
    assert len(texts) == 1
    assert texts[0].startswith("数据来源：国家统计局《") and texts[0].endswith("数据版本：五经普修订数。")


@pytest.mark.parametrize("width", [5.0, 9.6])
def test_long_source_lines_wrap_to_the_figure_width(width):
    fig, _ = plots.new_figure(width=width)
    pkg = data.load(DATA)
    long_citation = "；".join(f"{r.publisher}《{r.publication}》" for r in pkg.sources.head(8).itertuples())
    plots.finish(fig, long_citation, ["四经普修订数"])
    assert len(fig.texts[0].get_text().split("\n")) > 1
    fig.canvas.draw()
    extent = fig.texts[0].get_window_extent()
    assert extent.x1 <= fig.bbox.x1 and extent.y0 >= 0  # the rendered line fits inside the figure


def test_a_missing_bar_has_no_nan_label():
    import pandas as pd

    table = pd.DataFrame({"CN-BJ": [1.0, float("nan")], "CN-HE": [2.0, 3.0]}, index=["2020", "2021"])
    fig, ax = plots.new_figure()
    plots.bars_by_region(ax, table, {"CN-BJ": "北京", "CN-HE": "河北"})
    labels = [t.get_text() for t in ax.texts]
    assert "nan" not in labels and "3.0" in labels and "1.0" in labels
    plots.plt.close(fig)
