"""Parameters of combined indicators (cB12): units, age term and bands, read from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

if TYPE_CHECKING:
    from pydantic import Field

from b12cli.band_model import Band, Evidence, check_partition
from b12cli.conditions import Strict

# cB12 = log10[(holoTC x B12) / (MMA x Hcy)] - age term: the formula needs exactly these four.
CB12_ANALYTES = ("holotc", "b12", "mma", "hcy")


@dataclass(frozen=True, slots=True, kw_only=True)
class AgeTerm(Strict):
    """The age term subtracted from the log ratio: scale / (1 + (age / age_scale) ** power)."""

    scale: float
    age_scale: Annotated[float, Field(gt=0)]
    power: float
    source: str
    evidence: Evidence


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator(Strict):
    """A combined indicator: experimental, reported beside the category, never deciding it."""

    name: str
    status: Literal["experimental"]
    description: str
    units: dict[str, str]
    age_term: AgeTerm
    bands: Annotated[list[Band], Field(min_length=1)]
    source: str
    evidence: Evidence

    def __post_init__(self) -> None:
        if sorted(self.units) != sorted(CB12_ANALYTES):
            raise ValueError(f"units: give exactly the formula's analytes {list(CB12_ANALYTES)}")
        check_partition(self.bands)

    def cited(self) -> list[str]:
        """Every source id this indicator cites."""
        return [self.source, self.age_term.source, *(b.source for b in self.bands)]
