"""The shared vocabulary agrees with the data package and with itself."""

import pandas as pd

from conftest import DATA
from jjj_book import vocab


def test_short_names_are_the_start_of_the_official_names():
    regions = pd.read_csv(DATA / "regions.csv").set_index("code")["name_zh"]
    for code, short in vocab.REGION_SHORT.items():
        assert regions[code].startswith(short), (code, short, regions[code])


def test_every_region_in_the_order_has_a_name_and_the_provinces_come_first():
    assert set(vocab.REGION_ORDER) == set(vocab.REGION_SHORT) == set(vocab.REGION_EN)
    assert vocab.REGION_ORDER[:3] == vocab.PROVINCES


def test_every_verdict_and_kind_has_its_words():
    for table in (vocab.VERDICT_LABEL, vocab.VERDICT_LABEL_EN, vocab.VERDICT_EXPLAIN, vocab.VERDICT_CSS,
                  vocab.VERDICT_ICON):
        assert set(table) == set(vocab.VERDICTS)
    assert set(vocab.AGREES) < set(vocab.VERDICTS)
    assert set(vocab.KIND_LABEL) == set(vocab.KIND_EXPLAIN) == set(vocab.KINDS)
    assert len(set(vocab.VERDICT_LABEL.values())) == len(vocab.VERDICTS)   # a reader can tell them apart


def test_every_verdict_icon_is_drawn_by_the_bundled_font():
    """An icon outside the font falls back to another typeface (and is missing on a bare machine)."""
    from fontTools.ttLib import TTFont

    from jjj_book import plots

    cmap = set(TTFont(str(plots.font_files()["regular"])).getBestCmap())
    for icon in vocab.VERDICT_ICON.values():
        assert all(ord(ch) in cmap for ch in icon), icon
