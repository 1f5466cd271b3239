"""
## What it does
Flags a `RUN` whose command has a pipe (`a | b`) when neither the stage's `SHELL` nor the
command itself sets `pipefail`. hadolint's DL4006. Only POSIX shells are judged (not
`pwsh` or `cmd`). Pipes fed by `echo`/`printf` (which cannot fail in a way that matters),
pipes into `head` or `grep -q` (which stop reading early, so that `pipefail` would fail the
build on the writer's SIGPIPE), and pipes inside `$(...)` or backticks are not reported.

## Why is this bad?
A pipeline's status is its last command's: `pip install -r requirements.txt | tee log`
succeeds when pip fails, so the layer is cached without the packages and the image fails
at run time. `curl -fsSL https://x | sh` runs whatever half of the script arrived.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir -r requirements.txt | tee /tmp/pip.log
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN pip install --no-cache-dir -r requirements.txt | tee /tmp/pip.log
USER 1000
```

## When to ignore
Pipelines whose first commands cannot fail in a way that matters (`echo x | sed ...`).

## Fix
None: add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the `RUN` (on images that
have bash), or start the command with `set -o pipefail &&`.

## Options
None.
"""

import posixpath
import re

from mldocklint import lazyre
from mldocklint.rules._correctness import in_rest

ID = "ML019"
SLUG = "pipe-without-pipefail"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "RUN with a pipe and no pipefail"
FIX = "none"
ALIASES = ("DL4006",)
POSIX = frozenset(("sh", "bash", "dash", "ash", "ksh", "zsh", "busybox"))
# quoted strings and escapes are skipped; what is left shows the shell's operators
_QUOTED = lazyre.compile(r"""\\.|'[^']*'|"(?:[^"\\]|\\.)*\"""", re.S)
_PIPE = lazyre.compile(r"(?<![|>])\|(?![|&])")
_SUBSTITUTION = lazyre.compile(r"\$\([^()]*\)|`[^`]*`")
_HARMLESS = lazyre.compile(r"(?:^|&&|\|\||;|\(|!|\b(?:then|do|else|if|while|until))\s*(?:echo|printf|yes)\b[^|;&]*$")
_EARLY_EXIT = lazyre.compile(r"\s*(?:head\b|grep\s+(?:-\w*[qm]\w*\b|--quiet\b|--max-count\b))")
_PIPEFAIL = lazyre.compile(r"\bset\s+(?:-\w*\s+)*-o\s+pipefail\b|\bset\s+-\w*o\s+pipefail\b")


def check(target, options):
    df = target.dockerfile
    shells: dict[int, tuple] = {}
    for stage in target.stages:
        shell = shells.get(stage.parent, ("/bin/sh", "-c")) if stage.parent is not None else ("/bin/sh", "-c")
        for instr in stage.instructions:
            if instr.keyword == "SHELL" and instr.exec_form:
                shell = instr.value
            elif instr.keyword == "RUN" and not instr.exec_form and not instr.heredocs:
                if "|" not in instr.rest or not shell or posixpath.basename(shell[0]) not in POSIX or "pipefail" in shell:
                    continue
                blank = lambda m: " " * len(m.group())  # noqa: E731 -- same offsets as rest
                code = _SUBSTITUTION.sub(blank, _QUOTED.sub(blank, instr.rest))
                pipe = next((p for p in _PIPE.finditer(code) if not _HARMLESS.search(code[: p.start()]) and not _EARLY_EXIT.match(code, p.end())), None)
                if pipe and not _PIPEFAIL.search(code[: pipe.start()]):
                    yield in_rest(df, instr, pipe.start(), 1, "a pipe in RUN hides the failure of every command but the last; set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before it, or start with `set -o pipefail &&`", stage=stage.label)
        shells[stage.index] = shell
