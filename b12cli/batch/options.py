"""Option values of `b12cli batch`: KEY=VALUE pairs and comma lists."""

from __future__ import annotations

from b12cli.errors import UsageError


def pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """['b12=LBXB12', ...] -> {'b12': 'LBXB12'}; a UsageError names the bad one."""
    found: dict[str, str] = {}
    for value in values or []:
        key, sep, item = value.partition("=")
        if not sep or not key.strip() or not item.strip():
            raise UsageError(f"{option} expects KEY=VALUE, not {value!r}")
        found[key.strip()] = item.strip()
    return found


def names_list(value: str | None) -> list[str]:
    """'a,b' -> ['a', 'b'] (None -> [])."""
    return [v.strip() for v in (value or "").split(",") if v.strip()]
