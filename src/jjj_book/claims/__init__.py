"""The report's quantitative statements and their checks against a data directory.

A :class:`Claim` records what the report says (paraphrased, never quoted), the
value it gives, the unit, the tolerance that the report's rounding allows and
the vintage the check uses by default. Its ``check`` function recomputes the
figure from a :class:`~jjj_book.data.DataPackage` in one vintage; the verdict
is then

- ``reproduced`` — the recomputed value is within the tolerance (or, for a
  yes/no or direction statement, the same);
- ``differs`` — it is not; the result carries the recomputed value and the
  difference;
- ``cannot_check`` — the data needed are not in the package; the result says
  which.

Chapters register their claims in a module of this package (``status`` for
01_status, …); :data:`REGISTRY` holds them all, in registration order.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable

from jjj_book.data import DataPackage

VERDICTS = ("reproduced", "differs", "cannot_check")


class CannotCheck(Exception):
    """Raised by a check when the data it needs are missing."""


@dataclass(frozen=True)
class Reproduction:
    value: float | bool | str
    note: str = ""


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

    def to_dict(self) -> dict:
        return asdict(self)


REGISTRY: dict[str, Claim] = {}


def register(*, id: str, chapter: str, section: str, statement: str, reported, unit: str,
             vintage: str, vintage_param: str, tolerance: float = 0.0):
    """Decorator: add the decorated check function to the registry as a claim.

    ``vintage`` is the default vintage; ``vintage_param`` names the chapter parameter
    that chooses it, so a chapter re-run with other parameters checks its claims in
    the vintages it was asked for (the default must equal that parameter's default).
    """

    def wrap(check):
        if id in REGISTRY:
            raise ValueError(f"claim id {id!r} registered twice")
        REGISTRY[id] = Claim(id=id, chapter=chapter, section=section, statement=statement,
                             reported=reported, unit=unit, tolerance=tolerance,
                             vintage=vintage, vintage_param=vintage_param, check=check)
        return check

    return wrap


def judge(claim: Claim, reproduced) -> tuple[str, float | None]:
    """Verdict and difference (reproduced − reported) for a recomputed value."""
    if isinstance(claim.reported, (bool, str)):
        return ("reproduced" if reproduced == claim.reported else "differs"), None
    difference = float(reproduced) - float(claim.reported)
    ok = math.isclose(abs(difference), claim.tolerance) or abs(difference) <= claim.tolerance
    return ("reproduced" if ok else "differs"), difference


def evaluate_claim(claim: Claim, package: DataPackage, vintage: str | None = None) -> Result:
    vintage = vintage or claim.vintage
    try:
        rep = claim.check(package, vintage)
    except CannotCheck as why:
        return Result(claim.id, claim.chapter, claim.section, claim.statement, claim.reported,
                      None, None, claim.unit, "cannot_check", vintage, str(why))
    verdict, difference = judge(claim, rep.value)
    value = rep.value
    if isinstance(value, float):
        value = round(value, 6)
        difference = None if difference is None else round(difference, 6)
    return Result(claim.id, claim.chapter, claim.section, claim.statement, claim.reported,
                  value, difference, claim.unit, verdict, vintage, rep.note)


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


# Chapters' claims register themselves on import.
from jjj_book.claims import status  # noqa: E402,F401  (import order = listing order)
from jjj_book.claims import problems  # noqa: E402,F401
from jjj_book.claims import innovation, public_services, green, culture  # noqa: E402,F401
