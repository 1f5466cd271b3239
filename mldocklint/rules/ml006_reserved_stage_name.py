"""
## What it does
Flags a stage named `scratch` or `context`, names BuildKit reserves. BuildKit's check
ReservedStageName.

## Why is this bad?
`FROM scratch` and the `context` build context already mean something: a stage with the
same name cannot be used by name, and BuildKit refuses it.

## Example
```dockerfile
FROM python:3.11-slim AS scratch
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim AS base
USER 1000
```

## When to ignore
Never.

## Fix
None: rename the stage.

## Options
None.
"""

from mldocklint.rules._correctness import at_last_word

ID = "ML006"
SLUG = "reserved-stage-name"
CATEGORY = "correctness"
SEVERITY = "error"
SUMMARY = "Stage named scratch or context"
FIX = "none"
ALIASES = ("ReservedStageName",)
RESERVED = ("context", "scratch")


def check(target, options):
    for stage in target.stages:
        if stage.name in RESERVED:
            word = stage.from_instruction.value[2]
            yield at_last_word(target.dockerfile, stage.from_instruction, word, f"`{stage.name}` is a reserved name and cannot name a stage; choose another", stage=stage.label)
