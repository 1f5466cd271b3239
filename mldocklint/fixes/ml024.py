"""ML024: ``ADD`` of local files -> ``COPY``, when every source is a local non-archive and
every flag is one ``COPY`` takes too."""

from __future__ import annotations

from mldocklint.fixes import Edit, Fix
from mldocklint.rules.ml024_add_local_files import ARCHIVES, REMOTE
from mldocklint.target import dequote

COPY_FLAGS = ("--chown", "--chmod", "--link")


def fix(target, finding):
    df = target.dockerfile
    instr = df.instruction_at(finding.line)
    if instr is None or instr.keyword != "ADD" or instr.heredocs or (instr.line, instr.column) != (finding.line, finding.column):
        return None
    if any(s.startswith(REMOTE) or s.endswith(ARCHIVES) for s in map(dequote, instr.value[:-1])):
        return None
    if not all(f.startswith(COPY_FLAGS) for f in instr.flags):
        return None
    written = df.text[instr.start : instr.start + 3]
    return Fix((Edit(instr.start, instr.start + 3, "copy" if written.islower() else "COPY"),))
