"""ML302 (unsafe): create a non-root user and switch to it before the container's command.

Adds ``RUN useradd --create-home --uid 1000 modeluser`` (``adduser -D`` on Alpine) and
``USER modeluser`` before the first ``CMD``/``ENTRYPOINT`` of the final stage that comes
after the root ``USER`` (keeping the comments above it together with it), or at the end of
the stage. When the stage already creates a user with ``useradd``/``adduser``, only
``USER <that user>`` is added. Unsafe: files the process writes to may need a ``chown``.
"""

from __future__ import annotations

from mldocklint.fixes import Fix, before_instruction, insert_lines
from mldocklint.syntax.shell import program

NAME = "modeluser"


def created_user(target, stage) -> str | None:
    """The last user a ``useradd``/``adduser`` in the stage (or its parents) creates."""
    found = None
    for s in target.dockerfile.lineage(stage):
        for _, words in target.runs(s):
            if program(words[0]) in ("useradd", "adduser") and len(words) > 1 and not words[-1].startswith("-"):
                found = words[-1]
    return found


def fix(target, finding):
    df = target.dockerfile
    stage = target.final
    anchor = df.instruction_at(finding.line)
    if anchor is None or anchor.stage != stage.index:
        return None
    user = created_user(target, stage)
    lines = [f"USER {user or NAME}"]
    if user is None:
        alpine = "alpine" in df.root_base(stage).lower()
        lines.insert(0, f"RUN adduser -D -u 1000 {NAME}" if alpine else f"RUN useradd --create-home --uid 1000 {NAME}")
    after = [i for i in stage.instructions if i.line > anchor.line or i is anchor]
    cmd = next((i for i in after if i.keyword in ("CMD", "ENTRYPOINT") and i is not anchor), None)
    if cmd is not None:
        return Fix((insert_lines(df, before_instruction(df, cmd), lines),))
    return Fix((insert_lines(df, stage.instructions[-1].end, lines, after=True),))
