"""Short inline Dockerfiles in, exact findings out."""

from __future__ import annotations

import textwrap

from mldocklint.engine import Linter, Options, Result


def lint_text(src: str, select: str | list[str] | None = None, **options) -> list[tuple[str, int, int]]:
    """(rule, line, column) of every finding for ``src`` (dedented)."""
    return [(f.rule, f.line, f.column) for f in findings(src, select, **options)]


def findings(src: str, select: str | list[str] | None = None, context_dir: str | None = None, path: str = "Dockerfile", **options):
    if isinstance(select, str):
        select = [select]
    opts = Options(select=select, inline_suppressions=options.pop("inline_suppressions", False), **options)
    result = Result()
    text = textwrap.dedent(src).lstrip("\n")
    found = Linter(opts).lint_text(text, path, result, context_dir)
    assert not result.errors, result.errors
    return sorted(found, key=lambda f: f.sort_key())


def catches(rule: str, src: str, *locations: tuple[int, int], **options) -> None:
    """``rule`` fires exactly at these (line, column) locations."""
    got = [(line, col) for r, line, col in lint_text(src, rule, **options) if r == rule]
    assert got == sorted(locations), f"{rule}: expected {sorted(locations)}, got {got}"


def does_not_catch(rule: str, src: str, **options) -> None:
    got = [(line, col) for r, line, col in lint_text(src, rule, **options) if r == rule]
    assert got == [], f"{rule}: expected nothing, got {got}"
