"""Result cells -> numbers, units, comparators and errors, agreeing exactly with values.py.

A fast path casts plain numbers (`250`, `0.41`) in bulk and converts them with the same
factor; every other cell, and any plain number the fast path would not take as is (an
unknown unit, an implausible value), goes to `values.read_measurement` once per distinct
(text, unit) and is joined back. Both paths therefore give what `interpret` gives.

Where an analyte's unit is fixed for the whole column (no unit column), every working column
depends on the cell text alone: each distinct text is then parsed once per run, when a chunk
first holds it (see `cell_codes.KnownTexts`), and its results are gathered to the rows of
every chunk that holds it. A few new texts go through `values.read_measurement` one by one;
more (a run's first chunk) through both paths at once, every such column side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from b12cli.batch import names, value_texts
from b12cli.batch.bandmasks import first_of
from b12cli.batch.cell_codes import KnownTexts
from b12cli.batch.cell_plan import (
    COMPARATORS,
    FIELDS,
    PLAIN,
    UNIT_SOURCES,
    CellPlan,
    Parsed,
    Picker,
    fast_source,
    parse_cell,
    plain_number,
    resolve,
    unit_inputs,
)
from b12cli.batch.escaping import needs_quotes, starts_risky
from b12cli.batch.headers import AnalyteSource
from b12cli.model import Catalog
from b12cli.units import to_canonical
from b12cli.values import Decimal

CACHE_LIMIT = 200_000
CONVERSIONS_LIMIT = 100_000
# Encoding a column's chunk costs more than it saves once it holds many distinct texts per
# non-empty cell (measured on 200k-row chunks: from about 1 in 10 without a unit conversion);
# below a few thousand texts the difference is too small to matter.
DISTINCT_SHARE_LIMIT = 0.125
DISTINCT_FLOOR = 4096
# New texts parsed one by one in Python rather than in one polars pass: below this, polars'
# cost per call outweighs Python's per text.
FEW_TEXTS = 256


@dataclass
class TextResults:
    """An analyte's results for each text its column held so far (`known.results`: the
    `names.parsed` columns and the shown value, one row per text code), and what holds for
    all of them."""

    known: KnownTexts = field(default_factory=KnownTexts)
    shown: pl.Categorical = field(default_factory=lambda: pl.Categorical(pl.Categories.random()))
    slow: bool = False  # whether a text took the slow path
    same: bool = True  # whether each value is its number (given in the canonical unit)

    def restart(self) -> None:
        """Forget what held for texts no longer known."""
        self.shown = pl.Categorical(pl.Categories.random())
        self.slow, self.same = False, True


@dataclass
class CellParser:
    """Parses analyte cells; remembers slow-path results across chunks (bounded)."""

    catalog: Catalog
    decimal: Decimal | None = None
    cache: dict[tuple[str, str, str, str], Parsed] = field(default_factory=dict)
    # Columns seen holding a cell that starts like a spreadsheet formula, or one that CSV must
    # quote (see escaping.py); every other cell of a parsed column is a plain number or went
    # through Python here, so no other scan of these columns is needed.
    risky: set[str] = field(default_factory=set)
    quoted: set[str] = field(default_factory=set)
    # (analyte, unit) -> numbers seen, their canonical values, and the expression mapping them.
    conversions: dict[tuple[str, str], tuple[pl.Series, pl.Series, pl.Expr]] = field(
        default_factory=dict
    )
    # Columns of a fixed unit where an encoded chunk held too many distinct texts for the
    # encoding to pay (see DISTINCT_SHARE_LIMIT): their later chunks are parsed row by row.
    by_row: set[str] = field(default_factory=set)
    # Per analyte of a fixed unit: its column's texts met so far and their results.
    texts: dict[str, TextResults] = field(default_factory=dict)
    _picks: dict[tuple[str, AnalyteSource, bool], list[pl.Expr]] = field(default_factory=dict)

    def notice(self, column: str, texts: list[str]) -> None:
        """Note a column's cells that a spreadsheet would run or CSV must quote."""
        if any(starts_risky(t) for t in texts):
            self.risky.add(column)
        if any(needs_quotes(t) for t in texts):
            self.quoted.add(column)

    def parse(self, frame: pl.DataFrame, sources: dict[str, AnalyteSource]) -> pl.DataFrame:
        """Add each analyte's working columns (see `names`) to the frame."""
        plans = [CellPlan(a, s) for a, s in sources.items()]
        if self.decimal == ",":  # plain numbers such as 0,62 hold the CSV delimiter
            self.quoted.update(s.column for s in sources.values())
        # With a fixed unit every working column depends on the cell text alone.
        by_text = [p for p in plans if not p.dynamic and p.source.column not in self.by_row]
        if len({p.source.column for p in by_text}) < len(by_text):
            by_text = []  # a column read as two analytes: their texts cannot sit side by side
        rest = [p for p in plans if p not in by_text]
        if rest:
            frame = self._parse_rows(frame, rest)
        return frame.with_columns(self._by_text(frame, by_text))

    def _by_text(self, frame: pl.DataFrame, plans: list[CellPlan]) -> list[pl.Series]:
        """The working columns of the analytes whose unit is fixed: each distinct cell text is
        parsed once per run (the texts new to this chunk, usually none after the first few,
        of every column side by side in one pass), and the results are gathered to the rows."""
        if not plans:
            return []
        states = [self.texts.setdefault(p.analyte, TextResults()) for p in plans]
        codes, fresh = [], []
        for plan, state in zip(plans, states, strict=True):
            column_codes, new = state.known.encode(frame.get_column(plan.source.column))
            codes.append(column_codes)
            cells = len(column_codes) - column_codes.null_count()
            if len(new) > max(DISTINCT_FLOOR, cells * DISTINCT_SHARE_LIMIT):
                self.by_row.add(plan.source.column)
            if len(new) or state.known.results is None:
                fresh.append((plan, state, new))
        if fresh:
            self._learn(fresh)
        out: list[pl.Series] = []
        simple: list[pl.Series] = []
        for plan, state, rows in zip(plans, states, codes, strict=True):
            a, results = plan.analyte, state.known.results
            assert results is not None  # every state has learnt its texts by now
            plan.has_slow = state.slow
            if state.slow:
                wanted = names.parsed(a)
            else:
                # The fast path took every text: only the number and value differ between
                # cells, and the other columns are the same on every cell that is not empty.
                # In the canonical unit the value is the number: gather it once.
                wanted = [names.number(a)] if state.same else [names.number(a), names.value(a)]
            # Each row's results by its code, in one call (a null code, an empty cell, gives
            # nulls).
            gathered = results[[names.value_text(a), *wanted]][rows]
            out.append(gathered.get_column(names.value_text(a)))
            if state.slow:
                out += gathered.get_columns()[1:]
                continue
            number = gathered.get_column(names.number(a))
            value = number if state.same else gathered.get_column(names.value(a))
            simple.append(rows.is_not_null().alias(plan.temp("fast")))
            simple += [number.alias(plan.temp("number")), value.alias(plan.temp("canonical"))]
        picks = [e for p in plans if not p.has_slow for e in self._picked(p)]
        if picks:
            out += pl.DataFrame(simple).select(picks).get_columns()
        return out

    def _learn(self, fresh: list[tuple[CellPlan, TextResults, pl.Series]]) -> None:
        """Parse the texts new to these analytes' columns and append their results: a few
        (the usual case after a run's first chunks) one by one, more all at once in polars;
        either way the columns side by side, the shorter padded with empty cells."""
        for _, state, _ in fresh:
            if state.known.results is None:  # a run's first texts, or a fresh start
                state.restart()
        if sum(len(new) for _, _, new in fresh) <= FEW_TEXTS:
            parsed, exprs = self._read_each(fresh)
        else:
            texts = pl.concat([new.to_frame() for _, _, new in fresh], how="horizontal_extend")
            parsed, exprs = self._parse_rows(texts, [plan for plan, _, _ in fresh]), []
        for plan, state, _ in fresh:
            a = plan.analyte
            model = self.catalog.analytes[a]  # type: ignore[index]
            value, comparator = pl.col(names.value(a)), pl.col(names.comparator(a))
            text = value_texts.shown(value, comparator, model.decimals).cast(state.shown)
            exprs.append(text.alias(names.value_text(a)))
        parsed = parsed.with_columns(exprs)
        # Whether each analyte's values are its numbers (padding compares equal).
        same = parsed.select(
            pl.col(names.number(p.analyte)).eq_missing(pl.col(names.value(p.analyte))).all()
            for p, _, _ in fresh
        ).row(0)
        for (plan, state, new), alike in zip(fresh, same, strict=True):
            a = plan.analyte
            part = parsed.select(*names.parsed(a), names.value_text(a)).head(len(new))
            state.slow |= plan.has_slow
            state.same &= alike
            known = state.known.results
            state.known.results = part if known is None else pl.concat([known, part], rechunk=True)

    def _read_each(
        self, fresh: list[tuple[CellPlan, TextResults, pl.Series]]
    ) -> tuple[pl.DataFrame, list[pl.Expr]]:
        """A few new texts, each parsed as the slow path parses it (the fast path would give
        the same), in the columns `_parse_rows` gives, and the casts to its dtypes; `has_slow`
        is set where a text's results are not what the fast path gives every text it takes."""
        columns: dict[str, list[object]] = {}
        schema: dict[str, pl.DataType] = {}
        casts: list[pl.Expr] = []
        height = max(len(new) for _, _, new in fresh)
        for plan, _, new in fresh:
            a, source = plan.analyte, plan.source
            texts = new.to_list()
            self.notice(source.column, texts)
            unit, given = source.unit or "", source.unit_source
            rows = [self._parse_one(a, text, unit, given) for text in texts]
            # What the simple gathers in `_by_text` assume of every text (see `_pick_exprs`).
            model = self.catalog.analytes[a]  # type: ignore[index]
            usual = (source.unit or model.default_unit, given if source.unit else "default")
            plan.has_slow = any((r[1], r[4]) != usual or r[2] or r[5] for r in rows)
            padding = [None] * (height - len(rows))
            fields = list(zip(*rows, strict=True)) or [()] * len(FIELDS)
            for name, values in zip(names.parsed(a), fields, strict=True):
                columns[name] = [*values, *padding]
            for name, plain, dtype in zip(
                names.parsed(a), FIELDS.values(), self._dtypes(a), strict=True
            ):
                schema[name] = plain()
                if dtype != schema[name]:
                    casts.append(pl.col(name).cast(dtype))
        return pl.DataFrame(columns, schema=schema), casts

    def _dtypes(self, analyte: str) -> list[pl.DataType]:
        """The dtypes of an analyte's `names.parsed` columns, as `_pick_exprs` casts them."""
        units = pl.Enum(list(self.catalog.analytes[analyte].units))  # type: ignore[index]
        return [pl.Float64(), units, COMPARATORS, pl.Float64(), UNIT_SOURCES, pl.String()]

    def _parse_rows(self, frame: pl.DataFrame, plans: list[CellPlan]) -> pl.DataFrame:
        """Add the working columns of these analytes, worked out on every row of the frame
        (the rows of a chunk, or the distinct texts `_by_text` hands over)."""
        frame = frame.with_columns(
            *[e for p in plans if p.dynamic for e in unit_inputs(p)],
            *[
                plain_number(pl.col(p.source.column), self.decimal).alias(p.temp("number"))
                for p in plans
            ],
        )
        keys = {p.analyte: self._unit_key(frame, p) for p in plans}
        if any(p.dynamic for p in plans):
            frame = frame.with_columns(
                keys[p.analyte].alias(p.temp("key")) for p in plans if p.dynamic
            )
        keys |= {p.analyte: pl.col(p.temp("key")) for p in plans if p.dynamic}
        frame = frame.with_columns(e for p in plans for e in self._fast(frame, p, keys[p.analyte]))
        for plan in plans:
            # Cells the fast path left: neither empty nor taken (a taken cell is never empty).
            given = frame.height - frame.get_column(plan.source.column).null_count()
            if given - (frame.get_column(plan.temp("fast")).sum() or 0) == 0:
                continue
            slow = self._slow(frame, plan)
            if slow is not None:
                plan.has_slow = True
                frame = frame.join(
                    slow,
                    left_on=[plan.source.column, *plan.keys()[1:]],
                    right_on=plan.keys(),
                    how="left",
                    maintain_order="left",
                    nulls_equal=True,
                )
        picked = [e for p in plans for e in self._picked(p)]
        return frame.with_columns(picked).drop([w for p in plans for w in p.work()])

    def _fast(self, frame: pl.DataFrame, plan: CellPlan, key: pl.Expr) -> list[pl.Expr]:
        """Whether the fast path takes each cell, and its canonical value if so."""
        plausible = self.catalog.analytes[plan.analyte].plausible  # type: ignore[index]
        canonical = self._canonical(frame, plan, key)
        text = pl.col(plan.source.column)
        # At most 12 significant digits: then rounding to 12 (units.to_canonical) is a no-op.
        ok = text.str.contains(PLAIN[self.decimal or "."]) & (text.str.len_bytes() <= 13)
        ok = ok & canonical.is_between(plausible.min, plausible.max)
        return [
            ok.fill_null(False).alias(plan.temp("fast")),
            canonical.alias(plan.temp("canonical")),
        ]

    def _canonical(self, frame: pl.DataFrame, plan: CellPlan, key: pl.Expr) -> pl.Expr:
        """Canonical values: as given in the canonical unit, else `units.to_canonical` applied
        once per distinct number (so the rounding is exactly the pure parser's)."""
        model = self.catalog.analytes[plan.analyte]  # type: ignore[index]
        if not plan.dynamic:
            unit = plan.source.unit or model.default_unit
            return self._converted(frame.get_column(plan.temp("number")), plan, unit)
        cases = []
        for unit in model.units:
            numbers = frame.filter(key == unit).get_column(plan.temp("number"))
            cases.append((key == unit, self._converted(numbers, plan, unit)))
        return first_of(cases, pl.lit(None, pl.Float64))

    def _converted(self, numbers: pl.Series, plan: CellPlan, unit: str) -> pl.Expr:
        """The number column in the canonical unit, for rows given in `unit`."""
        model = self.catalog.analytes[plan.analyte]  # type: ignore[index]
        number = pl.col(plan.temp("number"))
        if model.units[unit].factor == 1:
            return number
        # Numbers converted by earlier chunks are kept (bounded): only new ones go through
        # Python, and the mapping is handed to polars as it is.
        known = self.conversions.get((plan.analyte, unit))
        distinct = numbers.drop_nulls().unique()
        if known is not None and len(known[0]) + len(distinct) <= CONVERSIONS_LIMIT:
            fresh = distinct.filter(~distinct.is_in(known[0].implode()))
        else:
            known, fresh = None, distinct
        if known is None or len(fresh):
            values = [to_canonical(model, v, unit) for v in fresh.to_list()]
            added = (fresh, pl.Series(values, dtype=pl.Float64))
            if known is not None:
                added = (pl.concat([known[0], fresh]), pl.concat([known[1], added[1]]))
            expr = number.replace_strict(*added, default=None, return_dtype=pl.Float64)
            known = self.conversions[(plan.analyte, unit)] = (*added, expr)
        return known[2]

    def _picked(self, plan: CellPlan) -> list[pl.Expr]:
        """The analyte's working columns: fast results where taken, else the slow path's."""
        cache_key = (plan.analyte, plan.source, plan.has_slow)
        if cache_key not in self._picks:
            self._picks[cache_key] = self._pick_exprs(plan)
        return self._picks[cache_key]

    def _pick_exprs(self, plan: CellPlan) -> list[pl.Expr]:
        a = plan.analyte
        model = self.catalog.analytes[a]  # type: ignore[index]
        units = pl.Enum(list(model.units))
        key = (
            pl.col(plan.temp("key"))
            if plan.dynamic
            else pl.lit(plan.source.unit or model.default_unit, pl.String)
        )
        pick = Picker(pl.col(plan.temp("fast")), plan.temp("slow_") if plan.has_slow else None)
        number, canonical = pl.col(plan.temp("number")), pl.col(plan.temp("canonical"))
        if plan.has_slow:
            number, canonical = pick(number, "number"), pick(canonical, "value")
        # Else the fast path took every cell that is not empty, and both are null on the rest.
        return [
            number.alias(names.number(a)),
            pick(key, "unit", units).alias(names.unit(a)),
            pick(None, "cmp", COMPARATORS).alias(names.comparator(a)),
            canonical.alias(names.value(a)),
            pick(fast_source(plan), "source", UNIT_SOURCES).alias(names.unit_source(a)),
            pick(None, "error", pl.String()).alias(names.error(a)),
        ]

    def _unit_key(self, frame: pl.DataFrame, plan: CellPlan) -> pl.Expr:
        """The unit key for each row's unit text ('' -> the analyte's default; null: unknown)."""
        model = self.catalog.analytes[plan.analyte]  # type: ignore[index]
        if not plan.dynamic:
            return pl.lit(plan.source.unit or model.default_unit, pl.String)
        texts = frame.get_column(plan.temp("unit_in")).unique().to_list()
        self.notice(str(plan.source.unit_column), texts)
        keys = {
            t: resolve(self.catalog, plan.analyte, t) if t else model.default_unit for t in texts
        }
        unit_in = pl.col(plan.temp("unit_in"))
        return unit_in.replace_strict(keys, default=None, return_dtype=pl.String)

    def _slow(self, frame: pl.DataFrame, plan: CellPlan) -> pl.DataFrame | None:
        """Parsed results for every distinct (text, unit, source) the fast path left."""
        column = plan.source.column
        wanted = frame.filter(~pl.col(plan.temp("fast")) & pl.col(column).is_not_null())
        if wanted.height == 0:
            return None
        keys = wanted.select(pl.col(column).alias(plan.temp("text")), *plan.keys()[1:]).unique()
        self.notice(column, keys.get_column(plan.temp("text")).to_list())
        fixed = (plan.source.unit or "", plan.source.unit_source)
        rows = [
            (*key, *self._parse_one(plan.analyte, *(key if plan.dynamic else (*key, *fixed))))
            for key in keys.iter_rows()
        ]
        return pl.DataFrame(rows, schema=plan.slow_schema(), orient="row")

    def _parse_one(self, analyte: str, text: str, unit: str, source: str) -> Parsed:
        key = (analyte, text, unit, source)
        if key not in self.cache:
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            self.cache[key] = parse_cell(self.catalog, analyte, text, unit, source, self.decimal)
        return self.cache[key]
