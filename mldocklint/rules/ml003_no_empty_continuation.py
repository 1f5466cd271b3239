"""
## What it does
Flags empty lines inside a `\\` continuation, once per instruction, at the first one.
BuildKit's check NoEmptyContinuation.

## Why is this bad?
BuildKit skips the empty line today and warns that it will become an error in a future
release. An empty line also often hides a missing `\\` on the line above.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir \\

    flask==3.0.0
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir \\
    flask==3.0.0
USER 1000
```

## When to ignore
Never needed: a comment line is fine where a separator is wanted.

## Fix
None.

## Options
None.
"""

from mldocklint.model import Problem

ID = "ML003"
SLUG = "no-empty-continuation"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "Empty line inside a continuation"
FIX = "none"
ALIASES = ("NoEmptyContinuation",)


def check(target, options):
    df = target.dockerfile
    for instr in df.instructions:
        if instr.end_line == instr.line:
            continue
        last = instr.heredocs[0].line - 1 if instr.heredocs else instr.end_line
        src = df.text[instr.start : instr.end].split("\n")
        empty = [instr.line + k for k, text in enumerate(src[1 : last - instr.line + 1], 1) if not text.strip()]
        if empty:
            lines = "an empty continuation line" if len(empty) == 1 else f"{len(empty)} empty continuation lines ({', '.join(map(str, empty[:5]))}{', ...' if len(empty) > 5 else ''})"
            message = f"{lines} in this instruction: BuildKit will refuse them in a future release; remove them"
            yield Problem(empty[0], 1, message, end_line=empty[0], end_column=1 + len(src[empty[0] - instr.line]), stage=target.stages[instr.stage].label if instr.stage >= 0 else None)
