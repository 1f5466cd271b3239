"""ML105: add ``--no-cache-dir`` (``--no-cache`` for ``uv pip``) right after ``install``."""

from mldocklint.fixes import after_word, command_at, instruction_at
from mldocklint.syntax.shell import program


def fix(target, finding):
    instr = instruction_at(target.dockerfile, finding.line)
    found = command_at(target, instr, finding) if instr is not None else None
    if found is None:
        return None
    words, _ = found
    flag = "--no-cache" if program(words[0]) == "uv" else "--no-cache-dir"
    return after_word(target, finding, "install", " " + flag)
