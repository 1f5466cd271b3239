"""``check --fix`` / ``--diff``: apply the fixes of fixable findings, then lint what is left.

Each file is linted, the fixes of its open findings (of rules whose ``FIX`` is allowed:
"safe", plus "unsafe" with ``--unsafe-fixes``) are collected, the ones whose edits do not
overlap are applied, and the text is linted again; this repeats until nothing changes
(at most ``MAX_PASSES`` times), so fixes that touch the same span land in later passes.
``.dockerignore`` patterns are added to the ignore file BuildKit would use for the
Dockerfile (created beside the context root when there is none; not for stdin).
"""

from __future__ import annotations

import difflib
import os
import sys

from mldocklint.engine import Linter, Linters, Options, Result, context_for, decode_text, read_bytes, stdin_source
from mldocklint.paths import display_path
from mldocklint.fixes import Edit, Fix, fix_for

MAX_PASSES = 10
_BOM = "\ufeff"


class Outcome:
    """One file after fixing: its new text, findings still open and what was fixed."""

    def __init__(self, text: str):
        self.text = text
        self.findings: list = []
        self.fixed = 0
        self.ignore: list[str] = []  # .dockerignore patterns to add
        self.info: dict = {}  # what the linter understood of the file (``Result.file_info``)
        self.before: list = []  # findings of the text as given, before any fix
        self.patterns: set[str] = set()  # per-file-ignores patterns that matched (``Result.patterns_matched``)


def allowed_rules(linter: Linter, unsafe: bool) -> set[str]:
    levels = ("safe", "unsafe") if unsafe else ("safe",)
    return {r.id for r in linter.rules if r.fix in levels}


def apply_edits(text: str, edits) -> str:
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: e.start] + e.text + text[e.end :]
    return text


def _overlaps(a: Edit, b: Edit) -> bool:
    return a.start == b.start or (a.start < b.end and b.start < a.end)


def fix_text(
    linter: Linter, text: str, shown: str, allowed: set[str], context_dir: str | None = None, source: str | None = None, context_source: str = "given"
) -> Outcome:
    """Fix ``text`` (without a BOM) as far as the allowed rules can."""
    out = Outcome(text)
    patterns_done: set[str] = set()
    ignore_fixed: set[str] = set()  # identities of findings an ignore-file fix answers
    scratch = Result()
    for k in range(MAX_PASSES):
        linter.last_target = None
        findings = linter.lint_text(out.text, shown, scratch, context_dir, source, context_source)
        if k == 0:
            out.before = findings
        target = linter.last_target
        if target is None:  # the text does not parse: nothing to fix
            break
        fixes: list[tuple[object, Fix]] = []
        for f in findings:
            if f.suppressed is not None or f.rule not in allowed or f.path != shown or f.identity in ignore_fixed:
                continue
            fx = fix_for(target, f)
            if fx is not None:
                fixes.append((f, fx))
        chosen: list[Edit] = []
        for f, fx in sorted(fixes, key=lambda p: min((e.start for e in p[1].edits), default=-1)):
            if fx.ignore and source is not None:
                new = [p for p in fx.ignore if p not in patterns_done]
                out.ignore += new
                patterns_done.update(new)
                ignore_fixed.add(f.identity)
                out.fixed += 1
            if not fx.edits:
                continue
            if all(e in chosen for e in fx.edits):  # the same fix for another finding
                continue
            if any(_overlaps(e, c) for e in fx.edits for c in chosen):
                continue
            chosen.extend(fx.edits)
            out.fixed += 1
        if not chosen:
            break
        new_text = apply_edits(out.text, chosen)
        if new_text == out.text:
            break
        out.text = new_text
    linter.last_target = None
    out.findings = [f for f in linter.lint_text(out.text, shown, scratch, context_dir, source, context_source) if f.identity not in ignore_fixed]
    out.info = scratch.file_info[shown]
    out.patterns = scratch.patterns_matched
    return out


def extend_ignore(old: str, patterns: list[str]) -> str:
    """``old`` .dockerignore text with ``patterns`` appended, in its line ending style."""
    from mldocklint.syntax.dockerignore import read_patterns

    present = {p for _, p in read_patterns(old)}
    add = [p for p in patterns if p not in present]
    if not add:
        return old
    nl = "\r\n" if "\r\n" in old else "\n"
    if old and not old.endswith("\n"):
        old += nl
    return old + "".join(p + nl for p in add)


def unified_diff(old: str, new: str, shown: str, created: bool = False) -> str:
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    lines = []
    name = shown.lstrip("/")
    for line in difflib.unified_diff(a, b, "/dev/null" if created else f"a/{name}", f"b/{name}"):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def run(paths: list[str], options: Options, write: bool, unsafe: bool = False, out=sys.stdout, stdin: bytes | None = None, stdin_name: str = "-") -> Result:
    """Fix the files named by ``paths``; returns the findings still open afterwards.

    ``write`` rewrites files in place (for ``-``, prints the fixed text to ``out``);
    otherwise a unified diff of every change is printed to ``out`` and nothing is written.
    """
    from mldocklint.discover import discover
    from mldocklint.syntax.dockerignore import ignore_file_for

    result = Result()
    linters = Linters(options)
    files, errors = discover(paths)
    result.errors.extend(errors)
    for f in files:  # every configuration is read before anything is written
        if f != "-":
            linters.for_source(f)
    fixed = changed = 0
    for f in files:
        if f == "-":
            shown, source = stdin_source(stdin_name, options)
            data = stdin or b""
        else:
            shown, source = display_path(f), f
            data = read_bytes(f, result)
        linter = linters.for_source(source)
        original = decode_text(data, shown, result) if data is not None else None
        if original is None:
            continue
        context_dir, context_source = context_for(source, options, _parsed(original, shown, options))
        bom = _BOM if original.startswith(_BOM) else ""
        done = fix_text(linter, original[len(bom) :], shown, allowed_rules(linter, unsafe), context_dir, source, context_source)
        text = bom + done.text
        result.files += 1
        result.sources[shown] = text
        result.file_info[shown] = done.info
        # findings point at the file as it is on disk: the fixed text when written, else the original
        reported = done.findings if write else done.before
        result.findings.extend(reported)
        result.thresholds.update((x.path, linter.options.failure_threshold) for x in reported)
        result.patterns_matched |= done.patterns
        fixed += done.fixed
        if f == "-" and write:
            out.write(text)
            continue
        if text != original:
            changed += 1
            if write:
                try:
                    with open(f, "w", encoding="utf-8", newline="") as fh:
                        fh.write(text)
                except OSError as e:
                    result.errors.append((shown, f"cannot write: {e.strerror or e}"))
            else:
                out.write(unified_diff(original, text, shown))
        if done.ignore:
            changed += _fix_ignore_file(ignore_file_for(context_dir, source) or os.path.join(context_dir, ".dockerignore"), done.ignore, write, out, result)
    result.findings.sort(key=lambda x: x.sort_key())
    result.errors.sort()
    if write and fixed and "-" not in files:
        print(f"mldocklint: fixed {fixed} finding{'s' if fixed != 1 else ''} in {changed} file{'s' if changed != 1 else ''}", file=sys.stderr)
    return result


def _parsed(text: str, shown: str, options: Options):
    """The parsed Dockerfile, for the structural fallback of ``context_for``; None when it does not parse."""
    from mldocklint.syntax.dockerfile import ParseError, parse

    try:
        return parse(text, shown, options.build_args)
    except ParseError:
        return None


def _fix_ignore_file(path: str, patterns: list[str], write: bool, out, result: Result) -> bool:
    """Add ``patterns`` to the ignore file at ``path`` (or show the diff); True when it changes."""
    shown = display_path(path)
    try:
        with open(path, "rb") as fh:
            old: str | None = fh.read().decode("utf-8", "replace")
    except FileNotFoundError:
        old = None
    except OSError as e:
        result.errors.append((shown, f"cannot read: {e.strerror or e}"))
        return False
    new = extend_ignore(old or "", patterns)
    if new == (old or "") and old is not None:
        return False
    if not write:
        out.write(unified_diff(old or "", new, shown, created=old is None))
        return True
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(new)
    except OSError as e:
        result.errors.append((shown, f"cannot write: {e.strerror or e}"))
        return False
    return True
