"""Load and validate the book's data package.

The data package (``data/datapackage.json`` plus its CSV resources) is the
single source of truth: its Table Schema drives the generic checks (types,
required fields, enums, patterns, ranges, primary and foreign keys); the
domain checks (units match the indicator, levels are non-negative, years are
not in the future) live in :func:`_domain_problems`.

Every problem names the file, the line (as an editor counts it: the header is
line 1), the column, what was expected and what was found.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jjj_book import reads as _reads
from jjj_book.data_check import (  # noqa: F401  (re-exported: jjj_book.data is where they are imported from)
    _FALSE,
    _TRUE,
    CSV_FIELD_LIMIT,
    DESCRIPTOR,
    OBSERVATION_COLUMNS,
    DataError,
    Problem,
    _check_table,
    _convert,
    _display,
    _domain_problems,
    _foreign_key_problems,
    _json_path,
    _path_problem,
    _profile,
    _read_csv,
    _read_descriptor,
    _short,
    read_bytes,
    read_csv_text,
    resource_path,
    vintage_indicators,
)


@dataclass(frozen=True)
class DataPackage:
    """A validated data directory, as tidy pandas frames."""

    root: Path
    tables: Mapping[str, pd.DataFrame] = field(repr=False)

    @property
    def observations(self) -> pd.DataFrame:
        return self.tables["observations"]

    @property
    def regions(self) -> pd.DataFrame:
        return self.tables["regions"]

    @property
    def indicators(self) -> pd.DataFrame:
        return self.tables["indicators"]

    @property
    def sources(self) -> pd.DataFrame:
        return self.tables["sources"]

    @property
    def vintages(self) -> pd.DataFrame:
        return self.tables["vintages"]

    @property
    def units(self) -> pd.DataFrame:
        return self.tables["units"]

    def region_name(self, code: str) -> str:
        """Chinese name of a region code, from the one lookup (regions.csv)."""
        names = dict(zip(self.regions["code"], self.regions["name_zh"]))
        return names[code]

    def indicator_info(self, indicator: str) -> dict:
        table, units = self.indicators, self.units
        kept = self._kept.get(("indicator", indicator))
        if kept is not None and kept[0] is table and kept[1] is units:
            return dict(kept[2])
        row = table.loc[table["id"] == indicator]
        if row.empty:
            raise KeyError(f"unknown indicator {indicator!r}")
        info = row.iloc[0].to_dict()
        info["unit_zh"] = dict(zip(units["id"], units["symbol_zh"]))[info["unit"]]
        self._kept[("indicator", indicator)] = (table, units, info)
        return dict(info)

    def series(self, indicator: str, vintage: str, period: str = "annual",
               regions: list[str] | None = None) -> pd.DataFrame:
        """Tidy rows of one indicator in one vintage (never a mix of vintages), sorted by region and year."""
        rows = self._rows(indicator, vintage, period)
        if regions is not None:
            rows = rows.loc[rows["region"].isin(regions)].reset_index(drop=True)
        return rows

    def wide(self, indicator: str, vintage: str, period: str = "annual",
             regions: list[str] | None = None) -> pd.DataFrame:
        """One indicator in one vintage as a year × region table."""
        key = ("wide", indicator, vintage, period, None if regions is None else tuple(regions))
        kept = self._kept.get(key)
        if kept is not None and kept[0] is self._observations_of(indicator):   # notes the read again
            return kept[1].copy()
        rows = self.series(indicator, vintage, period, regions)
        table = rows.pivot(index="year", columns="region", values="value")
        if regions is not None:
            table = table.reindex(columns=[r for r in regions if r in table.columns])
        table.columns.name = None
        table.attrs.update(indicator=indicator, period=period, **self.vintage_facts(vintage))
        self._kept[key] = (self._observations_of(indicator), table.copy())
        return table

    def _rows(self, indicator: str, vintage: str, period: str) -> pd.DataFrame:
        """The rows of one indicator, vintage and period. The observations are sorted and grouped once per
        package and kept (a package's tables never change; chapters and the provenance tracer ask for the
        same rows many times)."""
        obs = self._observations_of(indicator)   # notes the read every time (jjj_book.reads)
        kept = self._kept.get("groups")
        if kept is None or kept[0] is not obs:
            ordered = obs.sort_values(["indicator", "vintage", "period", "region", "year"], kind="stable")
            kept = (obs, ordered, ordered.groupby(["indicator", "vintage", "period"], sort=False).indices)
            self._kept["groups"] = kept
        positions = kept[2].get((indicator, vintage, period))
        if positions is None:
            return obs.iloc[0:0].reset_index(drop=True)
        return kept[1].take(positions).reset_index(drop=True)

    @property
    def _kept(self) -> dict:
        kept = self.__dict__.get("_kept_rows")
        if kept is None:
            kept = {}
            object.__setattr__(self, "_kept_rows", kept)
        return kept

    def vintage_facts(self, vintage: str) -> dict:
        """What vintages.csv says about one vintage: ``vintage``, ``series`` (True when its years form a
        comparable series) and ``breaks`` (years at which a new segment begins). Arithmetic in
        :mod:`jjj_book.metrics` reads these from a table's ``attrs`` (see :meth:`wide`)."""
        table = self.vintages
        kept = self._kept.get(("vintage", vintage))
        if kept is not None and kept[0] is table:
            return dict(kept[1])
        row = table.loc[table["id"] == vintage]
        if row.empty:
            return {"vintage": vintage, "series": True, "breaks": ()}
        rec = row.iloc[0]
        series = str(rec.get("series", "yes") or "yes").strip() != "no"
        breaks = tuple(int(y) for y in str(rec.get("breaks", "") or "").split())
        facts = {"vintage": vintage, "series": series, "breaks": breaks}
        self._kept[("vintage", vintage)] = (table, facts)
        return dict(facts)

    def vintages_of(self, indicator: str, period: str = "annual") -> list[str]:
        obs = self._observations_of(indicator)
        rows = obs.loc[(obs["indicator"] == indicator) & (obs["period"] == period)]
        order = list(self.vintages["id"])
        return sorted(rows["vintage"].unique(), key=order.index)

    def sources_for(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The sources cited by some observation rows."""
        ids = sorted(set(rows["source_id"]))
        return self.sources.loc[self.sources["id"].isin(ids)].reset_index(drop=True)

    def vintage_name(self, vintage: str) -> str:
        """Chinese name of a vintage id, e.g. census4 → 第四次全国经济普查后修订."""
        names = dict(zip(self.vintages["id"], self.vintages["name_zh"]))
        return names.get(vintage, vintage)

    def citation(self, rows: pd.DataFrame, limit: int = 4) -> str:
        """Short citation of the publications behind some observation rows.

        Beyond ``limit`` publications the list is cut, with a count and a pointer to where
        every one of them is listed for a reader (the chapter's data download, the data appendix).
        """
        cited = list(dict.fromkeys(f"{r.publisher}《{r.publication}》" for r in self.sources_for(rows).itertuples()))
        if len(cited) <= limit:
            return "；".join(cited)
        return "；".join(cited[:limit - 1]) + f"等{len(cited)}种出版物（逐条见本章“数据”下载和附录“数据说明”）"

    def observations_for(self, indicators) -> pd.DataFrame:
        """The observation rows of some indicators, every vintage and period: a read of those indicators only
        (a chapter that reads ``observations`` whole runs again after any change to it, see
        :mod:`jjj_book.reads`). No indicator: an empty frame with the observation columns."""
        wanted = sorted(set(indicators))
        if not wanted:
            return pd.DataFrame(columns=OBSERVATION_COLUMNS)
        for indicator in wanted:
            obs = self._observations_of(indicator)   # notes each indicator read
        return obs.loc[obs["indicator"].isin(wanted)]

    def _observations_of(self, indicator: str) -> pd.DataFrame:
        """All observations, for a caller that keeps only ``indicator``'s rows (noted as such, see
        :mod:`jjj_book.reads`; reading ``observations`` any other way notes the whole table)."""
        if isinstance(self.tables, _Tables):
            return self.tables.rows_of(indicator)
        return self.tables["observations"]

    def tidy_csv(self) -> str:
        """Every observation as CSV with the public column order."""
        buf = io.StringIO()
        self.observations[OBSERVATION_COLUMNS].to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()


class _Tables(Mapping):
    """A package's frames by resource name; reading one notes the whole table (:mod:`jjj_book.reads`)."""

    def __init__(self, root: Path, frames: dict[str, pd.DataFrame]):
        self._root, self._frames = root, dict(frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        _reads.note("table", self._root, name)
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def rows_of(self, indicator: str) -> pd.DataFrame:
        _reads.note("observations", self._root, indicator)
        return self._frames["observations"]



# The columns the book reads from each resource (the descriptor may add others).
REQUIRED_FIELDS = {
    "units": ["id", "symbol_zh"],
    "regions": ["code", "name_zh", "name_en"],
    "indicators": ["id", "name_zh", "unit", "nonnegative"],
    "vintages": ["id", "name_zh"],
    "sources": ["id", "publisher", "publication"],
    "observations": OBSERVATION_COLUMNS,
}


def _load(root: Path, texts: Mapping[str, str] | None = None) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read and check every resource; ``texts`` gives the content of some resources (by name)
    instead of their files: an import validates its result this way before writing anything."""
    _reads.note("package", root)  # the result depends on the descriptor and on every file it lists
    descriptor, problems = _read_descriptor(root)
    if descriptor is None:
        return {}, problems
    texts = texts or {}
    resources = descriptor["resources"]
    res_by_name = {r["name"]: r for r in resources}
    for missing in sorted(set(REQUIRED_FIELDS) - set(res_by_name)):
        problems.append(Problem(_display(root / DESCRIPTOR), None, "resources",
                                f"a resource named '{missing}'", "none"))
    for rname, needed in REQUIRED_FIELDS.items():
        have = [f["name"] for f in res_by_name.get(rname, {}).get("schema", {}).get("fields", [])]
        for fname in needed:
            if rname in res_by_name and fname not in have:
                problems.append(Problem(_display(root / DESCRIPTOR), None, f"resource '{rname}'",
                                        f"a field named '{fname}'", "none"))
    if problems:
        return {}, problems
    tables: dict = {"_resources": resources}
    for res in resources:
        frame, found = _check_table(res, root, texts.get(res["name"]))
        tables[res["name"]] = frame
        problems += found
    for res in resources:
        if tables.get(res["name"]) is not None:
            problems += _foreign_key_problems(res, tables[res["name"]], tables, root)
    problems += _domain_problems(tables, root, res_by_name)
    tables.pop("_resources")
    return tables, problems


def descriptor(data_dir: str | Path) -> dict:
    """The validated descriptor of a data folder (raise :class:`DataError` otherwise)."""
    found, problems = _read_descriptor(_resolve(data_dir))
    if found is None:
        raise DataError(problems)
    return found


def validate_with(data_dir: str | Path, texts: Mapping[str, str]) -> list[Problem]:
    """Every problem the data folder would have if some resources had the given text."""
    _, problems = _load(_resolve(data_dir), texts)
    return problems


def _resolve(data_dir: str | Path) -> Path:
    try:
        return Path(data_dir).resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        raise DataError([Problem(str(data_dir), None, None, "a data directory",
                                 "a symbolic link loop (no such directory)")]) from None


def validate(data_dir: str | Path) -> list[Problem]:
    """Every problem in a data directory (an empty list when it is valid)."""
    try:
        root = _resolve(data_dir)
    except DataError as exc:
        return exc.problems
    _, problems = _load(root)
    return problems


def load(data_dir: str | Path) -> DataPackage:
    """Load a data directory; raise :class:`DataError` listing every problem."""
    root = _resolve(data_dir)
    tables, problems = _load(root)
    if problems:
        raise DataError(problems)
    clean = {}
    for key, frame in tables.items():
        frame = frame.drop(columns="_line")
        # empty optional text cells become "" so string columns stay strings
        clean[key] = frame.astype({c: "object" for c in frame.columns if frame[c].dtype == object}).fillna("")
    obs = clean["observations"]
    obs["year"] = obs["year"].astype(int)
    obs["value"] = obs["value"].astype(float)
    return DataPackage(root=root, tables=_Tables(root, clean))
