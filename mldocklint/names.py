"""Nearest-name hints for mistyped commands, rules, configuration keys and values."""

from __future__ import annotations


def nearest(word: str, choices, cutoff: float = 0.75) -> str | None:
    """The choice closest to ``word`` (ignoring case), when one is close enough to be a typo."""
    import difflib

    by_lower = {str(c).lower(): str(c) for c in choices}
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[found[0]] if found else None


def did_you_mean(word: str, choices) -> str:
    """``; did you mean `x`?`` for a near choice, else ``""``."""
    near = nearest(word, choices)
    return f"; did you mean `{near}`?" if near else ""
