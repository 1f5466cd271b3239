"""ML104: end the ``RUN`` with ``&& rm -rf /var/lib/apt/lists/*``, or merge an update-only
``RUN`` into the install ``RUN`` right below it.

When a later ``RUN`` installs with the lists, removing them would break that install: an
update-only ``RUN`` directly followed by that ``RUN`` (both shell form without flags or
heredocs, no comment between them) is joined to it with `` && `` on a continuation line; the
merged ``RUN`` gets the removal in the next pass. Otherwise nothing is changed.

A one-line ``RUN`` gets `` && rm -rf ...`` appended; a ``RUN`` that spans lines gets a new
continuation line indented like its last line, with the file's escape character and line
ending. A heredoc script gets an ``rm`` line at the end of its body. Nothing is changed when
the script's end is not a plain command (a trailing operator or comment, exec form).
"""

from __future__ import annotations

import re

from mldocklint import lazyre
from mldocklint.fixes import Edit, Fix, newline
from mldocklint.rules.ml104_apt_lists_kept import later_installs
from mldocklint.syntax.shell import apt_command, scripts

RM = "rm -rf /var/lib/apt/lists/*"
_OPEN_END = lazyre.compile(r"(&&|\|\||[;&|(\\{]|\bthen|\bdo|\belse)\s*$")


def fix(target, finding):
    df = target.dockerfile
    instr = df.instruction_at(finding.line)
    if instr is None or instr.keyword != "RUN" or instr.exec_form:
        return None
    nl = newline(df)
    stage = df.stages[instr.stage]
    later = later_installs(target, stage).get(id(instr))
    if later is not None:
        return _merge(target, instr, later)
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


def _merge(target, update, install):
    df = target.dockerfile
    stage = df.stages[update.stage]
    k = stage.instructions.index(update)
    adjacent = k + 1 < len(stage.instructions) and stage.instructions[k + 1] is install
    installs_here = any((a := apt_command(w)) is not None and w[a] == "install" for w in target.commands(update))
    plain = all(not i.flags and not i.heredocs and not i.exec_form for i in (update, install))
    commented = any(update.end_line < line < install.line for line, _ in df.comments)
    last = df.text[update.start : update.end].rsplit("\n", 1)[-1].rstrip("\r")
    if not adjacent or installs_here or not plain or commented or "#" in last or _OPEN_END.search(last):
        return None
    head = re.match(r"RUN[ \t]+", df.text[install.start : install.end], re.I)
    if head is None:
        return None
    return Fix((Edit(update.end, install.start + head.end(), f" && {df.escape}{newline(df)}    "),))
