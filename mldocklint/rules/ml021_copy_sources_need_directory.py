"""
## What it does
Flags a `COPY` or `ADD` with more than one source whose destination does not end with `/`.
hadolint's DL3021.

## Why is this bad?
BuildKit refuses it: "When using COPY with more than one source file, the destination must
be a directory and end with a /". The build fails at this instruction.

## Example
```dockerfile
FROM python:3.11-slim
COPY requirements.txt constraints.txt /app
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
COPY requirements.txt constraints.txt /app/
USER 1000
```

## When to ignore
Never: the build fails.

## Fix
None: end the destination with `/`.

## Options
None.
"""

from mldocklint.rules._correctness import at_last_word
from mldocklint.target import dequote

ID = "ML021"
SLUG = "copy-sources-need-directory"
CATEGORY = "correctness"
SEVERITY = "error"
SUMMARY = "COPY or ADD of several sources to a destination without a trailing /"
FIX = "none"
ALIASES = ("DL3021",)


def check(target, options):
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword not in ("COPY", "ADD") or len(instr.value) < 3:
                continue
            dest = instr.value[-1]
            if not dequote(dest).endswith("/"):
                yield at_last_word(target.dockerfile, instr, dest,
                    f"{instr.keyword} of {len(instr.value) - 1} sources needs a directory destination ending with `/`: BuildKit fails on `{dequote(dest)}`; write `{dequote(dest)}/`",
                    stage=stage.label,
                )
