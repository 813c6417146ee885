"""One house style for every chart in the book, legible on a laptop and on a phone.

- a Simplified-Chinese font shipped inside this package (Noto Sans SC subset,
  SIL OFL; see fonts/README.md), so charts never depend on a system font;
- one colour (and marker) per region, the same in every chapter; ratios and other derived
  lines take :data:`DERIVED_COLORS`, never a region's colour;
- one width for every figure (:data:`FIGURE_WIDTH`, a little under the book's ~700 px main
  column); several panels are stacked one under the other (``new_figure(ncols=2)``), so each
  panel keeps the full width on a phone;
- crisp: notebooks show the figures as PNG at twice the screen resolution (:data:`PIXEL_RATIO`),
  which the page displays at or below its natural size;
- no text smaller than :data:`MIN_FONT_PT` (tick labels, legend, bar labels, source line):
  at the figure's display width that is ≥ 11 px at a 1280 px window and ≥ 9 px at 400 px
  (:func:`smallest_text_px`); :func:`finish` raises anything smaller to it;
- a legend whenever an axes has two or more labelled series (:func:`finish` adds it);
- a missing year is a visible gap (:func:`complete_years`, used by the line helpers), a break in a
  series is marked (:func:`mark_break`); a series with fewer than three points is better shown as a
  small table (:func:`worth_a_chart`);
- the data source and vintage printed under every chart (:func:`finish`).
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.text import Text
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
# A marker shape per region as well (a reader who cannot tell the colours apart, a point under another).
REGION_MARKERS = {"CN-BJ": "o", "CN-TJ": "s", "CN-HE": "^", "JJJ": "D", "CN": "v"}
# Lines that are not one region's (ratios, differences, totals of other kinds, a second measure):
# colours far from every region colour, so no chapter reuses Beijing's vermillion for a ratio.
DERIVED_COLORS = ("#332288", "#997700", "#882255", "#222222")

# Geometry. The page shows a figure at its natural size (FIGURE_WIDTH × SCREEN_DPI px) or
# narrower: about 540 px in the ~688 px main column at 1280 px, the full ~350 px of a cell output at 400 px.
SCREEN_DPI = 96           # CSS pixels per inch
PIXEL_RATIO = 2           # PNG pixels per CSS pixel (a "2×" image: crisp on high-density screens)
FIGURE_WIDTH = 5.6        # inches, every figure (tight cropping may add a few pixels)
PANEL_HEIGHT = 3.2        # inches, one panel, before the source line
MIN_FONT_PT = 11.0        # the smallest text of any chart (ticks, legend, labels, source line)
TITLE_PT = 13.0
LABEL_PT = 11.5
# Width (CSS px) a chart gets in the book's pages, measured in Chromium: the main column at 1280 px,
# and at 400 px a cell output inside the column (368 px column, outputs a little narrower).
COLUMN_PX = {1280: 688, 400: 350}
LEGIBLE_PX = {1280: 11.0, 400: 9.0}   # smallest rendered text the book accepts at each window width


def smallest_text_px(window: int, figure_width_in: float = FIGURE_WIDTH, font_pt: float = MIN_FONT_PT) -> float:
    """Rendered size (CSS px) of the smallest chart text when the page is ``window`` px wide."""
    natural = figure_width_in * SCREEN_DPI
    shown = min(natural, COLUMN_PX[window])
    return font_pt * SCREEN_DPI / 72 * shown / natural


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


def _notebook_shows_2x() -> None:
    """In a notebook kernel: show figures as PNG at PIXEL_RATIO × the screen resolution.

    IPython's "retina" format saves at twice ``figure.dpi`` and records the 1× size in the
    output's metadata, which myst-nb turns into the image's width: the page shows it at or below
    its natural size, sharp on every screen."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")


def use_house_style() -> None:
    """Apply the book's rcParams (idempotent)."""
    plt.rcParams.update({
        "font.family": [font_family()],
        "axes.unicode_minus": False,  # ASCII hyphen-minus: present in every font
        "figure.dpi": SCREEN_DPI,
        "savefig.dpi": SCREEN_DPI * PIXEL_RATIO,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.6,
        "font.size": MIN_FONT_PT,
        "axes.titlesize": TITLE_PT,
        "axes.titleweight": "bold",
        "axes.labelsize": LABEL_PT,
        "xtick.labelsize": MIN_FONT_PT,
        "ytick.labelsize": MIN_FONT_PT,
        "legend.frameon": True,          # a light box: a legend over a filled area stays readable
        "legend.framealpha": 0.85,
        "legend.edgecolor": "none",
        "legend.fontsize": MIN_FONT_PT,
        "legend.title_fontsize": MIN_FONT_PT,
        "lines.linewidth": 2.0,
        "lines.markersize": 5.5,
    })
    _notebook_shows_2x()


def new_figure(ncols: int = 1, width: float | None = None, height: float | None = None):
    """A figure with the house style; :func:`finish` adds the source line under it.

    ``ncols`` panels are stacked one under the other (a phone keeps every panel at full width);
    ``axes`` is an array of ``ncols`` axes, as before. ``width`` is at most :data:`FIGURE_WIDTH`
    (a wider one is narrowed, keeping the proportions of a single panel); ``height`` is the
    height of one panel (of the whole row, in older calls), kept between 2.4 and 4 inches.
    """
    use_house_style()
    given = width or FIGURE_WIDTH
    width = min(given, FIGURE_WIDTH)
    if height is None:
        panel = PANEL_HEIGHT
    elif ncols == 1:
        panel = height * width / given        # a narrowed single panel keeps its proportions
    else:
        panel = height
    panel = min(max(panel, 2.4), 4.0)
    fig, axes = plt.subplots(ncols, 1, figsize=(width, panel * ncols), layout="constrained")
    return fig, axes


def thousands(ax, axis: str = "y", decimals: int = 0) -> None:
    """Group digits with commas on an axis (40,000 rather than 40000)."""
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.{decimals}f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def complete_years(table):
    """A year-indexed table or series with a row for every whole year between its first and last
    (NaN where a year is missing), so a line breaks at a missing year instead of bridging it.

    Rows at half years (``series.split_at_breaks``) are kept; a non-numeric index is returned as is."""
    index = table.index
    if len(index) == 0 or not pd.api.types.is_numeric_dtype(index):
        return table
    years = range(int(math.ceil(index.min())), int(math.floor(index.max())) + 1)
    union = index.union(pd.Index(years, dtype=index.dtype))
    if len(union) == len(index):
        return table
    out = table.reindex(union)
    out.attrs.update(getattr(table, "attrs", {}))
    return out


def worth_a_chart(data, min_points: int = 3) -> bool:
    """Whether a series (or any column of a table) has a run of ``min_points`` consecutive observed
    years: a chart of two points, or of a line in fragments, is better shown as a small table."""
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    frame = complete_years(frame)
    frame = frame[[i == int(i) for i in frame.index]] if pd.api.types.is_numeric_dtype(frame.index) else frame
    for column in frame.columns:
        run = best = 0
        for value in frame[column]:
            run = run + 1 if pd.notna(value) else 0
            best = max(best, run)
        if best >= min_points:
            return True
    return False


def line_by_region(ax, table, names: dict[str, str], marker: str | None = None, **kwargs) -> None:
    """One line per region column, in the region's colour and marker, labelled in Chinese.

    Missing years show as gaps. Later regions get smaller markers, so a point hidden under
    another region's stays visible around it."""
    table = complete_years(table)
    codes = [c for c in REGION_ORDER if c in table.columns]
    for k, code in enumerate(codes):
        ax.plot(table.index, table[code], marker=marker or REGION_MARKERS[code], markersize=7.0 - 1.0 * k,
                linewidth=2.0, color=REGION_COLORS[code], label=names[code], zorder=2 + k, **kwargs)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def line_over_years(ax, values, color: str = "#444444", marker: str = "o", label: str | None = None) -> None:
    """One line over years (a single regional measure), with whole-year ticks; gaps stay gaps."""
    values = complete_years(values)
    ax.plot(values.index, values, marker=marker, markersize=5.5, linewidth=2.0, color=color, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def mark_break(ax, year: float, label: str = "口径变化") -> None:
    """A dotted vertical line just before ``year`` where a series changes definition or vintage,
    labelled at the top of the panel (draw the two parts as separate lines or with a NaN between)."""
    x = year - 0.5
    ax.axvline(x, color="#777777", linestyle=":", linewidth=1.4, zorder=1)
    ax.annotate(label, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
                textcoords="offset points", ha="left", va="top", fontsize=MIN_FONT_PT, color="#555555")


def bars_by_region(ax, table, names: dict[str, str], width: float = 0.26, fmt: str = "{:.1f}") -> None:
    """Grouped bars: categories on the x axis (table index), one bar per region column."""
    codes = [c for c in REGION_ORDER if c in table.columns]
    positions = range(len(table.index))
    for k, code in enumerate(codes):
        offset = (k - (len(codes) - 1) / 2) * width
        xs = [p + offset for p in positions]
        bars = ax.bar(xs, table[code], width=width, color=REGION_COLORS[code], label=names[code])
        # a missing value leaves a gap with no label (never a 'nan')
        ax.bar_label(bars, labels=["" if pd.isna(v) else fmt.format(v) for v in table[code]],
                     fontsize=MIN_FONT_PT, padding=2)
    ax.set_xticks(list(positions), [str(i) for i in table.index])


def _labelled(ax) -> int:
    handles, labels = ax.get_legend_handles_labels()
    return len([label for label in labels if label and not label.startswith("_")])


def ensure_legends(fig) -> int:
    """Give a legend to every axes with two or more labelled series that has none; return how many
    were added. A figure-level legend counts for every axes."""
    if fig.legends:
        return 0
    added = 0
    for ax in fig.axes:
        if ax.get_legend() is None and _labelled(ax) >= 2:
            ax.legend(loc="best")
            added += 1
    return added


def _texts(fig):
    """Every visible text artist of the figure (tick labels, titles, legends, annotations)."""
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def raise_small_text(fig, minimum: float = MIN_FONT_PT) -> int:
    """Set every visible text smaller than ``minimum`` points to ``minimum`` (tick labels through the
    axis, so that ticks made at drawing time follow); return how many texts were too small."""
    small = 0
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels(which="both")   # makes the ticks the locator gives now
            tiny = [t for t in labels if t.get_text().strip() and t.get_fontsize() < minimum - 1e-9]
            if tiny:
                small += len(tiny)
                axis.set_tick_params(which="both", labelsize=minimum)
    for t in _texts(fig):
        if t.get_fontsize() < minimum - 1e-9:
            t.set_fontsize(minimum)
            small += 1
    return small


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


def finish(fig, citation: str, vintage_names: list[str], fontsize: float = MIN_FONT_PT) -> None:
    """Source and vintage under the chart (in legible type, the figure grows to hold them),
    a legend on every axes with several series, and no text below :data:`MIN_FONT_PT`."""
    fontsize = max(fontsize, MIN_FONT_PT)
    ensure_legends(fig)
    raise_small_text(fig)
    width_in, height_in = fig.get_size_inches()
    lines = _wrap(source_line(citation, vintage_names), max_units=width_in * 72 / fontsize * 0.94)
    line_in = fontsize * 1.35 / 72
    extra = len(lines) * line_in + 0.12
    fig.set_size_inches(width_in, height_in + extra)   # the chart keeps its own height
    bottom = extra / (height_in + extra)
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    fig.text(0.01, 0.01, "\n".join(lines), ha="left", va="bottom", fontsize=fontsize,
             color="#444444", linespacing=1.35)


def derived_color(k: int) -> str:
    """The k-th colour for a line that is not one region's (a ratio, a difference …)."""
    return DERIVED_COLORS[k % len(DERIVED_COLORS)]
