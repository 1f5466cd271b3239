"""Inline suppressions and per-file ignores, applied after the rules have run.

``# mldocklint: ignore=ML302,root-user -- reason`` on the comment lines just before an
instruction suppresses those rules on that instruction; before a ``FROM`` it covers the
whole stage. ``# mldocklint: global ignore=ML501 -- reason`` anywhere covers the file.
Suppressed findings are kept, with ``suppressed`` set to the reason, so that SARIF can
show them. A pragma that suppresses nothing is reported as ML900.

``# mldocklint: role=job`` sets the image's role (read by ``roles.pragma``); an unknown
role is reported as ML900 too.

Other linters' pragmas are honoured for the codes that map to mldocklint rules (the rules'
``aliases``; ShellCheck codes are themselves): hadolint's ``# hadolint ignore=DL3008,SC2086``
(the instruction on the next line, as hadolint reads it) and ``# hadolint global
ignore=...``, and BuildKit's ``# check=skip=Rule1,Rule2`` (``skip=all``: every BuildKit
check), as the parser directive at the top of the file (the file) or as a comment above an
instruction (that instruction). Codes that map to nothing are ignored, and these pragmas are
never reported as ML900.

``per-file-ignores`` from the configuration drop findings the way ``--ignore`` does.
"""

from __future__ import annotations

import re

from mldocklint import lazyre
from mldocklint.model import Dockerfile, Finding
from mldocklint.paths import matches
from mldocklint.records import NamedTuple
from mldocklint.roles import ROLES, pragma_value

_PRAGMA = lazyre.compile(r"mldocklint\s*:", re.IGNORECASE)
_IGNORE = lazyre.compile(r"mldocklint\s*:\s*(global\s+)?ignore\s*=\s*(.*)$", re.IGNORECASE)
_NO_COLON = lazyre.compile(r"mldocklint\s+(global\s+)?ignore\s*=\s*(.*)$", re.IGNORECASE)
# a pragma written after an instruction on its line: Docker makes it part of the instruction
_INLINE = lazyre.compile(r"\S.*?\s#\s*(mldocklint\s*:?\s*(?:global\s+)?ignore\s*=.*)$", re.IGNORECASE)
# hadolint's grammar (src/Hadolint/Pragma.hs): codes of D, L, S, C and digits, comma-separated
_HADOLINT = lazyre.compile(r"hadolint[ \t]+(global[ \t]+)?ignore[ \t]*=[ \t]*([DLSC0-9]+(?:[ \t]*,[ \t]*[DLSC0-9]+)*)[ \t]*(?:#.*)?$")
_HADOLINT_CODE = lazyre.compile(r"DL\d{4}")
_CHECK = lazyre.compile(r"check\s*=\s*(.*)$", re.IGNORECASE)
UNUSED = "ML900"


class Pragma(NamedTuple):
    line: int  # the comment's line
    rules: dict[str, str]  # rule id -> the selector as written
    reason: str
    is_global: bool
    first: int  # lines covered, inclusive
    last: int
    stage: str | None  # a stage-wide pragma: the stage's label
    used: set[str]  # rules it suppressed, filled in as findings are matched
    foreign: bool = False  # another linter's pragma (hadolint, BuildKit): never reported as unused


def ignored_by_path(path: str, options, matched: set | None = None) -> set[str]:
    """Rule ids that ``per-file-ignores`` switches off for ``path``; patterns that match go in ``matched``."""
    from mldocklint.rules import resolve

    out: set[str] = set()
    for pattern, rules in options.per_file_ignores.items():
        if matches(path, pattern):
            out |= resolve(rules)
            if matched is not None:
                matched.add(pattern)
    return out


def apply(df: Dockerfile, findings: list[Finding], options, matched: set | None = None) -> list[Finding]:
    """Findings after per-file ignores (matched against each finding's own path) and pragmas."""
    if options.per_file_ignores:
        from mldocklint.rules import covers

        off = {path: ignored_by_path(path, options, matched) for path in {df.path, *(f.path for f in findings)}}
        findings = [f for f in findings if not covers(off[f.path], f.rule)]
    if not options.inline_suppressions:
        return findings
    pragmas, bad = parse(df)
    if not pragmas and not bad:
        return findings
    from mldocklint.rules import family

    out = [_suppress(f, df, pragmas) for f in findings]
    enabled = {r.id for r in options.enabled()} | {r.id for r in options.enabled("shell")}
    if UNUSED in enabled:
        extra = list(bad)
        for p in pragmas:
            for rid, written in p.rules.items():
                if not p.foreign and rid not in p.used and family(rid) in enabled and rid != UNUSED:
                    where = "in this file" if p.is_global else "in this stage" if p.stage else "on the next instruction"
                    extra.append((p.line, f"`ignore={written}` suppresses nothing {where}; remove it"))
        out += [_suppress(f, df, pragmas) for f in _unused_findings(df, extra, options)]
    return out


def parse(df: Dockerfile) -> tuple[list[Pragma], list[tuple[int, str]]]:
    """The file's pragmas, and (line, message) for malformed ones."""
    from mldocklint.rules import UnknownRule, get

    pragmas: list[Pragma] = []
    bad: list[tuple[int, str]] = []
    comment_lines = {line for line, _ in df.comments}
    for line, text in enumerate(df.lines if "mldocklint" in df.text.lower() else (), 1):
        m = _INLINE.search(text) if line not in comment_lines and "mldocklint" in text.lower() else None
        if m:
            bad.append((line, f"a pragma on an instruction's line is part of the instruction, not a comment; put `# {_written(m.group(1))}` on its own line above"))
    if "check" in df.directives:
        pragmas += _foreign(df, 1, _skipped(df.directives["check"]), "check=" + df.directives["check"], True)
    for line, text in df.comments:
        foreign = _HADOLINT.match(text)
        if foreign is not None:
            codes = re.split(r"[ \t]*,[ \t]*", foreign.group(2))
            pragmas += _foreign(df, line, codes, text, bool(foreign.group(1)), hadolint=True)
            continue
        foreign = _CHECK.match(text)
        if foreign is not None:
            pragmas += _foreign(df, line, _skipped(foreign.group(1)), text, False)
            continue
        missing = _NO_COLON.match(text)
        if missing:
            bad.append((line, f"pragma without the colon, read as a plain comment; write `# {_written(text)}`"))
            continue
        if not _PRAGMA.match(text):
            continue
        role = pragma_value(text)
        if role is not None:
            if role not in ROLES:
                bad.append((line, f"unknown role {role!r} in mldocklint comment; use one of {', '.join(ROLES)}"))
            continue
        m = _IGNORE.match(text)
        if m is None:
            bad.append((line, "unrecognised mldocklint comment; write `# mldocklint: ignore=ML302 -- reason`"))
            continue
        spec, _, reason = m.group(2).partition("--")
        rules: dict[str, str] = {}
        for sel in filter(None, re.split(r"[\s,]+", spec)):
            try:
                rules.setdefault(get(sel).id, sel)
            except UnknownRule as e:
                bad.append((line, f"{e} (in a suppression comment)"))
        if not rules:
            if not spec.strip():
                bad.append((line, "suppression comment names no rule; write `# mldocklint: ignore=ML302 -- reason`"))
            continue
        first, last, stage = _scope(df, line, bool(m.group(1)))
        pragmas.append(Pragma(line, rules, reason.strip(), bool(m.group(1)), first, last, stage, set()))
    return pragmas, bad


def _written(text: str) -> str:
    """A pragma in its right form: ``mldocklint: [global ]ignore=RULES -- reason``."""
    m = re.match(r"mldocklint\s*:?\s*(global\s+)?ignore\s*=\s*(.*)$", text.strip(), re.IGNORECASE)
    return f"mldocklint: {'global ' if m.group(1) else ''}ignore={m.group(2).strip()}"


def _skipped(value: str) -> list[str]:
    """The checks a BuildKit ``check`` directive skips (``skip=A,B;error=true``); ``all``: every
    BuildKit check a rule covers."""
    from mldocklint.rules import all_rules

    names: list[str] = []
    for part in value.split(";"):
        key, _, val = part.partition("=")
        if key.strip().lower() == "skip":
            names += [n.strip() for n in val.split(",") if n.strip()]
    if any(n.lower() == "all" for n in names):
        return [a for r in all_rules().values() for a in r.aliases if not _HADOLINT_CODE.fullmatch(a)]
    return names


def _foreign(df: Dockerfile, line: int, codes, text: str, is_global: bool, hadolint: bool = False) -> list[Pragma]:
    """A pragma of another linter for the codes that map to rules; none when nothing maps."""
    from mldocklint.rules import aliases, is_shellcheck_code

    table = aliases()
    rules: dict[str, str] = {}
    for code in codes:
        up = code.upper()
        if hadolint:  # its codes only: DL (mapped through aliases) and SC
            rids = (up,) if is_shellcheck_code(up) else table.get(up, ())
        else:  # BuildKit's check names only
            rids = () if _HADOLINT_CODE.fullmatch(up) else table.get(up, ())
        for rid in rids:
            rules.setdefault(rid, code)
    if not rules:
        return []
    if is_global:
        first, last = 1, len(df.lines)
    elif hadolint:  # hadolint: the instruction that starts on the next line, nothing else
        instr = next((i for i in df.instructions if i.line == line + 1), None)
        first, last = (instr.line, instr.end_line) if instr else (0, -1)
    else:
        first, last, _ = _scope(df, line, False)
        last = next((i.end_line for i in df.instructions if i.line == first), last)  # a FROM: only its lines
    return [Pragma(line, rules, "# " + text, is_global, first, last, None, set(), True)]


def _scope(df: Dockerfile, line: int, is_global: bool) -> tuple[int, int, str | None]:
    """Lines a pragma covers: the file, the next instruction, or the stage its FROM starts."""
    if is_global:
        return 1, len(df.lines), None
    for instr in df.instructions:
        if instr.end_line >= line:
            if instr.keyword == "FROM" and instr.line > line and 0 <= instr.stage < len(df.stages):
                stage = df.stages[instr.stage]
                return instr.line, stage.instructions[-1].end_line, stage.label
            return instr.line, instr.end_line, None
    return 0, -1, None  # after the last instruction: covers nothing


def _covers(p: Pragma, f: Finding, df: Dockerfile) -> bool:
    if p.is_global:
        return True
    if f.path == df.path:
        return p.first <= f.line <= p.last
    return p.stage is not None and f.stage == p.stage  # a finding in another file, from this stage


def _suppress(f: Finding, df: Dockerfile, pragmas: list[Pragma]) -> Finding:
    from mldocklint.rules import family

    for p in pragmas:
        named = f.rule if f.rule in p.rules else family(f.rule) if family(f.rule) in p.rules else None
        if named is not None and _covers(p, f, df):
            p.used.add(named)
            if f.suppressed is None:
                f = f._replace(suppressed=p.reason)
    return f


def _unused_findings(df: Dockerfile, problems: list[tuple[int, str]], options) -> list[Finding]:
    from mldocklint.model import identity
    from mldocklint.rules import all_rules

    rule = all_rules()[UNUSED]
    severity = options.severity.get(UNUSED, rule.severity)
    lines = df.lines
    out = []
    seen: dict[tuple, int] = {}
    for line, message in sorted(problems):
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        at = text.lower().find("mldocklint")
        column = (text.rfind("#", 0, at) if at >= 0 else text.find("#")) + 1 or 1
        base = (UNUSED, df.path, None, text.strip(), message)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        out.append(
            Finding(UNUSED, rule.slug, severity, message, df.path, line, column, line, len(text.rstrip("\r")) + 1, None, identity(*base, occurrence))
        )
    return out
