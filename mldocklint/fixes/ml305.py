"""ML305 (unsafe): bind the server to ``0.0.0.0`` instead of a loopback address.

Replaces ``127.0.0.1`` / ``localhost`` where the finding points (a ``--host``/``--bind``
value, an ``ENV`` value) in the Dockerfile, or, when the finding spans a whole ``CMD``,
``ENTRYPOINT`` or ``ENV``, every loopback host in it. Findings in application sources are
not fixed. Unsafe: the server becomes reachable from outside the container.
"""

from __future__ import annotations

from mldocklint import lazyre
from mldocklint.fixes import Edit, Fix, offset

_LOOPBACK = lazyre.compile(r"(?<![\w.-])(127\.0\.0\.1|localhost)(?![\w.-])")


def fix(target, finding):
    df = target.dockerfile
    instr = df.instruction_at(finding.line)
    if instr is None:
        return None
    start, end = offset(df, finding.line, finding.column), offset(df, finding.end_line, finding.end_column)
    hits = [m for m in _LOOPBACK.finditer(df.text, start, end)]
    if not hits and instr.keyword in ("CMD", "ENTRYPOINT", "ENV"):
        hits = list(_LOOPBACK.finditer(df.text, instr.start, instr.end))
    return Fix(tuple(Edit(m.start(), m.end(), "0.0.0.0") for m in hits)) if hits else None
