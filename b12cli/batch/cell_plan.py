"""One analyte's cells while they are parsed: working column names, the slow path's
per-cell parse (values.py itself), and how fast and slow results are combined."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from b12cli.batch import names
from b12cli.batch.headers import AnalyteSource
from b12cli.errors import InputError
from b12cli.model import Catalog
from b12cli.units import resolve_unit
from b12cli.values import Decimal, read_measurement

# Plain numbers only: ASCII digits, at most one decimal mark, no sign or space.
PLAIN = {".": r"^[0-9]{1,15}(?:\.[0-9]{1,15})?$", ",": r"^[0-9]{1,15}(?:,[0-9]{1,15})?$"}
COMPARATORS = pl.Enum(["<", "<=", ">", ">="])
UNIT_SOURCES = pl.Enum(["given", "default", "header", "column", "option"])
Parsed = tuple[float | None, str | None, str | None, float | None, str | None, str | None]
MISSING: Parsed = (None, None, None, None, None, None)
FIELDS = {
    "number": pl.Float64,
    "unit": pl.String,
    "cmp": pl.String,
    "value": pl.Float64,
    "source": pl.String,
    "error": pl.String,
}


@dataclass
class CellPlan:
    """One analyte's source and the working column names used while parsing it."""

    analyte: str
    source: AnalyteSource
    has_slow: bool = False

    def temp(self, what: str) -> str:
        return f"{names.PREFIX}cells_{self.analyte}_{what}"

    @property
    def dynamic(self) -> bool:
        """Whether the unit may differ by row (a unit column)."""
        return self.source.unit_column is not None

    def keys(self) -> list[str]:
        """Slow-path join keys: the text, and for a unit column the unit text and source."""
        return [self.temp("text"), *([self.temp("unit_in"), self.temp("source_in")] * self.dynamic)]

    def slow_schema(self) -> dict[str, pl.DataType]:
        keys = dict.fromkeys(self.keys(), pl.String())
        return keys | {self.temp(f"slow_{k}"): v() for k, v in FIELDS.items()}

    def work(self) -> list[str]:
        names_ = [self.temp(w) for w in ("fast", "number", "canonical")]
        names_ += [self.temp("unit_in"), self.temp("source_in"), self.temp("key")] * self.dynamic
        return names_ + [self.temp(f"slow_{k}") for k in FIELDS] * self.has_slow


@dataclass(frozen=True)
class Picker:
    """The fast value where the fast path applied, else the slow path's column (cast alike)."""

    fast: pl.Expr
    slow_prefix: str | None

    def __call__(
        self, value: pl.Expr | None, name: str, dtype: pl.DataType | None = None
    ) -> pl.Expr:
        fast_value = pl.lit(None, dtype) if value is None else value
        if dtype is not None and value is not None:
            fast_value = fast_value.cast(dtype)
        picked = pl.when(self.fast).then(fast_value)
        if self.slow_prefix is None:
            return picked if dtype is None else picked.otherwise(pl.lit(None, dtype))
        slow = pl.col(f"{self.slow_prefix}{name}")
        return picked.otherwise(slow if dtype is None else slow.cast(dtype))


def parse_cell(
    catalog: Catalog, analyte: str, text: str, unit: str, source: str, decimal: Decimal | None
) -> Parsed:
    """One cell as values.py reads it: (number, unit, comparator, canonical, source, error)."""
    if not text.strip():
        return MISSING
    try:
        read = read_measurement(
            catalog,
            analyte,
            text,
            unit=unit or None,
            unit_source=source,  # type: ignore[arg-type]
            decimal=decimal,
        )
    except InputError as exc:
        return (None, None, None, None, None, str(exc))
    return (read.value, read.unit, read.comparator, read.canonical, read.unit_source, None)


def unit_inputs(plan: CellPlan) -> tuple[pl.Expr, pl.Expr]:
    """The unit text that applies when a cell names none, and where it came from."""
    source = plan.source
    fixed, fixed_source = pl.lit(source.unit or ""), pl.lit(source.unit_source)
    cell = pl.col(str(source.unit_column)).str.strip_chars()
    given = cell.is_not_null() & (cell != "")
    return (
        pl.when(given).then(cell).otherwise(fixed).alias(plan.temp("unit_in")),
        pl.when(given).then(pl.lit("column")).otherwise(fixed_source).alias(plan.temp("source_in")),
    )


def resolve(catalog: Catalog, analyte: str, text: str) -> str | None:
    try:
        return resolve_unit(catalog, analyte, text)
    except InputError:
        return None


def plain_number(text: pl.Expr, decimal: Decimal | None) -> pl.Expr:
    if decimal == ",":
        text = text.str.replace(",", ".", literal=True)
    return text.cast(pl.Float64, strict=False)


def fast_source(plan: CellPlan) -> pl.Expr:
    """Where a plain number's unit came from: the unit column, header, option, or default."""
    source = plan.source
    if not plan.dynamic:
        return pl.lit(source.unit_source if source.unit else "default")
    unit_in, source_in = pl.col(plan.temp("unit_in")), pl.col(plan.temp("source_in"))
    return pl.when(unit_in == "").then(pl.lit("default")).otherwise(source_in)
