"""Bands: named intervals of one analyte (or indicator) with explicit, sourced bounds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Literal

if TYPE_CHECKING:
    from pydantic import Field

from b12cli.conditions import ContextTest, Strict

Evidence = Literal["V", "S", "M", "C"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Band(Strict):
    """One band of an analyte, with explicit bounds (gt/ge below, lt/le above)."""

    name: str
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    source: str
    evidence: Evidence

    def __post_init__(self) -> None:
        if self.gt is not None and self.ge is not None:
            raise ValueError("a band takes gt or ge, not both")
        if self.lt is not None and self.le is not None:
            raise ValueError("a band takes lt or le, not both")
        if self.lower > self.upper:
            raise ValueError("the lower bound is above the upper bound")

    @property
    def lower(self) -> float:
        """The lower bound (-inf when open)."""
        bound = self.gt if self.gt is not None else self.ge
        return -math.inf if bound is None else bound

    @property
    def lower_inclusive(self) -> bool:
        """Whether the lower bound belongs to the band."""
        return self.ge is not None

    @property
    def upper(self) -> float:
        """The upper bound (+inf when open)."""
        bound = self.lt if self.lt is not None else self.le
        return math.inf if bound is None else bound

    @property
    def upper_inclusive(self) -> bool:
        """Whether the upper bound belongs to the band."""
        return self.le is not None

    def contains(self, value: float) -> bool:
        """Whether a value lies in the band."""
        above = value >= self.lower if self.lower_inclusive else value > self.lower
        below = value <= self.upper if self.upper_inclusive else value < self.upper
        return above and below


@dataclass(frozen=True, slots=True, kw_only=True)
class BandVariant(Strict):
    """A partition of the line into bands, used when `when` holds (the last has no `when`)."""

    when: ContextTest | None = None
    bands: Annotated[list[Band], Field(min_length=1)]

    def __post_init__(self) -> None:
        check_partition(self.bands)


def check_partition(bands: list[Band]) -> None:
    """Raise ValueError unless the bands, lowest first, cover the line without gap or overlap."""
    ordered = sorted(bands, key=lambda b: (b.lower, not b.lower_inclusive))
    if ordered != bands:
        raise ValueError("bands must be listed from lowest to highest")
    if ordered[0].lower != -math.inf or ordered[-1].upper != math.inf:
        raise ValueError("bands must cover every value (first open below, last open above)")
    for low, high in pairwise(ordered):
        if low.upper != high.lower or low.upper_inclusive == high.lower_inclusive:
            raise ValueError(
                f"bands {low.name!r} and {high.name!r} leave a gap or overlap at "
                f"{low.upper} vs {high.lower} (one side must be inclusive, the other not)"
            )
    names = [b.name for b in bands]
    if len(set(names)) != len(names):
        raise ValueError("band names must be unique within an analyte")
