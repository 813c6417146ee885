"""Index arithmetic stays inside one release."""

import pytest

from conftest import add_rows
from jjj_book import data, indexes


def test_the_printed_change_comes_first(pkg):
    change = indexes.change_within_release(pkg, "jjj_index_green", "idx2021d", 2021)
    assert change.basis == "published" and change.year == 2021


def test_another_releases_value_is_never_used(pkg):
    # idx2021d has the 2021 innovation index but no 2020 value and no printed change; idx2020d has 2020.
    assert 2020 in pkg.wide("jjj_index_innovation", "idx2020d", regions=["JJJ"]).index
    with pytest.raises(indexes.NotInRelease, match="不同批次"):
        indexes.change_within_release(pkg, "jjj_index_innovation", "idx2021d", 2021)


def test_two_years_of_one_release_are_subtracted(data_copy):
    pkg = data.load(data_copy)
    level = float(pkg.wide("jjj_index_innovation", "idx2021d", regions=["JJJ"]).loc[2021, "JJJ"])
    pkg = add_rows(data_copy, f"jjj_index_innovation,JJJ,2020,{level - 2.5},index,idx2021d")
    change = indexes.change_within_release(pkg, "jjj_index_innovation", "idx2021d", 2021)
    assert change.basis == "recomputed" and change.delta == pytest.approx(2.5)
