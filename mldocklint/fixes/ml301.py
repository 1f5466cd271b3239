"""ML301: add ``ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1`` after the final ``FROM``.

Only the variables still missing are added, on a new line right after the ``FROM`` of the
stage being built.
"""

from __future__ import annotations

from mldocklint.fixes import Fix, insert_lines

VARS = ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE")


def fix(target, finding):
    stage = target.final
    env = target.env(stage)
    missing = [v for v in VARS if not env.get(v, ("",))[0] and v in finding.message]
    if not missing or finding.line != stage.from_instruction.line:
        return None
    line = "ENV " + " ".join(f"{v}=1" for v in missing)
    return Fix((insert_lines(target.dockerfile, stage.from_instruction.end, [line], after=True),))
