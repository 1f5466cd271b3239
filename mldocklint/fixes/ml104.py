"""ML104: end the ``RUN`` with ``&& rm -rf /var/lib/apt/lists/*``.

A one-line ``RUN`` gets `` && rm -rf ...`` appended; a ``RUN`` that spans lines gets a new
continuation line indented like its last line, with the file's escape character and line
ending. A heredoc script gets an ``rm`` line at the end of its body. Nothing is changed when
the script's end is not a plain command (a trailing operator or comment, exec form).
"""

from __future__ import annotations

import re

from mldocklint.fixes import Edit, Fix, instruction_at, newline
from mldocklint.syntax.shell import scripts

RM = "rm -rf /var/lib/apt/lists/*"
_OPEN_END = re.compile(r"(&&|\|\||[;&|(\\{]|\bthen|\bdo|\belse)\s*$")


def fix(target, finding):
    df = target.dockerfile
    instr = instruction_at(df, finding.line)
    if instr is None or instr.keyword != "RUN" or instr.exec_form:
        return None
    nl = newline(df)
    if instr.heredocs:
        doc = instr.heredocs[-1]
        if len(instr.heredocs) != 1 or scripts(instr) != [doc.content] or not doc.content.endswith("\n"):
            return None
        # the terminator line is the instruction's last line
        at = df.text.rfind("\n", instr.start, instr.end) + 1
        return Fix((Edit(at, at, RM + nl),))
    src = df.text[instr.start : instr.end]
    last = src[src.rfind("\n") + 1 :].rstrip("\r")
    if "#" in last or _OPEN_END.search(last):
        return None
    if instr.line == instr.end_line:
        return Fix((Edit(instr.end, instr.end, " && " + RM),))
    commented = {line for line, _ in df.comments}
    rows = [r for n, r in enumerate(src.split("\n")[1:], instr.line + 1) if r.strip() and n not in commented]
    indent = min((r[: len(r) - len(r.lstrip())] for r in rows), key=len)
    return Fix((Edit(instr.end, instr.end, f" {df.escape}{nl}{indent}&& {RM}"),))
