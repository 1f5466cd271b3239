"""
## What it does
Flags `ENV key value` and `LABEL key value`, the legacy form without `=`. BuildKit's check
LegacyKeyValueFormat.

## Why is this bad?
The legacy form sets one variable to the whole rest of the line: `ENV A 1 B 2` sets `A` to
`1 B 2`, not two variables. Docker deprecates it.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED 1
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1
USER 1000
```

## When to ignore
Never needed.

## Fix
None.

## Options
None.
"""

from mldocklint.target import problem_at

ID = "ML012"
SLUG = "legacy-key-value-format"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "ENV or LABEL in the legacy `key value` form"
FIX = "none"
ALIASES = ("LegacyKeyValueFormat",)


def check(target, options):
    for instr in target.dockerfile.instructions:
        if instr.keyword in ("ENV", "LABEL") and instr.rest.strip() and "=" not in instr.rest.split(None, 1)[0]:
            key = instr.value[0]
            yield problem_at(
                target.dockerfile, instr, key,
                f'`{instr.keyword} {key} value` is the legacy form, which sets one variable to the rest of the line; write `{instr.keyword} {key}="..."`',
                stage=target.stages[instr.stage].label if instr.stage >= 0 else None,
            )
