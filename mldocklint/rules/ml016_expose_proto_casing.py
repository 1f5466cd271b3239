"""
## What it does
Flags an `EXPOSE` protocol written in upper case (`8080/TCP`). BuildKit's check
ExposeProtoCasing.

## Why is this bad?
Protocols are `tcp` and `udp`; tools that read the image configuration compare them as
written.

## Example
```dockerfile
FROM python:3.11-slim
EXPOSE 8080/TCP
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
EXPOSE 8080/tcp
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

ID = "ML016"
SLUG = "expose-proto-casing"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "EXPOSE protocol not in lower case"
FIX = "none"
ALIASES = ("ExposeProtoCasing",)


def check(target, options):
    for instr in target.dockerfile.instructions:
        if instr.keyword != "EXPOSE":
            continue
        for word in instr.value:
            proto = word.rpartition("/")[2] if "/" in word else ""
            if proto != proto.lower():
                yield problem_at(target.dockerfile, instr, word, f"protocol `{proto}` in `{word}` should be lowercase: `{word.lower()}`", stage=target.stages[instr.stage].label)
