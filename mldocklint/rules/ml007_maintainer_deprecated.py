"""
## What it does
Flags the `MAINTAINER` instruction. BuildKit's check MaintainerDeprecated, hadolint's
DL4000.

## Why is this bad?
`MAINTAINER` is deprecated: the author belongs in a label that registries and scanners
read, `org.opencontainers.image.authors`.

## Example
```dockerfile
FROM python:3.11-slim
MAINTAINER ml-team@example.com
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
LABEL org.opencontainers.image.authors="ml-team@example.com"
USER 1000
```

## When to ignore
Never needed.

## Fix
None.

## Options
None.
"""

from mldocklint.rules._correctness import at_keyword

ID = "ML007"
SLUG = "maintainer-deprecated"
CATEGORY = "correctness"
SEVERITY = "info"
SUMMARY = "MAINTAINER is deprecated"
FIX = "none"
ALIASES = ("MaintainerDeprecated", "DL4000")


def check(target, options):
    for instr in target.dockerfile.instructions:
        if instr.keyword == "MAINTAINER":
            yield at_keyword(target.dockerfile, instr, 'MAINTAINER is deprecated; use `LABEL org.opencontainers.image.authors="..."`', stage=target.stages[instr.stage].label)
