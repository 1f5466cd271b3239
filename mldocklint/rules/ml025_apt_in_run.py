"""
## What it does
Flags `apt` (not `apt-get`) in a `RUN` command. hadolint's DL3027.

## Why is this bad?
`apt` is the interactive front end: its command-line interface is not stable between
releases, and it warns so on every use ("apt does not have a stable CLI interface"). A
build script wants `apt-get` (and `apt-cache`), whose behaviour is fixed.

## Example
```dockerfile
FROM python:3.11-slim
RUN apt update && apt install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
USER 1000
```

## When to ignore
Never needed.

## Fix
Safe: `apt` becomes `apt-get` for `update`, `install`, `remove`, `purge`, `autoremove`,
`clean` and `autoclean`; `apt upgrade` (which may install new packages where `apt-get
upgrade` does not) is left to you.

## Options
None.
"""

from mldocklint.syntax.shell import program

ID = "ML025"
SLUG = "apt-in-run"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "apt used in RUN instead of apt-get"
FIX = "safe"
ALIASES = ("DL3027",)


def check(target, options):
    for stage, instr, ci, words in target.run_commands():
        if program(words[0]) == "apt":
            yield target.problem_at_word(instr, ci, 0, "`apt` has no stable command-line interface for scripts; use `apt-get` (or `apt-cache`)", stage=stage.label)
