"""The output table: the input columns, then category, rules, caveats, errors and per-analyte
value, unit and band, with names that never overwrite an input column.

Rule-derived texts are looked up by index (`gather`) rather than built per row, and a text
cell that a spreadsheet would run as a formula is escaped (CSV only).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from b12cli.batch import names, value_texts
from b12cli.batch.bandmasks import mask_labels
from b12cli.batch.compile import CompiledRuleset
from b12cli.batch.escaping import escape_expr, escape_text, needs_quotes, scan
from b12cli.batch.pipeline import Plan
from b12cli.batch.segments import Segment, analyte_segment, rule_segment
from b12cli.batch.texts import CaveatTexts, band_expr, lookup, steps_expr

CLASH_SUFFIX = "_b12cli"
# Appended columns whose expression depends on the run only, not on the chunk.
_STATIC = frozenset({"category", "rules_fired", "label", "summary", "unit", "band"})


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name_b12cli` (then `_b12cli_2`...) when an input column already has it."""
    candidate, n = name, 1
    while candidate in taken:
        candidate = f"{name}{CLASH_SUFFIX}" + (f"_{n}" if n > 1 else "")
        n += 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class _Out:
    name: str
    kind: str  # what to compute: "category", "rule", "caveats", ..., "value", "unit", "band"
    ruleset: int | None = None
    analyte: str | None = None


class OutputLayout:
    """Names and expressions of the output columns, fixed once for the whole run."""

    def __init__(self, inputs: list[str], plan: Plan, compiled: list[CompiledRuleset]) -> None:
        self.inputs, self.plan, self.compiled = inputs, plan, compiled
        taken = set(inputs)
        several = len(compiled) > 1
        appended: list[tuple[str, str, int | None, str | None]] = []
        for c in compiled:
            suffix = f"_{c.ruleset.id}" if several else ""
            kinds = ["category", "rules_fired", "caveats"]
            kinds += ["label", "summary", "next_steps"] if plan.explain else []
            appended += [(f"{k}{suffix}", k, c.index, None) for k in kinds]
        appended.append(("error", "error", None, None))
        for analyte in plan.catalog.analytes:
            if analyte in plan.columns.analytes:
                appended += [(f"{analyte}_{k}", k, None, analyte) for k in ("value", "unit")]
                appended += [
                    (
                        f"{analyte}_band" + (f"_{c.ruleset.id}" if several else ""),
                        "band",
                        c.index,
                        analyte,
                    )
                    for c in compiled
                    if analyte in c.banded
                ]
        self.appended = [_Out(unique_name(n, taken), k, r, a) for n, k, r, a in appended]
        self.quoted_texts = any(needs_quotes(t) for t in self._fixed_texts())
        self._joined: dict[bool, list[Segment]] = {}
        self._caveats: dict[tuple[int, bool], CaveatTexts] = {}
        self._static: dict[tuple[int, bool], pl.Expr] = {}  # columns no chunk changes

    def warm(self, escape: bool, merge: bool) -> None:
        """Build now what the first chunk's `select` would otherwise build (caveat texts,
        joined columns): the caller has time while the first chunk is read."""
        for compiled in self.compiled:
            self._caveat_texts(compiled, escape)
        if merge and not self.plan.explain and escape not in self._joined:
            self._joined[escape] = self._segments(escape)

    def _fixed_texts(self) -> list[str]:
        """Every header and every text the rulesets can put in a cell."""
        texts = [*self.names]
        for c in self.compiled:
            texts += [t for r in c.rules for t in (r.category, r.id)]
            texts += [v.id for v in c.ruleset.caveats]
            if self.plan.explain:
                texts += [t for r in c.rules for t in (r.label, r.summary)]
                texts += [s.text for s in c.ruleset.steps.values()]
            texts += [label for a in c.banded for label in mask_labels(c.ruleset.bands[a]).values()]
        return texts

    def needed(self) -> list[str]:
        """The working columns `select` reads (the rest of a chunk can be let go); a chunk
        may lack the optional `names.value_text` ones."""
        found = [*self.inputs, names.ROW_ERRORS]
        for analyte in self.plan.columns.analytes:
            found += [names.value(analyte), names.comparator(analyte)]
            found += [names.value_text(analyte)]  # where the chunk has it (see cells.py)
        for c in self.compiled:
            found += [names.mask(c.index, a) for a in c.banded]
            found += [c.rule_column, c.caveat_column]
            found += [c.step_column] if self.plan.explain else []
        return found

    @property
    def names(self) -> list[str]:
        """Every output column name, in order."""
        return [*self.inputs, *(o.name for o in self.appended)]

    def select(
        self,
        frame: pl.DataFrame,
        *,
        escape: bool,
        text_values: bool,
        seen: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
        merge: bool = False,
        quote_free: bool = False,
    ) -> tuple[pl.DataFrame, bool]:
        """The output columns of one interpreted chunk, and whether no cell needs CSV quotes.

        `escape`: formula-escape text cells (CSV); `seen`: input columns the engine already
        knows hold no formula-like cell, and no cell needing quotes (`Engine.seen`), so only
        the others are scanned. `text_values`: always give values as text (otherwise a chunk
        without censored values keeps them numeric, which CSV writes the same way). `merge`:
        write runs of few-valued columns as one (CSV only; the header is `header()`).
        `quote_free`: the reader knows no input cell of this chunk needs CSV quotes.
        """
        columns = [*self.inputs, names.ROW_ERRORS]
        unquoted = {*seen[1], *(self.inputs if quote_free else [])}
        risky, quoted = scan(
            frame,
            [c for c in columns if c not in seen[0]] if escape else [],
            [c for c in columns if c not in unquoted],
        )
        inputs = [escape_expr(pl.col(c)).alias(c) if c in risky else pl.col(c) for c in self.inputs]
        out = [
            self._cached(frame, i, o, escape, text_values).alias(o.name)
            for i, o in enumerate(self.appended)
        ]
        if names.ROW_ERRORS in risky:
            out = [
                escape_expr(e).alias(o.name) if o.kind == "error" else e
                for e, o in zip(out, self.appended, strict=True)
            ]
        quote_free = not (quoted or self.quoted_texts)
        if merge and quote_free and not self.plan.explain:
            out = self._merged(out, escape)
            return frame.select(*inputs, *out), True
        selected = frame.select(*inputs, *out)
        return (selected.rename(escape_text) if escape else selected), quote_free

    def _segments(self, escape: bool) -> list[Segment]:
        """Runs of few-valued appended columns that can be written as one (see segments.py)."""
        found: list[Segment | None] = []
        kinds = [o.kind for o in self.appended]
        for i, out in enumerate(self.appended):
            if out.kind == "category" and kinds[i + 1 : i + 2] == ["rules_fired"]:
                found.append(rule_segment(i, self.compiled[out.ruleset or 0], escape))
            elif out.kind == "unit" and out.analyte is not None:
                end = i + 1
                while end < len(kinds) and kinds[end] == "band":
                    end += 1
                unit = self.plan.catalog.analytes[out.analyte].canonical_unit  # type: ignore[index]
                found.append(analyte_segment(i, end, out.analyte, unit, self.compiled, escape))
        return [s for s in found if s is not None]

    def _merged(self, out: list[pl.Expr], escape: bool) -> list[pl.Expr]:
        """`out` with each run of few-valued columns replaced by its joined column."""
        if escape not in self._joined:
            self._joined[escape] = self._segments(escape)
        columns: list[pl.Expr] = []
        done = 0
        for segment in self._joined[escape]:
            columns += [*out[done : segment.start], segment.expr()]
            done = segment.end
        return columns + out[done:]

    def header(self, escape: bool) -> list[str]:
        """The column names as the CSV header shows them."""
        return [escape_text(n) for n in self.names] if escape else self.names

    def _cached(
        self, frame: pl.DataFrame, index: int, out: _Out, escape: bool, text_values: bool
    ) -> pl.Expr:
        """`_expr`, built once for the columns whose expression no chunk changes."""
        if out.kind not in _STATIC:
            return self._expr(frame, out, escape, text_values)
        if (index, escape) not in self._static:
            self._static[(index, escape)] = self._expr(frame, out, escape, text_values)
        return self._static[(index, escape)]

    def _caveat_texts(self, compiled: CompiledRuleset, escape: bool) -> CaveatTexts:
        if (compiled.index, escape) not in self._caveats:
            self._caveats[(compiled.index, escape)] = CaveatTexts(compiled, escape)
        return self._caveats[(compiled.index, escape)]

    def _expr(self, frame: pl.DataFrame, out: _Out, escape: bool, text_values: bool) -> pl.Expr:
        if out.kind == "error":
            return pl.col(names.ROW_ERRORS)
        if out.analyte is not None and out.kind in ("value", "unit"):
            return self._measured(frame, out.analyte, out.kind, text_values)
        compiled = self.compiled[out.ruleset or 0]
        if out.kind == "band":
            return band_expr(compiled, str(out.analyte), escape)
        if out.kind == "caveats":
            return self._caveat_texts(compiled, escape).expr(frame)
        if out.kind == "next_steps":
            return steps_expr(frame, compiled, escape)
        attribute = {"category": "category", "rules_fired": "id"}.get(out.kind, out.kind)
        texts = [str(getattr(rule, attribute)) for rule in compiled.rules]
        return lookup(texts, pl.col(compiled.rule_column), escape)

    def _measured(self, frame: pl.DataFrame, analyte: str, kind: str, text: bool) -> pl.Expr:
        value = pl.col(names.value(analyte))
        model = self.plan.catalog.analytes[analyte]  # type: ignore[index]
        if kind == "unit":
            unit = model.canonical_unit
            return pl.when(value.is_not_null()).then(pl.lit(unit, pl.Enum([unit])))
        if names.value_text(analyte) in frame.columns:  # worked out once per distinct cell
            return pl.col(names.value_text(analyte))
        comparator = names.comparator(analyte)
        if not text and frame.get_column(comparator).null_count() == frame.height:
            return value_texts.rounded(value, model.decimals)  # CSV writes it the same way
        return value_texts.shown(value, pl.col(comparator), model.decimals)
