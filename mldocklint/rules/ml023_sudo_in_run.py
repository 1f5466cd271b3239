"""
## What it does
Flags `sudo` in a `RUN` command. hadolint's DL3004.

## Why is this bad?
`RUN` already runs as the current `USER`: as root `sudo` is useless; as another user it
needs a password-less sudoers entry, which makes that user root in every container started
from the image. In some base images `sudo` is missing and the build fails.

## Example
```dockerfile
FROM python:3.11-slim
USER 1000
RUN sudo apt-get update
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN apt-get update
USER 1000
```

## When to ignore
An image made for interactive development, whose user is meant to get root with `sudo`.

## Fix
None: run the command before `USER`, or switch with `USER root` and back.

## Options
None.
"""

import re

from mldocklint.syntax.shell import program, scripts, split_commands
from mldocklint.target import word_spans
from mldocklint.model import Problem

ID = "ML023"
SLUG = "sudo-in-run"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "sudo in RUN"
FIX = "none"
ALIASES = ("DL3004",)
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def check(target, options):
    df = target.dockerfile
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword != "RUN" or instr.exec_form:
                continue
            cmds = [c for s in scripts(instr) for c in split_commands(s)]
            spans = None
            for ci, words in enumerate(cmds):
                k = next((k for k, w in enumerate(words) if not _ASSIGN.match(w)), None)
                if k is None or program(words[k]) != "sudo":
                    continue
                spans = spans or word_spans(df, instr, cmds)
                where = spans[ci][k]
                message = "`sudo` in RUN: RUN already runs as the current USER; run this before `USER` (or after `USER root`) instead"
                if where is None:
                    yield Problem.at(instr, message, stage=stage.label)
                else:
                    yield Problem(where[0], where[1], message, end_line=where[2], end_column=where[3], stage=stage.label)
