"""The parsed model every rule reads: pure data, 1-based lines and columns.

A ``Dockerfile`` holds its instructions in file order and its stages. Columns are
1-based; ``end_column`` is exclusive (the column after the last character), as in SARIF.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from mldocklint.records import NamedTuple


@lru_cache(maxsize=4)  # asked many times for the text being linted
def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts (shared: do not change it)."""
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


class Heredoc(NamedTuple):
    name: str
    content: str
    chomp: bool  # <<- : leading tabs are stripped from the body at build time
    expand: bool  # unquoted name: variables in the body are expanded
    fd: int
    line: int  # first line of the body


class Instruction(NamedTuple):
    keyword: str  # upper case: RUN, COPY, ...
    flags: tuple[str, ...]  # raw builder flags: "--from=builder", "--mount=type=cache,..."
    value: tuple[str, ...]  # arguments, split the way BuildKit splits them
    rest: str  # the argument text after the flags, continuations joined
    exec_form: bool  # JSON array form (CMD ["a", "b"])
    line: int
    end_line: int
    column: int
    end_column: int
    start: int  # character offsets of the instruction in the decoded source text
    end: int
    heredocs: tuple[Heredoc, ...] = ()
    stage: int = -1  # index of the stage, -1 before the first FROM
    sub: Instruction | None = None  # the instruction an ONBUILD wraps

    def flag(self, name: str) -> str | None:
        """Value of builder flag ``--name`` (``""`` for a bare ``--name``), or None."""
        prefix = "--" + name
        for f in self.flags:
            if f == prefix:
                return ""
            if f.startswith(prefix + "="):
                return f[len(prefix) + 1 :]
        return None

    def flag_values(self, name: str) -> list[str]:
        prefix = "--" + name + "="
        return [f[len(prefix) :] for f in self.flags if f.startswith(prefix)]


class Stage(NamedTuple):
    index: int
    name: str | None  # the AS alias, lower case
    base: str  # base image after ARG substitution, or the parent stage's name
    base_raw: str  # base image as written
    parent: int | None  # index of the stage this one is built FROM, if any
    platform: str | None
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]  # the FROM and everything up to the next FROM

    @property
    def label(self) -> str:
        return self.name if self.name is not None else str(self.index)


class Dockerfile(NamedTuple):
    path: str  # relative POSIX path as reported
    text: str
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    escape: str = "\\"
    directives: dict[str, str] = {}  # the defaults are shared: never mutated
    global_args: dict[str, str | None] = {}
    comments: tuple[tuple[int, str], ...] = ()  # (line, text after '#') for every comment line

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def instruction_at(self, line: int) -> Instruction | None:
        """The instruction that holds 1-based ``line`` (instructions are in file order), or None."""
        k = bisect_right(self.instructions, line, key=lambda i: i.line) - 1
        return self.instructions[k] if k >= 0 and line <= self.instructions[k].end_line else None

    def stage_named(self, name: str) -> Stage | None:
        name = name.lower()
        for s in self.stages:
            if s.name == name:
                return s
        return None

    def target(self, name: str | None = None) -> Stage | None:
        """The stage being built: ``name`` when given and present, else the last stage."""
        if name:
            found = self.stage_named(name)
            if found is not None:
                return found
        return self.stages[-1] if self.stages else None

    def lineage(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it is built FROM in this file, root first."""
        chain = [stage]
        seen = {stage.index}
        while chain[0].parent is not None and chain[0].parent not in seen:
            seen.add(chain[0].parent)
            chain.insert(0, self.stages[chain[0].parent])
        return chain

    def effective_instructions(self, stage: Stage) -> list[Instruction]:
        """Instructions that shape ``stage``'s image, including those of its parent stages."""
        return [i for s in self.lineage(stage) for i in s.instructions]

    def root_base(self, stage: Stage) -> str:
        """The external base image a stage finally rests on."""
        return self.lineage(stage)[0].base


class Problem(NamedTuple):
    """What a rule yields: a location, a message and, optionally, a fix.

    ``path`` is set when the problem is in another file (a requirements file, say);
    ``key`` is extra material for the finding's fingerprint.
    """

    line: int
    column: int
    message: str
    end_line: int | None = None
    end_column: int | None = None
    path: str | None = None
    stage: str | None = None
    key: str = ""
    fix: object | None = None
    severity: str | None = None  # the rule's own level for this problem (ShellCheck's), below any configured one

    @classmethod
    def at(cls, instr: Instruction, message: str, **kw) -> Problem:
        kw.setdefault("end_line", instr.end_line)
        kw.setdefault("end_column", instr.end_column)
        return cls(instr.line, instr.column, message, **kw)


def identity(rule: str, path: str, stage: str | None, anchor: str, key: str, occurrence: int) -> str:
    """What a finding's fingerprint is made from (see ``Finding.fingerprint``)."""
    return "\0".join((rule, path, stage or "", " ".join(anchor.split()), key, str(occurrence)))


class Finding(NamedTuple):
    rule: str
    slug: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    stage: str | None
    identity: str  # rule, path, stage, instruction text and occurrence: no line numbers
    suppressed: str | None = None  # the justification, when an inline pragma suppressed it
    fix: object | None = None
    fixable: str | None = None  # "safe" or "unsafe" when a fix for this finding exists, else None

    @property
    def fingerprint(self) -> str:
        """16 hex digits naming the finding across edits that move it to other lines."""
        import hashlib  # only the reports that carry fingerprints pay for importing it

        return hashlib.sha256(self.identity.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def sort_key(self):
        return (self.path, self.line, self.column, self.rule, self.message)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "slug": self.slug,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "stage": self.stage,
            "fingerprint": self.fingerprint,
            "fix": self.fixable,
        }
