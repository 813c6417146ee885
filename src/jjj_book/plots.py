"""One house style for every chart in the book.

- a Simplified-Chinese font shipped inside this package (Noto Sans SC subset,
  SIL OFL; see fonts/README.md), so charts never depend on a system font;
- one colour per region, the same in every chapter;
- the data source and vintage printed under every chart (:func:`finish`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, MaxNLocator

from jjj_book.text import source_line

FONT_DIR = Path(__file__).with_name("fonts")

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
REGION_COLORS = {
    "CN-BJ": "#D55E00",  # vermillion
    "CN-TJ": "#0072B2",  # blue
    "CN-HE": "#009E73",  # bluish green
    "CN": "#6E6E6E",     # grey for the national benchmark
    "JJJ": "#CC79A7",    # reddish purple for the three together
}
REGION_ORDER = ["CN-BJ", "CN-TJ", "CN-HE", "JJJ", "CN"]


@lru_cache(maxsize=None)
def font_files() -> dict[str, Path]:
    """The bundled font files by weight ('regular', 'bold')."""
    found = {}
    for path in sorted(FONT_DIR.glob("*.[ot]tf")):
        weight = "bold" if "bold" in path.name.lower() else "regular"
        found.setdefault(weight, path)
    if "regular" not in found:
        raise FileNotFoundError(f"no bundled CJK font in {FONT_DIR}; the package is incomplete")
    return found


@lru_cache(maxsize=None)
def font_family() -> str:
    """Register the bundled fonts with matplotlib and return their family name."""
    for path in font_files().values():
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(font_files()["regular"])).get_name()


def use_house_style() -> None:
    """Apply the book's rcParams (idempotent)."""
    plt.rcParams.update({
        "font.family": [font_family()],
        "axes.unicode_minus": False,  # ASCII hyphen-minus: present in every font
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.6,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.labelsize": 10,
        "legend.frameon": False,
        "legend.fontsize": 9,
    })


def new_figure(ncols: int = 1, width: float = 7.6, height: float = 4.2):
    """A figure with the house style; :func:`finish` adds the source line under it."""
    use_house_style()
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained")
    return fig, axes


def thousands(ax, axis: str = "y", decimals: int = 0) -> None:
    """Group digits with commas on an axis (40,000 rather than 40000)."""
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.{decimals}f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def line_by_region(ax, table, names: dict[str, str], marker: str = "o", **kwargs) -> None:
    """One line per region column, in the region's colour, labelled in Chinese."""
    for code in [c for c in REGION_ORDER if c in table.columns]:
        ax.plot(table.index, table[code], marker=marker, markersize=3.5, linewidth=1.8,
                color=REGION_COLORS[code], label=names[code], **kwargs)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def line_over_years(ax, values, color: str = "#444444", marker: str = "o") -> None:
    """One unlabelled line over years (a single regional measure), with whole-year ticks."""
    ax.plot(values.index, values, marker=marker, markersize=3.5, linewidth=1.8, color=color)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def bars_by_region(ax, table, names: dict[str, str], width: float = 0.26, fmt: str = "{:.1f}") -> None:
    """Grouped bars: categories on the x axis (table index), one bar per region column."""
    codes = [c for c in REGION_ORDER if c in table.columns]
    positions = range(len(table.index))
    for k, code in enumerate(codes):
        offset = (k - (len(codes) - 1) / 2) * width
        xs = [p + offset for p in positions]
        bars = ax.bar(xs, table[code], width=width, color=REGION_COLORS[code], label=names[code])
        # a missing value leaves a gap with no label (never a 'nan')
        ax.bar_label(bars, labels=["" if pd.isna(v) else fmt.format(v) for v in table[code]], fontsize=8, padding=2)
    ax.set_xticks(list(positions), [str(i) for i in table.index])


def _wrap(text: str, max_units: float) -> list[str]:
    """Wrap mixed Chinese/Latin text by display width (a CJK character ≈ two Latin ones)."""
    lines, current, width = [], "", 0.0
    for ch in text:
        w = 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55
        if width + w > max_units and current:
            lines.append(current)
            current, width = "", 0.0
        current += ch
        width += w
    return lines + [current] if current else lines


def finish(fig, citation: str, vintage_names: list[str], fontsize: float = 7.5) -> None:
    """Print source and vintage under the chart, reserving just enough room for it."""
    width_in, height_in = fig.get_size_inches()
    lines = _wrap(source_line(citation, vintage_names), max_units=width_in * 72 / fontsize * 0.96)
    line_in = fontsize * 1.35 / 72
    bottom = min((len(lines) * line_in + 0.08) / height_in, 0.45)  # a cap keeps the layout solvable
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    fig.text(0.01, 0.01, "\n".join(lines), ha="left", va="bottom", fontsize=fontsize,
             color="#555555", linespacing=1.35)
