"""
## What it does
Flags a stage name (`FROM image AS Name`) with upper-case letters. BuildKit's check
StageNameCasing.

## Why is this bad?
BuildKit lowercases stage names, so `--target Runtime`, `COPY --from=Runtime` and
`FROM Runtime` all mean `runtime`. Mixed-case names suggest a difference that does not
exist, and tools that read the file differently (scripts grepping for the target) get it
wrong.

## Example
```dockerfile
FROM python:3.11-slim AS Runtime
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim AS runtime
USER 1000
```

## When to ignore
Never needed: lower-case names build the same image.

## Fix
None.

## Options
None.
"""

from mldocklint.rules._correctness import at_last_word

ID = "ML001"
SLUG = "stage-name-casing"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "Stage name with upper-case letters"
FIX = "none"
ALIASES = ("StageNameCasing",)


def check(target, options):
    df = target.dockerfile
    for stage in target.stages:
        value = stage.from_instruction.value
        if len(value) == 3 and value[2] != value[2].lower():
            yield at_last_word(df, stage.from_instruction, value[2], f"stage name `{value[2]}` should be lowercase: BuildKit reads it as `{value[2].lower()}`", stage=stage.label)
