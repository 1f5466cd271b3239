"""
## What it does
Flags an `EXPOSE` with an IP address or a host port (`EXPOSE 127.0.0.1:8080:8080`,
`EXPOSE 80:8080`). BuildKit's check ExposeInvalidFormat.

## Why is this bad?
`EXPOSE` documents the container's port; which host address and port it is published on
is decided by `docker run -p`. BuildKit keeps only the container port and will refuse
this form in a future release.

## Example
```dockerfile
FROM python:3.11-slim
EXPOSE 0.0.0.0:8000:8000
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
EXPOSE 8000
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

ID = "ML017"
SLUG = "expose-invalid-format"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "EXPOSE with an IP address or host port"
FIX = "none"
ALIASES = ("ExposeInvalidFormat",)


def check(target, options):
    for instr in target.dockerfile.instructions:
        if instr.keyword != "EXPOSE":
            continue
        for word in instr.value:
            if ":" in word.partition("/")[0]:
                port = word.rsplit(":", 1)[1]
                yield problem_at(target.dockerfile, instr, word, f"`{word}` maps an address or host port, which EXPOSE cannot do; write `EXPOSE {port}` and publish with `docker run -p`", stage=target.stages[instr.stage].label)
