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


# --------------------------------------------------------------------------- legible on a laptop and a phone

def _lab(hex_colour: str):
    """CIE L*a*b* of an sRGB colour (D65), for colour distances."""
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_derived_lines_never_take_a_region_colour():
    """A ratio or difference line must not look like a region (04 drew a ratio in Beijing's orange)."""
    for derived in plots.DERIVED_COLORS:
        for code, region in plots.REGION_COLORS.items():
            distance = sum((a - b) ** 2 for a, b in zip(_lab(derived), _lab(region))) ** 0.5
            assert distance > 25, f"{derived} is too close to {code}'s {region} (ΔE {distance:.0f})"
    assert len(set(plots.DERIVED_COLORS)) == len(plots.DERIVED_COLORS)


@pytest.mark.parametrize("window", [1280, 400])
def test_the_smallest_chart_text_is_legible_at_both_widths(window):
    assert plots.smallest_text_px(window) >= plots.LEGIBLE_PX[window]
    # a figure as wide as the old two-panel charts (9.6 in) would not be: the check can fail
    assert plots.smallest_text_px(400, figure_width_in=9.6, font_pt=7.5) < plots.LEGIBLE_PX[400]


def test_every_figure_fits_the_main_column_at_its_natural_size():
    for ncols, width in [(1, None), (1, 7.6), (2, 9.6), (3, 9.6)]:
        fig, _ = plots.new_figure(ncols=ncols, width=width)
        assert fig.get_size_inches()[0] * plots.SCREEN_DPI <= plots.COLUMN_PX[1280]
        plots.plt.close(fig)


def test_several_panels_are_stacked_one_under_the_other():
    fig, axes = plots.new_figure(ncols=3, width=9.6, height=3.4)
    assert len(axes) == 3
    fig.canvas.draw()
    boxes = [ax.get_position() for ax in axes]
    assert all(a.y0 > b.y1 for a, b in zip(boxes, boxes[1:]))        # each panel below the previous
    assert all(b.width > 0.7 for b in boxes)                          # and as wide as the figure
    plots.plt.close(fig)


def test_finish_raises_small_text_and_prints_the_source_legibly():
    fig, ax = plots.new_figure()
    ax.plot([2020, 2021, 2022], [1, 2, 3])
    ax.tick_params(labelsize=6)
    ax.annotate("注", (2021, 2), fontsize=5)
    plots.finish(fig, "国家统计局《国家数据》", ["五经普修订数"], fontsize=5)
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(plots.Text) if t.get_visible() and t.get_text().strip()]
    assert sizes and min(sizes) >= plots.MIN_FONT_PT
    assert fig.texts[0].get_fontsize() >= plots.MIN_FONT_PT
    plots.plt.close(fig)


def test_the_source_line_adds_height_instead_of_squeezing_the_chart():
    fig, ax = plots.new_figure(height=3.0)
    plots.finish(fig, "国家统计局《国家数据》", ["五经普修订数"])
    assert fig.get_size_inches()[1] > 3.0
    plots.plt.close(fig)


def test_a_chart_with_several_series_gets_a_legend():
    import pandas as pd

    fig, (ax1, ax2, ax3) = plots.new_figure(ncols=3)
    ax1.stackplot([1, 2, 3], [[1, 2, 3], [3, 2, 1]], labels=["北京", "天津"])  # 01's share chart had none
    ax2.plot([1, 2], [1, 2], label="北京")                                     # one series: no legend needed
    plots.line_by_region(ax3, pd.DataFrame({"CN-BJ": [1.0, 2.0, 3.0], "CN-HE": [2.0, 1.0, 0.5]},
                                           index=[2020, 2021, 2022]), {"CN-BJ": "北京", "CN-HE": "河北"})
    ax3.legend(loc="upper left")                                              # kept as the chapter placed it
    plots.finish(fig, "国家统计局《国家数据》", ["五经普修订数"])
    assert ax1.get_legend() is not None and ax2.get_legend() is None
    assert ax3.get_legend()._loc == 2
    plots.plt.close(fig)


def test_a_missing_year_is_a_gap_not_a_bridge():
    import math

    import pandas as pd

    table = pd.DataFrame({"CN-BJ": [1.0, 2.0, 4.0]}, index=[2021, 2022, 2024])   # 2023 missing (as 06 had)
    fig, ax = plots.new_figure()
    plots.line_by_region(ax, table, {"CN-BJ": "北京"})
    xs, ys = ax.lines[0].get_data()
    assert list(xs) == [2021, 2022, 2023, 2024] and math.isnan(ys[2])
    plots.line_over_years(ax, table["CN-BJ"])
    assert math.isnan(ax.lines[1].get_ydata()[2])
    plots.plt.close(fig)


def test_half_year_break_rows_survive_completing_the_years():
    import pandas as pd

    from jjj_book import series

    table = pd.DataFrame({"CN-BJ": [1.0, 2.0, 3.0, 4.0]}, index=[2016, 2017, 2018, 2019])
    split = series.split_at_breaks(table, [2018])
    done = plots.complete_years(split)
    assert list(done.index) == [2016, 2017, 2017.5, 2018, 2019]


def test_a_break_in_a_series_is_marked():
    fig, ax = plots.new_figure()
    ax.plot([2016, 2017, 2018, 2019], [1, 2, 3, 4])
    plots.mark_break(ax, 2018, "五经普修订")
    assert any(line.get_xdata()[0] == 2017.5 for line in ax.lines[1:])
    assert [t.get_text() for t in ax.texts] == ["五经普修订"]
    plots.plt.close(fig)


def test_two_points_or_fragments_are_better_as_a_small_table():
    import pandas as pd

    assert not plots.worth_a_chart(pd.Series([1.0, 2.0], index=[2021, 2022]))
    assert not plots.worth_a_chart(pd.Series([1.0, 2.0, 3.0, 4.0], index=[2015, 2016, 2019, 2020]))  # fragments
    assert plots.worth_a_chart(pd.Series([1.0, 2.0, 3.0], index=[2020, 2021, 2022]))
    assert plots.worth_a_chart(pd.DataFrame({"a": [1.0, None, None], "b": [1.0, 2.0, 3.0]}, index=[2020, 2021, 2022]))


def test_regions_differ_by_marker_too_and_later_markers_are_smaller():
    """A point under another region's (Tianjin's 2022 PM2.5 under Hebei's) still shows around it."""
    import pandas as pd

    table = pd.DataFrame({"CN-TJ": [30.0, 37.0, 40.0], "CN-HE": [35.0, 37.0, 41.0]}, index=[2020, 2021, 2022])
    fig, ax = plots.new_figure()
    plots.line_by_region(ax, table, {"CN-TJ": "天津", "CN-HE": "河北"})
    tj, he = ax.lines
    assert tj.get_marker() != he.get_marker()
    assert tj.get_markersize() > he.get_markersize() and he.get_zorder() > tj.get_zorder()
    plots.plt.close(fig)


def test_notebook_figures_are_2x_png_shown_at_their_1x_size(tmp_path):
    """In a kernel the house style switches IPython to its "retina" PNG: twice the pixels, the 1× size
    in the output metadata (myst-nb turns it into the image's width)."""
    from IPython.core.interactiveshell import InteractiveShell
    from PIL import Image
    import io

    shell = InteractiveShell.instance()
    try:
        plots.use_house_style()
        fig, ax = plots.new_figure()
        ax.plot([1, 2, 3], [1, 2, 3])
        plots.finish(fig, "国家统计局《国家数据》", ["五经普修订数"])
        data, metadata = shell.display_formatter.format(fig)
    finally:
        InteractiveShell.clear_instance()
        plots.plt.close("all")
    png = data["image/png"]
    png = png if isinstance(png, bytes) else __import__("base64").b64decode(png)
    image = Image.open(io.BytesIO(png))
    assert round(image.info["dpi"][0]) == plots.SCREEN_DPI * plots.PIXEL_RATIO
    assert metadata["image/png"]["width"] * plots.PIXEL_RATIO in (image.size[0], image.size[0] - 1)
    assert metadata["image/png"]["width"] <= plots.COLUMN_PX[1280]
