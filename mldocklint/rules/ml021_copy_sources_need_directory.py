"""
## What it does
Flags a `COPY` or `ADD` with more than one source whose destination does not end with `/`.
hadolint's DL3021. The destination `.` is not reported, nor are files that need BuildKit
anyway (heredocs, `RUN --mount`, `COPY --link`, `--parents`, `--exclude`, `ADD --checksum`,
a `# syntax=` directive): BuildKit copies into such a destination as a directory.

## Why is this bad?
The classic builder refuses it ("When using COPY with more than one source file, the
destination must be a directory and end with a /"), so the file does not build where
BuildKit is off, and readers cannot tell whether `/app` is meant as a file or a directory.

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
Files that are only ever built with BuildKit.

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
SEVERITY = "warning"
SUMMARY = "COPY or ADD of several sources to a destination without a trailing /"
FIX = "none"
ALIASES = ("DL3021",)


BUILDKIT_FLAGS = ("--mount", "--link", "--parents", "--exclude", "--checksum")


def _needs_buildkit(df) -> bool:
    return "syntax" in df.directives or any(
        i.heredocs or any(f.startswith(BUILDKIT_FLAGS) for f in i.flags) for i in df.instructions
    )


def check(target, options):
    if _needs_buildkit(target.dockerfile):
        return
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword not in ("COPY", "ADD") or len(instr.value) < 3:
                continue
            dest = instr.value[-1]
            if not dequote(dest).endswith("/") and dequote(dest) != ".":
                yield at_last_word(target.dockerfile, instr, dest,
                    f"{instr.keyword} of {len(instr.value) - 1} sources to `{dequote(dest)}`, which does not end with `/`: the classic builder fails; write `{dequote(dest)}/`",
                    stage=stage.label,
                )
