"""Every claim says whose statement it is and how it was checked."""

from jjj_book.claims import PREMISE_PREFIX, REGISTRY, Reproduction, judge
from jjj_book.vocab import KINDS

import pytest


def test_every_claim_has_a_kind_and_no_statement_keeps_the_premise_prefix():
    kinds = {c.kind for c in REGISTRY.values()}
    assert kinds <= set(KINDS) and kinds == set(KINDS)
    assert not any(c.statement.startswith(PREMISE_PREFIX) for c in REGISTRY.values())


def test_a_looked_up_figure_that_agrees_matches_the_publication_and_a_recomputed_one_is_recomputed():
    claim = REGISTRY["status.gdp_2021"]
    assert judge(claim, claim.reported, "published")[0] == "matches_publication"
    assert judge(claim, claim.reported, "recomputed")[0] == "recomputed"
    assert judge(claim, claim.reported + 1, "published")[0] == "differs"


def test_a_check_cannot_invent_a_basis():
    with pytest.raises(ValueError):
        Reproduction(1.0, basis="guessed")
