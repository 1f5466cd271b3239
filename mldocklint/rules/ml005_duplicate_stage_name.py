"""
## What it does
Flags a stage name used by an earlier stage. BuildKit's check DuplicateStageName.

## Why is this bad?
`--target`, `COPY --from` and `FROM name` can name only one stage, so one of the two is
unreachable or the wrong one is used; BuildKit refuses to build such a file.

## Example
```dockerfile
FROM python:3.11-slim AS base
FROM python:3.11-slim AS base
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim AS base
FROM base AS runtime
USER 1000
```

## When to ignore
Never: the build fails.

## Fix
None: rename one of the stages.

## Options
None.
"""

from mldocklint.rules._correctness import at_last_word

ID = "ML005"
SLUG = "duplicate-stage-name"
CATEGORY = "correctness"
SEVERITY = "error"
SUMMARY = "Two stages with the same name"
FIX = "none"
ALIASES = ("DuplicateStageName", "DL3024")


def check(target, options):
    first: dict[str, int] = {}
    for stage in target.stages:
        if stage.name is None:
            continue
        if stage.name in first:
            word = stage.from_instruction.value[2]
            yield at_last_word(target.dockerfile, stage.from_instruction, word,
                f"stage name `{stage.name}` is already used by the stage on line {first[stage.name]}: stage names must be unique",
                stage=stage.label,
            )
        else:
            first[stage.name] = stage.from_instruction.line
