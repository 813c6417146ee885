"""The claims registry and its verdict rules."""

from __future__ import annotations

import pytest

from jjj_book import claims, data
from jjj_book.cli import notebook_parameters
from jjj_book.claims import Claim, CannotCheck, Reproduction, judge
from conftest import DATA, ROOT, first_row, rewrite


def _claim(reported, tolerance=0.0):
    return Claim(id="t", chapter="x", section="s", statement="s", reported=reported, unit="u",
                 tolerance=tolerance, vintage="v", vintage_param="v", check=lambda p, v: Reproduction(0))


@pytest.mark.parametrize("value, verdict", [(4.45, "reproduced"), (4.35, "reproduced"), (4.4501, "differs"), (4.34, "differs")])
def test_numeric_verdict_respects_the_rounding_tolerance(value, verdict):
    got, diff = judge(_claim(4.4, 0.05), value)
    assert got == verdict
    assert diff == pytest.approx(value - 4.4)


def test_yes_no_and_direction_verdicts():
    assert judge(_claim(True), True) == ("reproduced", None)
    assert judge(_claim(True), False) == ("differs", None)
    assert judge(_claim("widened"), "narrowed") == ("differs", None)


def test_cannot_check_carries_the_reason():
    def check(pkg, vintage):
        raise CannotCheck("series X missing")
    claim = Claim(id="t", chapter="x", section="s", statement="s", reported=1.0, unit="u",
                  tolerance=0.0, vintage="v", vintage_param="v", check=check)
    result = claims.evaluate_claim(claim, None)
    assert (result.verdict, result.reproduced, result.note) == ("cannot_check", None, "series X missing")


def test_registry_refuses_a_duplicate_id():
    with pytest.raises(ValueError, match="registered twice"):
        claims.register(id="status.gdp_2011", chapter="01_status", section="s", statement="s",
                        reported=1.0, unit="u", vintage="census4", vintage_param="gdp_vintage")(lambda p, v: None)


def test_every_claim_names_an_existing_chapter_and_section():
    chapters = {p.stem for p in (ROOT / "chapters").glob("*.ipynb")}
    for claim in claims.REGISTRY.values():
        assert claim.chapter in chapters, claim.id
        notebook = (ROOT / "chapters" / f"{claim.chapter}.ipynb").read_text(encoding="utf-8")
        assert f"({claim.section})=" in notebook, f"{claim.id}: no target ({claim.section})= in {claim.chapter}"
        assert claim.statement and claim.unit and claim.vintage


def test_every_status_claim_gets_a_verdict_on_the_real_data():
    results = claims.evaluate(data.load(DATA), chapter="01_status")
    assert len(results) == 12
    assert all(r.verdict in claims.VERDICTS for r in results)
    by_id = {r.id: r for r in results}
    # the report's 2021 total is the communiqué one; its 2011 total matches no vintage held
    assert by_id["status.gdp_2021"].verdict == "reproduced"
    assert by_id["status.gdp_2011"].verdict == "differs"


def test_gdp_total_is_recomputed_from_the_data(data_copy):
    # Halving Beijing's 2011 census4 GDP must move the recomputed total by exactly that amount.
    pkg = data.load(data_copy)
    before = claims.evaluate(pkg, ids=["status.gdp_2011"])[0].reproduced
    bj = pkg.series("gdp", "census4", regions=["CN-BJ"]).set_index("year")["value"][2011]
    path = data_copy / "observations.csv"
    _, line = first_row(path, "gdp,CN-BJ,2011,annual,")
    line = next(l for l in path.read_text(encoding="utf-8").splitlines()
                if l.startswith("gdp,CN-BJ,2011,annual,") and ",census4," in l)
    rewrite(path, line, line.replace(f",{line.split(',')[4]},", f",{bj / 2},", 1))
    after = claims.evaluate(data.load(data_copy), ids=["status.gdp_2011"])[0].reproduced
    assert after == pytest.approx(before - bj / 2 * 1e-4)


def test_missing_province_makes_the_claim_uncheckable(data_copy):
    path = data_copy / "observations.csv"
    kept = [l for l in path.read_text(encoding="utf-8").splitlines()
            if not (l.startswith("gdp_real_growth,CN-TJ,2020,annual,") and ",communique," in l)]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = claims.evaluate(data.load(data_copy), ids=["status.hebei_fastest_2020"])[0]
    assert result.verdict == "cannot_check"
    assert "天津" in result.note


def test_a_vintage_override_is_applied():
    result = claims.evaluate(data.load(DATA), ids=["status.gdp_2011"], vintage="census5")[0]
    assert result.vintage == "census5"
    assert result.reproduced != claims.evaluate(data.load(DATA), ids=["status.gdp_2011"])[0].reproduced


def test_unknown_claim_id():
    with pytest.raises(KeyError, match="no.such"):
        claims.evaluate(data.load(DATA), ids=["no.such"])


def test_default_vintages_are_the_chapters_parameter_defaults():
    # `jjj-book claims` (registry defaults) and the built chapter (its parameters) must agree.
    for claim in claims.REGISTRY.values():
        params = notebook_parameters(ROOT / "chapters" / f"{claim.chapter}.ipynb")
        assert params.get(claim.vintage_param) == claim.vintage, claim.id


def test_a_chapter_evaluates_its_claims_in_the_vintages_of_its_parameters():
    params = notebook_parameters(ROOT / "chapters" / "01_status.ipynb") | {"gdp_vintage": "census5"}
    results = claims.evaluate_chapter(data.load(DATA), "01_status", params)
    assert set(results) == {c.id for c in claims.REGISTRY.values() if c.chapter == "01_status"}
    assert results["status.gdp_2011"].vintage == "census5"
    assert results["status.gdp_2021"].vintage == params["release_vintage"]
    with pytest.raises(KeyError, match="income_vintage"):
        claims.evaluate_chapter(data.load(DATA), "01_status", {"gdp_vintage": "census4", "release_vintage": "communique"})
