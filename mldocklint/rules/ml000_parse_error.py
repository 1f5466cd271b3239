"""
## What it does
Reports a Dockerfile that BuildKit would refuse to parse: an unterminated heredoc, a JSON
array with non-string items, an unknown instruction, an instruction before the first
`FROM`, a file with no instructions.

## Why is this bad?
`docker build` stops at the first line it cannot parse. mldocklint reports the line
BuildKit names and lints nothing else in that file until it parses.

## Example
```dockerfile
FROM python:3.11-slim
RUN <<EOF
pip install flask==3.0.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN <<EOF
pip install flask==3.0.0
EOF
```

## When to ignore
Never: the file does not build.

## Fix
None.

## Options
None.
"""

ID = "ML000"
SLUG = "parse-error"
CATEGORY = "syntax"
SEVERITY = "error"
SUMMARY = "The Dockerfile cannot be parsed"
FIX = "none"
ALIASES = ("DL3043", "DL3061")


def check(target, options):
    # Parse errors are found while parsing; the engine reports them under this rule.
    return iter(())
