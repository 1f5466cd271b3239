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

from mldocklint.fixes import Edit, Fix, instruction_at

_SHELL_CHARS = re.compile(r"[$`'\"\\|&;<>*?\[\]{}()~#!\n]")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_BUILTINS = frozenset(
    ". : [ alias break case cd continue do done elif else esac eval exec exit export fi for "
    "function if local read readonly return select set shift source then time trap ulimit umask "
    "unset until wait while".split()
)


def plain_words(command: str) -> list[str] | None:
    """The words of ``command`` when running it through ``/bin/sh -c`` adds nothing, else None."""
    if _SHELL_CHARS.search(command):
        return None
    words = command.split()
    if not words or _ASSIGN.match(words[0]) or words[0] in _BUILTINS:
        return None
    return words


def fix(target, finding):
    df = target.dockerfile
    instr = instruction_at(df, finding.line)
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
    src = df.text[instr.start : instr.end]
    k = len(instr.keyword)
    while k < len(src) and src[k] in " \t":
        k += 1
    return Fix((Edit(instr.start + k, instr.end, json.dumps(words, ensure_ascii=False)),))
