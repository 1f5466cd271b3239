"""
## What it does
Runs [ShellCheck](https://www.shellcheck.net) on the shell script of every shell-form `RUN`
and on `RUN` heredoc scripts, in the shell the Dockerfile uses: `/bin/sh` by default, the
program of the stage's `SHELL` instruction, or a heredoc's `#!` line (`bash`, `dash`, `ksh`,
`ash`/busybox; scripts for other interpreters such as `python`, `pwsh` or `cmd` are not
checked). Each ShellCheck finding is reported under its own code (`SC2086`, `SC2164`, ...)
at its exact line and column in the Dockerfile, through continuation lines, the escape
character, heredoc bodies and CRLF line endings, with ShellCheck's level as the severity
(`error`, `warning`; `info` and `style` as info) and a link to ShellCheck's wiki. Variables
declared by `ARG` and `ENV` are known to ShellCheck as defined. By default only ShellCheck's
errors and warnings are reported: its info and style notes (quote `$VAR` to prevent word
splitting, SC2086, above all) fire on most real `RUN` lines, where variables rarely hold
spaces; `min-level = "info"` (or `"style"`) brings them back. For the same reason SC2046
(quote `$(...)`, which fires on `make -j$(nproc)` and `$(uname -m)`), SC2034 (a variable
that "appears unused", as a retry loop's counter or a setting for later commands), SC2010
(`ls | grep`, harmless on the known folders of an image) and SC1083
(a literal brace, as in the `\\${VAR}` of a script written with `echo`) run only when named
(`--extend-select SC2046`).

`--ignore SC2086` turns off one check, `--ignore SC` all of them, `--select SC2164` keeps
only that one; pragmas (`# mldocklint: ignore=SC2086 -- reason`), `per-file-ignores` and
`severity` take the codes too. All scripts of a run go to one ShellCheck process (one per
worker process with `--jobs`), which runs while the other rules do.

## Why is this bad?
A `RUN` is a shell script, and its mistakes do not stop the build: `cd /src; make` builds
in the wrong folder when `cd` fails, an unquoted `$VERSION` splits into two arguments, `[ $x
== y ]` is not POSIX and fails under `dash`, and `echo -e` prints `-e` on some shells. The
layer is cached with the wrong result, and the bug ships.

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN cd /app/src; python -m compileall .
USER 1000
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app/src
COPY . /app
RUN python -m compileall .
USER 1000
CMD ["python", "app.py"]
```

## When to ignore
Style checks you do not follow (`--ignore SC2086` for word splitting you rely on), and
scripts whose shell ShellCheck does not know.

## Fix
None: ShellCheck's wiki page for each code shows the correction.

## Options
- `min-level` (default `"warning"`): the lowest ShellCheck level reported: `error`,
  `warning`, `info` or `style`.
"""

from __future__ import annotations

import posixpath
import re

from mldocklint import lazyre
from mldocklint.model import Instruction
from mldocklint.records import NamedTuple
from mldocklint.syntax.dockerfile import command_pieces

ID = "SC"
SLUG = "shellcheck"
CATEGORY = "shell"
SEVERITY = "warning"
SUMMARY = "ShellCheck's findings in RUN scripts"
FIX = "none"
OPTIONS = {"min-level": "warning"}
OFF_BY_DEFAULT = frozenset(("SC2046", "SC2034", "SC1083", "SC2010"))
LEVELS = ("error", "warning", "info", "style")
SCOPE = "shell"  # run by the engine in one ShellCheck process per batch (mldocklint/shellcheck.py)

# ShellCheck's dialect for each shell program; others (python, pwsh, cmd, zsh...) are not checked.
DIALECTS = {"sh": "sh", "dash": "dash", "bash": "bash", "ksh": "ksh", "mksh": "ksh", "ash": "busybox", "busybox": "busybox"}
_SOLE_HEREDOC = lazyre.compile(r"<<-?([\"']?)[A-Za-z_][\w.-]*\1")


class Script(NamedTuple):
    """One shell script of a RUN, with where each piece of its text is in the Dockerfile."""

    instr: Instruction
    dialect: str
    text: str
    pieces: tuple[tuple[int, int, int], ...]  # (offset in text, offset in the Dockerfile, length)


def _dialect(program: str) -> str | None:
    name = posixpath.basename(program.strip())
    return DIALECTS.get(name)


def _shells(target) -> dict[int, str | None]:
    """The dialect of each stage's shell (SHELL is inherited from the stage built FROM)."""
    out: dict[int, str | None] = {}
    for stage in target.stages:
        dialect = out.get(stage.parent, "sh") if stage.parent is not None else "sh"
        for instr in stage.instructions:
            if instr.keyword == "SHELL" and instr.exec_form and instr.value:
                dialect = _dialect(instr.value[0])
        out[stage.index] = dialect
    return out


def _declared(target) -> list[str]:
    """Names ARG and ENV set: the script's environment has them (``UID`` included, which
    POSIX sh would not set)."""
    names = set()
    for instr in target.dockerfile.instructions:
        if instr.keyword == "ARG":
            names.update(w.partition("=")[0] for w in instr.value)
        elif instr.keyword == "ENV":
            names.update(instr.value[k] for k in range(0, len(instr.value) - 1, 2))
    return sorted(n for n in names if re.fullmatch(r"[A-Za-z_]\w*", n))


def _lines(text: str, start: int, first_line: int, last_line: int) -> list[tuple[str, int]]:
    """(line without its line ending, offset) for lines ``first_line``..``last_line`` (1-based) from ``start``."""
    out = []
    pos = start
    for _ in range(first_line, last_line + 1):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        out.append((text[pos:end].rstrip("\r"), pos))
        pos = end + 1
    return out


def _line_offset(text: str, start: int, start_line: int, line: int) -> int:
    pos = start
    for _ in range(line - start_line):
        pos = text.index("\n", pos) + 1
    return pos


def script_of(target, instr: Instruction, shell: str | None, declared: list[str]) -> Script | None:
    """The script ShellCheck reads for one RUN, or None (exec form, or a shell it does not know)."""
    if instr.keyword != "RUN" or instr.exec_form or not instr.rest.strip():
        return None
    df = target.dockerfile
    parts: list[tuple[str, int | None]] = []  # (text, offset in the Dockerfile or None for lines we add)
    body_lines: list[tuple[str, int]] = []
    if instr.heredocs:
        doc = instr.heredocs[0]
        body_lines = _lines(df.text, _line_offset(df.text, instr.start, instr.line, doc.line), doc.line, instr.end_line)
    if instr.heredocs and _SOLE_HEREDOC.fullmatch(instr.rest.strip()):
        body = body_lines[:-1]  # the script is the heredoc's body, without its terminator
        if body and body[0][0].startswith("#!"):
            words = body[0][0][2:].split()
            program = words[1] if words and posixpath.basename(words[0]) == "env" and len(words) > 1 else (words[0] if words else "")
            shell = _dialect(program)
            parts.append((body[0][0] + "\n", body[0][1]))
            body = body[1:]
        elif shell is not None:
            parts.append((f"# shellcheck shell={shell}\n", None))
        at_declarations = len(parts)
        parts += [(line + "\n", off) for line, off in body]
    else:
        line, pieces = command_pieces(df.text, instr, df.escape)
        at = line.find(instr.rest, len(instr.keyword))
        if at < 0:
            return None
        parts.append((f"# shellcheck shell={shell}\n", None))
        at_declarations = len(parts)
        ends = [p[0] for p in pieces[1:]] + [len(line)]
        for (lo, src), hi in zip(pieces, ends):
            lo2 = max(lo, at)
            if lo2 < hi:
                parts.append((line[lo2:hi], src + lo2 - lo))
        parts.append(("\n", None))
        parts += [(text + "\n", off) for text, off in body_lines]
    if shell is None:
        return None
    # Only the names the script uses, so that the same RUN in two files is the same script
    # (ShellCheck checks each distinct script once).
    code = "".join(piece for piece, src in parts if src is not None)
    used = [n for n in declared if "$" + n in code or "${" + n in code]
    if used:
        parts.insert(at_declarations, (": " + " ".join(f'"${{{n}=}}"' for n in used) + "\n", None))
    text, mapped, size = [], [], 0
    for piece, src in parts:
        if src is not None:
            mapped.append((size, src, len(piece.rstrip("\n"))))
        text.append(piece)
        size += len(piece)
    return Script(instr, shell, "".join(text), tuple(mapped))


def check(target, options):
    """The scripts of the shipped and unshipped stages alike: a broken RUN breaks any build.

    Pure: the engine hands them to ShellCheck (``mldocklint.shellcheck``) and maps its
    findings back through ``Script.pieces``.
    """
    shells = _shells(target)
    declared = _declared(target)
    for stage in target.stages:
        for instr in stage.instructions:
            script = script_of(target, instr, shells[stage.index], declared)
            if script is not None:
                yield script
