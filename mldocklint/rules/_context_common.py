"""Helpers shared by the rules that read the build context (ML2xx/ML5xx)."""

from __future__ import annotations

from mldocklint.model import Dockerfile, Instruction, Problem
from mldocklint.target import span
from mldocklint.units import human


def at_word(df: Dockerfile, instr: Instruction, word: str, message: str, **kw) -> Problem:
    """A problem at ``word`` as written after the instruction's flags, else at the instruction."""
    src = df.text[instr.start : instr.end]
    skip = max((src.find(f) + len(f) for f in instr.flags if f in src), default=len(instr.keyword))
    k = src.find(word, skip) if word else -1
    if k < 0:
        return Problem.at(instr, message, **kw)
    line, col, end_line, end_col = span(instr, src, k, len(word))
    return Problem(line, col, message, end_line=end_line, end_column=end_col, **kw)


def top(groups: dict[str, int], k: int = 3) -> str:
    """The ``k`` largest of path -> size, as `path` (size), ..."""
    items = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{p} ({human(s)})" for p, s in items[:k])
    return shown + (f" and {len(items) - k} more" if len(items) > k else "")
