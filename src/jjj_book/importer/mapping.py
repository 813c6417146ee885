"""Mapping parsed cells onto the data package's indicator, region and unit ids."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jjj_book import data as data_mod
from jjj_book.importer.reading import (
    INDEX_PREV_YEAR,
    NAME_UNIT,
    NBS_ALIASES,
    NUMBER,
    PROVINCE_SUFFIXES,
    REGION_ALIASES,
    UNIT_ALIASES,
    Cell,
    Parsed,
)

# --------------------------------------------------------------------------- mapping to the package

@dataclass
class Mapped:
    rows: list[dict]
    skipped_regions: dict[str, int]
    problems: list[data_mod.Problem]
    empty: int


def _region_lookup(pkg: data_mod.DataPackage) -> dict[str, str]:
    lookup = dict(REGION_ALIASES)
    for code, zh, en in zip(pkg.regions["code"], pkg.regions["name_zh"], pkg.regions["name_en"]):
        lookup[code] = code
        lookup[zh] = code
        lookup[en] = code
        short = zh
        for suffix in PROVINCE_SUFFIXES:
            if zh.endswith(suffix):
                short = zh[: -len(suffix)]
        lookup[short] = code
    return lookup


def _indicator_lookup(pkg: data_mod.DataPackage) -> dict[str, str]:
    lookup = {i: i for i in pkg.indicators["id"]}
    lookup.update({zh: i for i, zh in zip(pkg.indicators["id"], pkg.indicators["name_zh"])})
    lookup.update(NBS_ALIASES)
    return lookup


def _unit_lookup(pkg: data_mod.DataPackage) -> dict[str, str]:
    lookup = {u: u for u in pkg.units["id"]}
    lookup.update({sym: u for u, sym in zip(pkg.units["id"], pkg.units["symbol_zh"])})
    lookup.update(UNIT_ALIASES)
    return lookup


def _is_province_name(text: str) -> bool:
    return text.endswith(PROVINCE_SUFFIXES) or text in ("内蒙古", "广西", "西藏", "宁夏", "新疆")


def map_cells(parsed: Parsed, pkg: data_mod.DataPackage, vintage: str, source_id: str,
              skip_unknown: bool = False) -> Mapped:
    """Map parsed cells to observation rows of ``pkg``; unknown indicators and wrong units are problems.

    A problem with an indicator or a unit is reported once per column (with the first line it
    affects), not once per cell. With ``skip_unknown`` an unknown indicator is skipped and listed.
    """
    mapper = _Mapper(parsed, pkg, vintage, source_id, skip_unknown)
    for cell in parsed.cells:
        mapper.map(cell)
    return Mapped(mapper.rows, mapper.skipped, mapper.problems, mapper.empty)


def _indicator_of(cell: Cell, indicators: dict[str, str]) -> tuple[str | None, str | None, bool]:
    """The indicator id of a cell, its unit text, and whether the value is an index (previous year = 100).

    "地区生产总值(亿元)" carries its unit in parentheses.
    """
    text, unit_text = cell.indicator_text, cell.unit_text
    m = NAME_UNIT.match(text)
    if m:
        text, unit_text = m.group("name").strip(), unit_text or m.group("unit").strip()
    if text in INDEX_PREV_YEAR and (unit_text or "").replace(" ", "") in ("上年=100", "上年＝100"):
        return INDEX_PREV_YEAR[text], None, True
    return indicators.get(text), unit_text, False


class _Mapper:
    """The package's lookups for one input file, and the rows and problems mapped so far."""

    def __init__(self, parsed: Parsed, pkg: data_mod.DataPackage, vintage: str, source_id: str,
                 skip_unknown: bool):
        self.parsed, self.pkg, self.vintage, self.source_id = parsed, pkg, vintage, source_id
        self.skip_unknown = skip_unknown
        self.regions, self.indicators, self.units = _region_lookup(pkg), _indicator_lookup(pkg), _unit_lookup(pkg)
        self.unit_of = dict(zip(pkg.indicators["id"], pkg.indicators["unit"]))
        self.fits = data_mod.vintage_indicators(pkg.vintages)
        self.rows, self.problems, self.skipped, self.empty = [], list(parsed.problems), {}, 0
        self.per_column: dict[tuple, data_mod.Problem] = {}

    def once(self, key, problem):
        if key not in self.per_column:
            self.per_column[key] = problem
            self.problems.append(problem)

    def map(self, cell: Cell) -> None:
        """Map one cell to a row, or skip it, or record why it cannot be mapped."""
        file = self.parsed.file
        value_text = cell.value_text.strip()  # "2184 2189" stays two numbers: refused below, never joined
        indicator, unit_text, converted_from_index = _indicator_of(cell, self.indicators)
        region = self.regions.get(cell.region_text.strip())
        if region is None:
            if _is_province_name(cell.region_text):
                self.skipped[cell.region_text] = self.skipped.get(cell.region_text, 0) + 1
                return
            self.problems.append(data_mod.Problem(file, cell.line, cell.columns.get("region", "地区"),
                                                  f"a region of the package ({', '.join(self.pkg.regions['name_zh'])}) "
                                                  "or another province (skipped)", repr(cell.region_text)))
            return
        if indicator is None:
            if self.skip_unknown:
                key = f"indicator {cell.indicator_text}"
                self.skipped[key] = self.skipped.get(key, 0) + 1
                return
            self.once(("indicator", cell.indicator_text), data_mod.Problem(
                file, cell.line, cell.column,
                "an indicator of the package (its id or Chinese name, see indicators.csv; "
                "--skip-unknown skips such columns)", repr(cell.indicator_text)))
            return
        if not self.fits_indicator(cell, indicator, unit_text, converted_from_index):
            return
        if value_text == "":
            self.empty += 1  # a year not yet published
            return
        if not NUMBER.match(value_text):
            self.problems.append(data_mod.Problem(file, cell.line, cell.column,
                                                  "a number (digits with an optional decimal point, "
                                                  "no thousands separators or units)", repr(cell.value_text)))
            return
        if not Decimal(value_text).is_finite() or float(value_text) in (float("inf"), float("-inf")):
            self.problems.append(data_mod.Problem(file, cell.line, cell.column, "a finite number",
                                                  repr(cell.value_text)))
            return
        self.add_row(cell, indicator, region, value_text, converted_from_index)

    def fits_indicator(self, cell: Cell, indicator: str, unit_text: str | None, converted_from_index: bool) -> bool:
        """Whether the vintage applies to the indicator and the cell's unit is the indicator's
        (a problem, once per column, when not)."""
        file, expected = self.parsed.file, self.unit_of[indicator]
        allowed = self.fits.get(self.vintage)
        if allowed and indicator not in allowed:
            self.once(("vintage", indicator), data_mod.Problem(
                file, cell.line, cell.column,
                f"an indicator that vintage {self.vintage} applies to ({', '.join(sorted(allowed))}; see vintages.csv)",
                f"{indicator} ({cell.indicator_text})"))
            return False
        if unit_text is None and not converted_from_index:
            self.once(("no unit", cell.indicator_text), data_mod.Problem(
                file, cell.line, cell.column,
                f"a unit for {indicator} ({dict(zip(self.pkg.units['id'], self.pkg.units['symbol_zh']))[expected]}): "
                "in the indicator name as 地区生产总值(亿元), or a unit column; without one a value in the wrong unit "
                "cannot be told apart", "no unit"))
            return False
        if unit_text is not None:
            unit = self.units.get(unit_text)
            if unit != expected:
                symbol = dict(zip(self.pkg.units["id"], self.pkg.units["symbol_zh"]))[expected]
                self.once(("unit", cell.indicator_text, unit_text), data_mod.Problem(
                    file, cell.line, cell.columns.get("unit", "unit") if cell.unit_text is not None
                    else cell.column,
                    f"the unit of {indicator}: {symbol} ({expected}); convert the file first, "
                    "nothing is rescaled silently", repr(unit_text)))
                return False
        return True

    def add_row(self, cell: Cell, indicator: str, region: str, value_text: str, converted_from_index: bool) -> None:
        parsed = self.parsed
        # decimal arithmetic: 113.845 − 100 is 13.845, with every digit the file gave
        shown = str(Decimal(value_text) - 100) if converted_from_index else value_text
        note = cell.note or (f"imported from {Path(parsed.file).name}"
                             + ("; converted from an index with the previous year = 100" if converted_from_index else ""))
        self.rows.append(dict(indicator=indicator, region=region, year=str(cell.year), period=cell.period,
                              value=shown, unit=self.unit_of[indicator], vintage=self.vintage,
                              source_id=self.source_id, note=note,
                              _origin=(parsed.file, cell.line, cell.column), _columns=cell.columns))
