"""ML025: ``apt`` -> ``apt-get`` for the sub-commands both do the same way (``update``,
``install``, ``remove``, ``purge``, ``autoremove``, ``clean``, ``autoclean``); ``apt upgrade``
installs new dependencies where ``apt-get upgrade`` holds packages back, so it is left alone."""

from __future__ import annotations

from mldocklint.fixes import Edit, Fix, command_at, offset
from mldocklint.syntax.shell import apt_command

SAME = frozenset(("update", "install", "remove", "purge", "autoremove", "clean", "autoclean"))


def fix(target, finding):
    df = target.dockerfile
    instr = df.instruction_at(finding.line)
    found = command_at(target, instr, finding) if instr is not None else None
    if found is None:
        return None
    words, k = found
    sub = apt_command(words[k:])
    if words[k] != "apt" or sub is None or words[k + sub] not in SAME:
        return None
    at = offset(df, finding.line, finding.column)
    if df.text[at : at + 3] != "apt":
        return None
    return Fix((Edit(at, at + 3, "apt-get"),))
