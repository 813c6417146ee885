"""The claim model and the registry: what a claim is, how it is judged, and the one list of claims
(:data:`REGISTRY`). The chapter modules of :mod:`jjj_book.claims` register into it; this module imports
none of them, so nothing in the package imports in a circle."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable

from jjj_book.data import DataPackage
from jjj_book.vocab import KINDS, VERDICTS  # noqa: F401  (re-exported)

# Statements registered with this prefix are premises the book wrote (kind "premise");
# the prefix is stripped, the kind is kept as data.
PREMISE_PREFIX = "报告的前提（本书转述）："
BASES = ("recomputed", "published")


class CannotCheck(Exception):
    """Raised by a check when the data it needs are missing."""


@dataclass(frozen=True)
class Reproduction:
    """What a check found. ``basis``: "recomputed" from components, or "published" when the
    figure was looked up as an official publication printed it."""

    value: float | bool | str
    note: str = ""
    basis: str = "recomputed"

    def __post_init__(self):
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, not {self.basis!r}")


@dataclass(frozen=True)
class Claim:
    id: str
    chapter: str
    section: str
    statement: str
    reported: float | bool | str
    unit: str
    tolerance: float
    vintage: str
    vintage_param: str
    check: Callable[[DataPackage, str], Reproduction]
    kind: str = "report"


@dataclass(frozen=True)
class Result:
    id: str
    chapter: str
    section: str
    statement: str
    reported: float | bool | str
    reproduced: float | bool | str | None
    difference: float | None
    unit: str
    verdict: str
    vintage: str
    note: str
    kind: str = "report"
    basis: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


REGISTRY: dict[str, Claim] = {}


def register(*, id: str, chapter: str, section: str, statement: str, reported, unit: str,
             vintage: str, vintage_param: str, tolerance: float = 0.0, kind: str | None = None):
    """Decorator: add the decorated check function to the registry as a claim.

    ``kind`` is "report" (the report's own statement) or "premise" (a premise the book
    wrote); a statement starting with :data:`PREMISE_PREFIX` is a premise, prefix stripped.

    ``vintage`` is the default vintage; ``vintage_param`` names the chapter parameter
    that chooses it, so a chapter re-run with other parameters checks its claims in
    the vintages it was asked for (the default must equal that parameter's default).
    """

    def wrap(check):
        if id in REGISTRY:
            raise ValueError(f"claim id {id!r} registered twice")
        text, found = statement, kind
        if statement.startswith(PREMISE_PREFIX):
            text, found = statement[len(PREMISE_PREFIX):], kind or "premise"
        found = found or "report"
        if found not in KINDS:
            raise ValueError(f"claim {id}: kind must be one of {KINDS}, not {found!r}")
        REGISTRY[id] = Claim(id=id, chapter=chapter, section=section, statement=text,
                             reported=reported, unit=unit, tolerance=tolerance,
                             vintage=vintage, vintage_param=vintage_param, check=check, kind=found)
        return check

    return wrap


def judge(claim: Claim, reproduced, basis: str = "recomputed") -> tuple[str, float | None]:
    """Verdict and difference (book's value − reported) for a value found on ``basis``."""
    agrees = "matches_publication" if basis == "published" else "recomputed"
    if isinstance(claim.reported, (bool, str)):
        return (agrees if reproduced == claim.reported else "differs"), None
    difference = float(reproduced) - float(claim.reported)
    ok = math.isclose(abs(difference), claim.tolerance) or abs(difference) <= claim.tolerance
    return (agrees if ok else "differs"), difference


def evaluate_claim(claim: Claim, package: DataPackage, vintage: str | None = None) -> Result:
    vintage = vintage or claim.vintage
    try:
        rep = claim.check(package, vintage)
    except CannotCheck as why:
        return Result(claim.id, claim.chapter, claim.section, claim.statement, claim.reported,
                      None, None, claim.unit, "cannot_check", vintage, str(why), claim.kind, None)
    verdict, difference = judge(claim, rep.value, rep.basis)
    value = rep.value
    if isinstance(value, float):
        value = round(value, 6)
        difference = None if difference is None else round(difference, 6)
    return Result(claim.id, claim.chapter, claim.section, claim.statement, claim.reported,
                  value, difference, claim.unit, verdict, vintage, rep.note, claim.kind, rep.basis)


def evaluate(package: DataPackage, chapter: str | None = None, ids: list[str] | None = None,
             vintage: str | None = None) -> list[Result]:
    """Evaluate registered claims (all, one chapter's, or the listed ids)."""
    claims = [c for c in REGISTRY.values()
              if (chapter is None or c.chapter == chapter) and (ids is None or c.id in ids)]
    if ids is not None:
        unknown = sorted(set(ids) - set(REGISTRY))
        if unknown:
            raise KeyError(f"unknown claim id(s): {', '.join(unknown)}")
    return [evaluate_claim(c, package, vintage) for c in claims]


def evaluate_chapter(package: DataPackage, chapter: str, params: dict[str, str]) -> dict[str, Result]:
    """Evaluate one chapter's claims, each in the vintage its chapter parameter names."""
    results = {}
    for claim in REGISTRY.values():
        if claim.chapter != chapter:
            continue
        if claim.vintage_param not in params:
            raise KeyError(f"claim {claim.id} needs the chapter parameter {claim.vintage_param!r}")
        results[claim.id] = evaluate_claim(claim, package, params[claim.vintage_param])
    return results
