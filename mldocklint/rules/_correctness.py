"""What the build-correctness rules (ML0xx) share: the source text of a keyword, and
variable references in instruction arguments, read the way BuildKit reads them."""

from __future__ import annotations

from mldocklint import lazyre
from mldocklint.model import Dockerfile, Instruction, Problem
from mldocklint.syntax.dockerfile import command_pieces
from mldocklint.target import span

# $NAME, ${NAME}, ${NAME:-x}, ${NAME-x}, ${NAME:+x}, ${NAME+x}, ${NAME?x}; `\$` is literal
VAR = lazyre.compile(r"(?<!\\)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")


def keyword_text(df: Dockerfile, instr: Instruction) -> str:
    """The instruction's keyword as written (``from``, ``Run``)."""
    return df.text[instr.start : instr.start + len(instr.keyword)]


def at_keyword(df: Dockerfile, instr: Instruction, message: str, **kw) -> Problem:
    line, col, end_line, end_col = span(instr, df.text[instr.start : instr.end], 0, len(instr.keyword))
    return Problem(line, col, message, end_line=end_line, end_column=end_col, **kw)


def in_rest(df: Dockerfile, instr: Instruction, k: int, length: int, message: str, **kw) -> Problem:
    """A problem at ``instr.rest[k : k + length]``, placed through continuation lines."""
    line, pieces = command_pieces(df.text, instr, df.escape)
    at = line.find(instr.rest, len(instr.keyword))
    if at < 0:
        return Problem.at(instr, message, **kw)
    offset = at + k
    start, src = max((p for p in pieces if p[0] <= offset), key=lambda p: p[0])
    source = src + offset - start
    text = df.text
    row = instr.line + text.count("\n", instr.start, source)
    col = source - (text.rfind("\n", 0, source) + 1) + 1
    return Problem(row, col, message, end_line=row, end_column=col + length, **kw)


def at_last_word(df: Dockerfile, instr: Instruction, word: str, message: str, **kw) -> Problem:
    """A problem at the last occurrence of ``word`` in the instruction (a stage's name)."""
    src = df.text[instr.start : instr.end]
    k = src.rfind(word)
    if k < 0:
        return Problem.at(instr, message, **kw)
    line, col, end_line, end_col = span(instr, src, k, len(word))
    return Problem(line, col, message, end_line=end_line, end_column=end_col, **kw)


def references(text: str):
    """(name, has a default or alternative) of each variable ``text`` refers to."""
    for m in VAR.finditer(text):
        yield (m.group(1) or m.group(3)), m.group(2) is not None and m.group(2).lstrip(":") in ("-", "+")


def closest(name: str, names) -> str | None:
    """The known name nearest to ``name`` by edit distance (at most 2, and at most half its
    length); None for names under four letters, where any name is near."""
    if len(name) < 4:
        return None
    best, best_d = None, 3
    for cand in sorted(names):
        d = _distance(name.lower(), cand.lower())
        if d < best_d and d <= max(1, len(name) // 2):
            best, best_d = cand, d
    return best


def _distance(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 2:
        return 3
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
