"""
## What it does
Flags `cd` in a `RUN` command. hadolint's DL3003. A style check: it runs only when selected
(`--select ML028`).

## Why is this bad?
`cd` lasts for one `RUN`: the next instruction starts in the `WORKDIR` again, which readers
(and `COPY`, `CMD`) easily get wrong. `WORKDIR` says where the following instructions run,
and creates the directory.

## Example
```dockerfile
FROM python:3.11-slim
COPY . /app
RUN cd /app && pip install --no-cache-dir .
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
USER 1000
```

## When to ignore
A `cd` into a temporary build directory that the same `RUN` removes.

## Fix
None: use `WORKDIR`.

## Options
None.
"""

from mldocklint.syntax.shell import program

ID = "ML028"
SLUG = "cd-in-run"
CATEGORY = "correctness"
SEVERITY = "info"
SUMMARY = "cd in RUN instead of WORKDIR"
FIX = "none"
ALIASES = ("DL3003",)
OPT_IN = True


def check(target, options):
    for stage, instr, ci, words in target.run_commands():
        if program(words[0]) == "cd":
            yield target.problem_at_word(instr, ci, 0, "`cd` lasts for this RUN only; use WORKDIR to set the directory of the instructions that follow", stage=stage.label)
