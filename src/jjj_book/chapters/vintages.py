"""A claim under every vintage, and the observations each answer was computed from.

- :func:`other_vintages` — the same claim checked in every other vintage of the package that
  yields a value (the one place this is computed; the teacher's guide, the verdict lines and
  the chart switcher use it).
- :func:`evaluate_traced` — a claim's result together with the observation rows it was computed from
  (of the rows its check read, those without which the result changes).
"""

from __future__ import annotations

import pandas as pd

from jjj_book.claims import REGISTRY, CannotCheck, Result, evaluate_claim
from jjj_book.data import DataPackage
from jjj_book.provenance import inputs_of, rows_read


def candidate_vintages(pkg: DataPackage, result: Result) -> list[str]:
    """Every vintage of the package other than the result's own, in the package's order."""
    return [v for v in pkg.vintages["id"] if v != result.vintage]


def other_vintages(pkg: DataPackage, result: Result) -> list[tuple[str, Result]]:
    """The same claim checked in every other vintage of the package that yields a value."""
    found = []
    for vintage in candidate_vintages(pkg, result):
        try:
            alt = evaluate_claim(REGISTRY[result.id], pkg, vintage)
        except (CannotCheck, KeyError, ValueError, LookupError):   # the vintage does not apply to this claim
            continue
        if alt.verdict != "cannot_check":
            found.append((vintage, alt))
    return found


def traced_alternatives(pkg: DataPackage, result: Result, like: pd.DataFrame | None = None
                        ) -> list[tuple[str, Result, pd.DataFrame]]:
    """:func:`other_vintages` with the observation rows each answer was computed from (``like``: the
    result's own inputs, which usually point at the same places in the other vintages: faster)."""
    found = []
    for vintage, _alt in other_vintages(pkg, result):
        alt, rows = evaluate_traced(pkg, result.id, vintage, like=like)
        found.append((vintage, alt, rows))
    return found


def evaluate_traced(pkg: DataPackage, claim_id: str, vintage: str | None = None,
                    like: pd.DataFrame | None = None) -> tuple[Result, pd.DataFrame]:
    """The claim's result in ``vintage`` (default: the claim's own) and the observation rows it was
    computed from (``like``: its inputs in another vintage, a hint; see :func:`jjj_book.provenance.inputs_of`)."""
    claim = REGISTRY[claim_id]
    check = lambda p: evaluate_claim(claim, p, vintage)   # noqa: E731
    out, rows = rows_read(pkg, check)
    if isinstance(out, Exception):
        raise out
    if out.verdict == "cannot_check":
        return out, rows
    return out, inputs_of(pkg, check, rows, out, like=like)
