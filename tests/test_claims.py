"""The claims registry and its verdict rules."""

from __future__ import annotations

import pytest

from jjj_book import claims, data
from jjj_book.cli import notebook_parameters
from jjj_book.claims import Claim, CannotCheck, Reproduction, judge
from conftest import DATA, ROOT


def _claim(reported, tolerance=0.0):
    return Claim(id="t", chapter="x", section="s", statement="s", reported=reported, unit="u",
                 tolerance=tolerance, vintage="v", vintage_param="v", check=lambda p, v: Reproduction(0))


@pytest.mark.parametrize("value, verdict", [(4.45, "recomputed"), (4.35, "recomputed"), (4.4501, "differs"), (4.34, "differs")])
def test_numeric_verdict_respects_the_rounding_tolerance(value, verdict):
    got, diff = judge(_claim(4.4, 0.05), value)
    assert got == verdict
    assert diff == pytest.approx(value - 4.4)


def test_yes_no_and_direction_verdicts():
    assert judge(_claim(True), True) == ("recomputed", None)
    assert judge(_claim(True), False) == ("differs", None)
    assert judge(_claim("widened"), "narrowed") == ("differs", None)


@pytest.mark.parametrize("basis, agrees", [("recomputed", "recomputed"), ("published", "matches_publication")])
def test_the_basis_of_a_value_names_the_verdict(basis, agrees):
    # a figure looked up as published agrees as "matches_publication", never as "recomputed"
    assert judge(_claim(4.4, 0.05), 4.42, basis)[0] == agrees
    assert judge(_claim(4.4, 0.05), 4.6, basis)[0] == "differs"
    claim = Claim(id="t", chapter="x", section="s", statement="s", reported=4.4, unit="u", tolerance=0.05,
                  vintage="v", vintage_param="v", check=lambda p, v: Reproduction(4.41, "", basis))
    result = claims.evaluate_claim(claim, None)
    assert (result.verdict, result.basis) == (agrees, basis)


def test_an_unknown_basis_is_refused():
    with pytest.raises(ValueError, match="basis"):
        Reproduction(1.0, "", "looked-up")


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


def test_unknown_claim_id():
    with pytest.raises(KeyError, match="no.such"):
        claims.evaluate(data.load(DATA), ids=["no.such"])


def test_default_vintages_are_the_chapters_parameter_defaults():
    # `jjj-book claims` (registry defaults) and the built chapter (its parameters) must agree.
    for claim in claims.REGISTRY.values():
        params = notebook_parameters(ROOT / "chapters" / f"{claim.chapter}.ipynb")
        assert params.get(claim.vintage_param) == claim.vintage, claim.id
