"""
## What it does
Flags a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later one of the same kind in the same
stage replaces. BuildKit's check MultipleInstructionsDisallowed, hadolint's DL4003 and
DL4004. The finding is on the instruction that has no effect.

## Why is this bad?
Only the last one counts: the earlier line reads as if the container ran it, and edits to
it change nothing.

## Example
```dockerfile
FROM python:3.11-slim
USER 1000
CMD ["python", "train.py"]
CMD ["python", "serve.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
USER 1000
CMD ["python", "serve.py"]
```

## When to ignore
Never needed.

## Fix
None: remove the instruction that has no effect.

## Options
None.
"""

from mldocklint.rules._correctness import at_keyword

ID = "ML011"
SLUG = "multiple-instructions-disallowed"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "CMD, ENTRYPOINT or HEALTHCHECK replaced later in the same stage"
FIX = "none"
ALIASES = ("MultipleInstructionsDisallowed", "DL3012", "DL4003", "DL4004")
ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


def check(target, options):
    for stage in target.stages:
        last: dict[str, object] = {}
        for instr in stage.instructions:
            if instr.keyword in ONCE:
                earlier = last.get(instr.keyword)
                if earlier is not None:
                    yield at_keyword(target.dockerfile, earlier, f"this {instr.keyword} has no effect: the {instr.keyword} on line {instr.line} replaces it; keep one", stage=stage.label)
                last[instr.keyword] = instr
