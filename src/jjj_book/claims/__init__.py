"""The report's quantitative statements and their checks against a data directory.

A :class:`Claim` records what the report says (paraphrased, never quoted), the
value it gives, the unit, the tolerance that the report's rounding allows and
the vintage the check uses by default, and whether it is the report's own
statement or a premise the book wrote (``kind``). Its ``check`` function rebuilds
the figure from a :class:`~jjj_book.data.DataPackage` in one vintage and says on
what basis (recomputed from components, or looked up as published); the verdict
(names and labels in :mod:`jjj_book.vocab`) is then

- ``recomputed`` — recomputed from its components, within the tolerance (or, for
  a yes/no or direction statement, the same);
- ``matches_publication`` — the figure was looked up in an official publication
  and agrees (there was nothing to recompute it from);
- ``differs`` — either disagrees; the result carries the book's value and the
  difference;
- ``cannot_check`` — the data needed are not in the package; the result says
  which.

Chapters register their claims in a module of this package (``status`` for
01_status, …); :data:`REGISTRY` holds them all, in registration order.
"""

from __future__ import annotations

from jjj_book.claims.registry import (  # noqa: F401  (the package's names; the model lives in registry)
    BASES,
    KINDS,
    PREMISE_PREFIX,
    REGISTRY,
    VERDICTS,
    CannotCheck,
    Claim,
    Reproduction,
    Result,
    evaluate,
    evaluate_chapter,
    evaluate_claim,
    judge,
    register,
)

# Chapters' claims register themselves on import.
from jjj_book.claims import status  # noqa: E402,F401  (import order = listing order)
from jjj_book.claims import problems  # noqa: E402,F401
from jjj_book.claims import innovation, public_services, green, culture  # noqa: E402,F401
