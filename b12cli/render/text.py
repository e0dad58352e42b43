"""`--format text`: plain text for pasting into a clinical note."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TextIO

from b12cli.render import RenderOptions
from b12cli.render.common import (
    CATEGORY_TITLES,
    band_rule,
    band_text,
    canonical_text,
    citation,
    entered_text,
)
from b12cli.result import Context, Interpretation


def context_text(context: Context) -> str:
    """'age 55; female; pregnant; risks: metformin; symptoms: joint-pain' or ''."""
    parts = [f"age {context.age:g}"] if context.age is not None else []
    parts += [context.sex] if context.sex else []
    parts += ["pregnant"] if context.pregnant else []
    parts += [f"risks: {', '.join(context.risks)}"] if context.risks else []
    parts += [f"symptoms: {', '.join(context.symptoms)}"] if context.symptoms else []
    return "; ".join(parts)


INDICATOR_NAMES = {"cb12": "cB12"}


def indicator_lines(result: Interpretation) -> list[str]:
    """One line per computed indicator, e.g. 'cB12 0.30: adequate (experimental; ...)'."""
    return [
        f"{INDICATOR_NAMES.get(key, key)} {item['value']:.2f}: {item['band'].replace('_', ' ')} "
        f"({item['status']}: the age term is not verified; it never changes the category)"
        for key, item in result.indicators.items()
    ]


def _bullets(lines: list[str], width: int) -> list[str]:
    wrapped: list[str] = []
    for line in lines:
        wrapped += textwrap.wrap(line, width, initial_indent="  - ", subsequent_indent="    ")
    return wrapped


def lines_for(result: Interpretation, width: int = 88) -> list[str]:
    """The plain-text lines of one interpretation."""
    r = result.ruleset
    out = [f"B12 interpretation: {r.title} ({r.id} {r.version}, {r.status})", ""]
    out.append(f"Result: {CATEGORY_TITLES[result.category].upper()} - {result.label}")
    out += [*textwrap.wrap(result.summary, width), "", "Results:"]
    for m in result.measurements:
        rule = f" ({band_rule(m)})" if band_rule(m) else ""
        out.append(f"  {m.name}: {entered_text(m)} = {canonical_text(m)}; {band_text(m)}{rule}")
    if not result.measurements:
        out.append("  (none given)")
    out += [f"  Problem: {e.message}" for e in result.errors]
    if context_text(result.context):
        out.append(f"Context: {context_text(result.context)}")
    for fired in result.rules_fired:
        out += ["", f"Why (rule {fired.id}; {citation(result, fired.source)}):"]
        out += _bullets(fired.because or ["no measured value decided this rule"], width)
    sections = [
        ("Next steps to consider", [s.text for s in result.next_steps]),
        ("Caveats", [f"{c.text} [{c.source}]" for c in result.caveats]),
        ("Experimental indicator", indicator_lines(result)),
    ]
    for note_section in dict.fromkeys(n.title for n in result.notes):
        sections.append((note_section, [n.text for n in result.notes if n.title == note_section]))
    for title, items in sections:
        if items:
            out += ["", f"{title}:", *_bullets(items, width)]
    sources = [f"[{k}] {citation(result, k)}" for k in result.sources]
    out += ["", "Sources:", *_bullets(sources, width)]
    out += ["", f"Ruleset sha256: {r.sha256}", *textwrap.wrap(f"Note: {result.disclaimer}", width)]
    return out


def render(results: Sequence[Interpretation], out: TextIO, options: RenderOptions) -> None:
    """Write each interpretation as plain text, separated by a rule line."""
    width = min(options.width or 88, 88)
    blocks = ["\n".join(lines_for(result, width)) for result in results]
    out.write(("\n\n" + "=" * width + "\n\n").join(blocks) + "\n")
