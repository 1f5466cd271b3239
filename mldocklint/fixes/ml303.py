"""ML303: shell-form CMD/ENTRYPOINT -> exec form, when the shell adds nothing.

The command must be plain words: no variables, quotes, escapes, operators, redirections,
globs, command substitution, comments, leading ``VAR=value`` assignments or shell
built-ins. A stage with a ``SHELL`` instruction is left alone (the shell is not ``sh``),
and so is a ``CMD`` or ``ENTRYPOINT`` while the other one is set: the way ``CMD`` is
passed to ``ENTRYPOINT`` as arguments depends on both forms.
"""

from __future__ import annotations

import json
import re

from mldocklint.fixes import Edit, Fix
from mldocklint.syntax.shell import plain_words

def fix(target, finding):
    df = target.dockerfile
    instr = df.instruction_at(finding.line)
    if instr is None or instr.keyword not in ("CMD", "ENTRYPOINT") or instr.exec_form:
        return None
    stage = df.stages[instr.stage]
    effective = df.effective_instructions(stage)
    if any(i.keyword == "SHELL" for i in effective):
        return None
    other = "CMD" if instr.keyword == "ENTRYPOINT" else "ENTRYPOINT"
    if any(i.keyword == other for i in effective):
        return None
    if any(instr.line < line < instr.end_line for line, _ in df.comments):
        return None
    words = plain_words(instr.rest)
    if words is None:
        return None
    edits = _quote_in_place(df, instr, words)
    return Fix(edits) if edits else None


def _quote_in_place(df, instr, words: list[str]):
    """Edits turning each word into a JSON string where it stands: line breaks stay."""
    base = instr.start + len(instr.keyword)
    src = df.text[base : instr.end]
    tokens = []
    for m in re.finditer(r"\S+", src):
        a, b = m.span()
        if m.group().endswith(df.escape) and not src[b:].split("\n", 1)[0].strip():
            b -= 1  # a line continuation
        if b > a:
            tokens.append((base + a, base + b))
    if [df.text[a:b] for a, b in tokens] != words:
        return None
    last = len(tokens) - 1
    return tuple(Edit(a, b, ("[" if k == 0 else "") + json.dumps(df.text[a:b], ensure_ascii=False) + ("]" if k == last else ",")) for k, (a, b) in enumerate(tokens))
