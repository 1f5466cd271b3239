"""Fixes: what a fixable rule's finding changes, as text edits over the original file.

A rule with ``FIX = "safe"`` or ``"unsafe"`` has a module here named after its id
(``fixes/ml303.py``) with ``fix(target, finding) -> Fix | None``: the ``rules.base.Target``
the finding came from and the ``model.Finding``. It returns None when it cannot fix that
finding without risk (the finding then stays open). A rule may instead attach a ``Fix``
to the ``Problem`` it yields; the finding carries it and no fixer module is consulted.

Edits are character offsets into ``Dockerfile.text`` (the text after a BOM) and replace
only the spans they need, so comments, blank lines, continuations, the escape character
and line endings elsewhere stay as they are. ``ignore`` holds ``.dockerignore`` patterns
to add to the ignore file of the build context (created when there is none).
"""

from __future__ import annotations

from importlib import import_module

from mldocklint.model import Dockerfile, Finding, Instruction, line_starts
from mldocklint.records import NamedTuple


class Edit(NamedTuple):
    start: int
    end: int
    text: str


class Fix(NamedTuple):
    edits: tuple[Edit, ...] = ()
    ignore: tuple[str, ...] = ()  # .dockerignore patterns to add
    skipped: str = ""  # with no edits and no patterns: why this finding is left to the user

    def __bool__(self) -> bool:
        """A fix that changes something (one that only says why it is skipped is false)."""
        return bool(self.edits or self.ignore)


def fixer(rule_id: str):
    """The ``fix`` function of a rule's fixer module, or None when it has none."""
    try:
        return import_module(f"mldocklint.fixes.{rule_id.lower()}").fix
    except ModuleNotFoundError:
        return None


def fix_for(target, finding: Finding) -> Fix | None:
    """The fix of one finding: the one its rule attached, else its rule's fixer's (None: none).

    A rule may attach a ``Fix`` with only ``skipped`` set: no fix, and the reason why."""
    if finding.fix is not None:
        return finding.fix if finding.fix else None
    fn = fixer(finding.rule)
    return fn(target, finding) if fn else None


# -- locating things in the text -------------------------------------------------------


def offset(df: Dockerfile, line: int, column: int) -> int:
    """Offset in ``df.text`` of a 1-based (line, column)."""
    starts = line_starts(df.text)
    return starts[line - 1] + column - 1 if line <= len(starts) else len(df.text)


def newline(df: Dockerfile) -> str:
    """The file's line ending: CRLF when its first line ends with one."""
    nl = df.text.find("\n")
    return "\r\n" if nl > 0 and df.text[nl - 1] == "\r" else "\n"


def command_at(target, instr: Instruction, finding: Finding) -> tuple[list[str], int] | None:
    """(words, index) of the command word ``finding`` points at (``Target.problem_at_word``)."""
    from mldocklint.target import word_spans

    cmds = target.commands(instr)
    for words, spans in zip(cmds, word_spans(target.dockerfile, instr, cmds)):
        for k, span in enumerate(spans):
            if span is not None and span[:2] == (finding.line, finding.column):
                return words, k
    return None


def after_word(target, finding: Finding, word: str, text: str) -> Fix | None:
    """Insert ``text`` right after ``word``, the command word ``finding`` points at."""
    df = target.dockerfile
    at = offset(df, finding.line, finding.column)
    end = at + len(word)
    if df.text[at:end] != word or (end < len(df.text) and not df.text[end].isspace() and df.text[end] not in "'\"" + df.escape):
        return None
    return Fix((Edit(end, end, text),))


def before_instruction(df: Dockerfile, instr: Instruction) -> int:
    """Offset of the start of the comment lines just above ``instr`` (or of its own line).

    Inserting there keeps ``instr`` together with the comments (and pragmas) that belong to it.
    """
    commented = {line for line, _ in df.comments}
    line = instr.line
    while line - 1 in commented:
        line -= 1
    return offset(df, line, 1)


def insert_lines(df: Dockerfile, at: int, lines: list[str], after: bool = False) -> Edit:
    """Insert whole lines at a line start (or, with ``after``, at the end of a line)."""
    nl = newline(df)
    body = nl.join(lines)
    if after:
        return Edit(at, at, nl + body)
    return Edit(at, at, body + nl)
