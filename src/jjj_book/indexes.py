"""The 京津冀区域发展指数 releases: arithmetic that stays inside one release.

Each release is its own vintage (``idx2017d`` … ``idx2024d``): it re-bases and revises its
back years, so a change is read from one release only — the change the release printed,
else the difference of two years of that same release — and never across releases.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jjj_book.data import DataPackage


class NotInRelease(LookupError):
    """The release holds neither a printed change nor both years; the message says which release and year."""


@dataclass(frozen=True)
class IndexChange:
    year: int
    level: float
    delta: float
    basis: str        # "published": the change the release printed; "recomputed": two years of one release
    previous: float | None = None


def _value(pkg: DataPackage, indicator: str, release: str, year: int, region: str) -> float | None:
    if indicator not in set(pkg.indicators["id"]):
        return None
    table = pkg.wide(indicator, release, regions=[region])
    if region not in table or year not in table.index or pd.isna(table.loc[year, region]):
        return None
    return float(table.loc[year, region])


def latest_year(pkg: DataPackage, indicator: str, release: str, region: str = "JJJ") -> int | None:
    """The latest year a release gives the index for (None if it has none)."""
    if indicator not in set(pkg.indicators["id"]):
        return None
    table = pkg.wide(indicator, release, regions=[region])
    if region not in table or table[region].dropna().empty:
        return None
    return int(table[region].dropna().index.max())


def change_within_release(pkg: DataPackage, indicator: str, release: str, year: int | None = None,
                          region: str = "JJJ") -> IndexChange:
    """The change of an index on the previous year, read inside one release.

    ``year`` defaults to the latest year of the release. The change the release printed
    (``<indicator>_change``) comes first; otherwise the difference of ``year`` and
    ``year − 1`` of the same release. Raises :class:`NotInRelease` when neither exists.
    """
    name = pkg.indicator_info(indicator)["name_zh"] if indicator in set(pkg.indicators["id"]) else indicator
    year = year if year is not None else latest_year(pkg, indicator, release, region)
    if year is None:
        raise NotInRelease(f"{pkg.vintage_name(release)}中没有{name}")
    level = _value(pkg, indicator, release, year, region)
    if level is None:
        raise NotInRelease(f"{pkg.vintage_name(release)}中没有{year}年的{name}")
    printed = _value(pkg, f"{indicator}_change", release, year, region)
    if printed is not None:
        return IndexChange(year, level, printed, "published")
    previous = _value(pkg, indicator, release, year - 1, region)
    if previous is None:
        raise NotInRelease(f"{pkg.vintage_name(release)}只有{year}年的{name}，既没有印出的比上年变化，"
                           f"也没有同一批发布的{year - 1}年值（不同批次的数值不能相减）")
    return IndexChange(year, level, level - previous, "recomputed", previous)
