"""A Ruleset -> polars expressions: bands, derived statuses, the deciding rule, caveats, steps.

The same semantics as `evaluate.py` and `logic.py`, column-wise: conditions are Boolean
expressions whose null means "cannot tell", and polars' `&`, `|` and `~` follow Kleene logic
exactly as `logic.py` does. A derived status is the set of values it can take (a bitmask); a
rule whose condition cannot be told stops the search at the `uncertain` rule.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

import polars as pl

from b12cli.batch import names
from b12cli.batch.bandmasks import band_in, band_names, context_test, mask_expr, spans
from b12cli.batch.rule_table import RuleTable, Stage, digits, run_stages
from b12cli.conditions import (
    AllOf,
    AnyOf,
    BandTest,
    CategoryTest,
    Condition,
    ContextTest,
    DerivedTest,
    MeasuredTest,
    NotOf,
    RiskTest,
    SymptomTest,
    UncertainTest,
)
from b12cli.model import Rule, Ruleset

NO = pl.lit(False)


@dataclass(frozen=True)
class Scope:
    """What a table can tell: analytes with a column, and context fields with a column."""

    analytes: frozenset[str]
    context: frozenset[str]


class CompiledRuleset:
    """One ruleset as expressions over the engine's working columns (see `names`)."""

    def __init__(self, ruleset: Ruleset, index: int, scope: Scope) -> None:
        self.ruleset, self.index, self.scope = ruleset, index, scope
        self.rules: list[Rule] = [*ruleset.rules, ruleset.uncertain, ruleset.otherwise]
        self.banded = [a for a in ruleset.bands if a in scope.analytes]
        self.derived_values = {
            name: list(dict.fromkeys(c.value for c in candidates))
            for name, candidates in ruleset.derived.items()
        }
        self._stages: dict[tuple[frozenset[str], bool], list[Stage]] = {}
        self._tables: dict[bool, RuleTable | None] = {}

    def apply(
        self, frame: pl.LazyFrame, censored: frozenset[str] = frozenset(), explain: bool = False
    ) -> pl.LazyFrame:
        """Add band masks, derived statuses, the rule index and the caveat (and step) masks.

        `censored`: analytes with a censored value in this chunk (the others need only the
        cheaper exact-value masks).
        """
        key = (censored & frozenset(self.banded), explain)
        if key not in self._stages:  # built once per kind of chunk, not for every chunk
            self._stages[key] = self._build(*key)
        return run_stages(frame, self._stages[key])

    def lookup(self, explain: bool) -> RuleTable | None:
        """The rule table (see rule_table.py), or None where rows are evaluated one by one.
        Built on first use (a few milliseconds): the engine asks while the first chunk is
        still being read."""
        if explain not in self._tables:
            self._tables[explain] = self._table(explain)
        return self._tables[explain]

    def possible_caveats(self) -> list[int] | None:
        """Every caveat mask a row can get, where a rule table already built knows them."""
        table = next((t for t in self._tables.values() if t is not None), None)
        return None if table is None else table.columns[self.caveat_column].unique().to_list()

    def _build(self, censored: frozenset[str], explain: bool) -> list[Stage]:
        """The stages of `apply`: the band masks, then the outcomes, looked up in the rule
        table when there is one, else evaluated row by row."""
        table = self.lookup(explain)
        outcomes = [table.stage()] if table is not None else self._outcomes(explain)
        return [self._masks(censored), *outcomes]

    def _table(self, explain: bool) -> RuleTable | None:
        """The outcomes of every band combination, when nothing else decides them."""
        if self.scope.context:  # context tests read the row itself, not only its bands
            return None
        bands = self.ruleset.bands
        widths: dict[str, int] = {a: len(band_names(bands[a])) for a in self.banded}  # type: ignore[index,unused-ignore]
        found = digits(self.index, list(self.scope.analytes), widths)
        if found is None:
            return None
        outcomes = [self.rule_column, self.caveat_column]
        outcomes += [self.step_column] if explain else []
        return RuleTable(found, self._outcomes(explain), outcomes)

    def _masks(self, censored: frozenset[str]) -> Stage:
        """The band mask of every banded analyte (exact-value masks only where `censored`
        says no value of the chunk carries a comparator)."""
        return (
            [
                mask_expr(a, self.ruleset.bands[a], self.scope.context, a in censored).alias(
                    names.mask(self.index, a)
                )
                for a in self.banded
            ],
            [],
        )

    def _outcomes(self, explain: bool) -> list[Stage]:
        """Every row evaluated from its band masks: derived statuses, rule, caveats (and
        next steps)."""
        stages: list[Stage] = []
        for name in self.ruleset.derived:
            stages += self._derive(name)
        stages += self._first_match([r.when for r in self.ruleset.rules], self.rule_column)
        first = pl.col(self.rule_column)
        unknown, otherwise = len(self.ruleset.rules), len(self.ruleset.rules) + 1
        # _first_match gives 0 for "cannot tell" and k+1 for rule k; re-key to self.rules order.
        rule = pl.when(first == 0).then(unknown).when(first.is_null()).then(otherwise)
        stages.append(([rule.otherwise(first - 1).cast(pl.Int32).alias(self.rule_column)], []))
        columns = [self._caveats().alias(self.caveat_column)]
        if explain:
            columns.append(self._steps().alias(self.step_column))
        stages.append((columns, []))
        return stages

    @property
    def rule_column(self) -> str:
        """Index into `self.rules` of the rule that decided each row."""
        return names.outcome(self.index, "rule")

    @property
    def caveat_column(self) -> str:
        """Bitmask of the caveats that apply (bit k: `ruleset.caveats[k]`)."""
        return names.outcome(self.index, "caveats")

    @property
    def step_column(self) -> str:
        """Bitmask of the deciding rule's next steps that apply (bit k: its k-th step)."""
        return names.outcome(self.index, "steps")

    def _first_match(self, conditions: list[Condition], out: str) -> list[Stage]:
        """0 where the first condition that is not false cannot be told, k+1 where k-th holds."""
        temps = [f"{out}_{k}" for k in range(len(conditions))]
        tests = [self.condition(c).alias(t) for c, t in zip(conditions, temps, strict=True)]
        chain: pl.Expr = pl.lit(None, pl.Int32)
        for k, temp in reversed(list(enumerate(temps))):
            cond = pl.col(temp)
            chain = pl.when(cond.is_null()).then(0).when(cond).then(k + 1).otherwise(chain)
        return [(tests, []), ([chain.cast(pl.Int32).alias(out)], temps)]

    def _derive(self, name: str) -> list[Stage]:
        """`evaluate.derive`: a bitmask of the values the status can take (bit k: the k-th
        distinct value, the top bit: no candidate matched). A candidate that cannot be told
        joins the set and the search goes on; the first that holds ends it."""
        candidates = self.ruleset.derived[name]
        values = self.derived_values[name]
        out = names.derived(self.index, name)
        temps = [f"{out}_{k}" for k in range(len(candidates))]
        tests = [self.condition(c.when).alias(t) for c, t in zip(candidates, temps, strict=True)]
        stopped: pl.Expr = NO
        mask: pl.Expr = pl.lit(0, pl.Int64)
        for candidate, temp in zip(candidates, temps, strict=True):
            told = pl.col(temp)
            bit = pl.lit(1 << values.index(candidate.value), pl.Int64)
            mask = mask | pl.when(told.fill_null(True) & ~stopped).then(bit).otherwise(0)
            stopped = stopped | told.fill_null(False)
        mask = mask | pl.when(stopped).then(0).otherwise(pl.lit(1 << len(values), pl.Int64))
        return [(tests, []), ([mask.alias(out)], temps)]

    def _caveats(self) -> pl.Expr:
        bits = [
            pl.when(self.condition(c.when)).then(pl.lit(1 << k, pl.Int64)).otherwise(0)
            for k, c in enumerate(self.ruleset.caveats)
        ]
        return pl.sum_horizontal(bits) if bits else pl.lit(0, pl.Int64)

    def _steps(self) -> pl.Expr:
        bits = []
        rule = pl.col(self.rule_column)
        for r, decided in enumerate(self.rules):
            for k, step_id in enumerate(decided.next_steps):
                step = self.ruleset.steps[step_id]
                holds = rule == r
                if step.when is not None:
                    holds = holds & self.condition(step.when)
                bits.append(pl.when(holds).then(pl.lit(1 << k, pl.Int64)).otherwise(0))
        return pl.sum_horizontal(bits) if bits else pl.lit(0, pl.Int64)

    def condition(self, node: Condition) -> pl.Expr:
        """A Boolean expression, null where `logic.evaluate` gives None."""
        if isinstance(node, AllOf):
            return reduce(operator.and_, [self.condition(c) for c in node.all_of])
        if isinstance(node, AnyOf):
            return reduce(operator.or_, [self.condition(c) for c in node.any_of])
        if isinstance(node, NotOf):
            return ~self.condition(node.not_of)
        return self._leaf(node)

    def _leaf(self, node: Condition) -> pl.Expr:
        if isinstance(node, BandTest):
            return self._band(node)
        if isinstance(node, DerivedTest):
            # logic: true when every possible value is wanted, null when only some are.
            possible = pl.col(names.derived(self.index, node.derived))
            values = self.derived_values[node.derived]
            wanted = sum(1 << k for k, v in enumerate(values) if v in node.in_)
            hit = possible & wanted
            unsure = (hit != 0) & (hit != possible)
            return pl.when(unsure).then(pl.lit(None, pl.Boolean)).otherwise(hit != 0)
        if isinstance(node, MeasuredTest):
            return self._measured(node.measured)
        if isinstance(node, UncertainTest):
            found = [self._spans(a) for a in node.uncertain if a in self.scope.analytes]
            return reduce(operator.or_, found) if found else NO
        if isinstance(node, ContextTest):
            return context_test(node, self.scope.context)
        if isinstance(node, RiskTest | SymptomTest):
            field = "risks" if isinstance(node, RiskTest) else "symptoms"
            terms = node.risk if isinstance(node, RiskTest) else node.symptom
            return self._terms(field, terms)
        assert isinstance(node, CategoryTest)
        rules = [k for k, r in enumerate(self.rules) if r.category in node.category]
        return pl.col(self.rule_column).is_in(rules).fill_null(False)

    def _band(self, node: BandTest) -> pl.Expr:
        if node.band not in self.banded:
            return NO
        ordered = band_names(self.ruleset.bands[node.band])  # type: ignore[index,unused-ignore]
        inside = sum(1 << i for i, n in enumerate(ordered) if n in node.in_)
        every = (1 << len(ordered)) - 1
        return band_in(pl.col(names.mask(self.index, node.band)), inside, every)

    def _measured(self, analyte: str) -> pl.Expr:
        if analyte not in self.scope.analytes:
            return NO
        return pl.col(names.value(analyte)).is_not_null()

    def _spans(self, analyte: str) -> pl.Expr:
        # An analyte the ruleset does not band has nothing to span (logic._spans).
        if analyte not in self.banded:
            return NO
        return spans(pl.col(names.mask(self.index, analyte)))

    def _terms(self, field: str, terms: list[str]) -> pl.Expr:
        if field not in self.scope.context:
            return NO
        given = pl.col(names.context(field))
        return reduce(operator.or_, [given.list.contains(t) for t in terms]).fill_null(False)
