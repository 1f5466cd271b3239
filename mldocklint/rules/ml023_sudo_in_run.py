"""
## What it does
Flags `sudo` in a `RUN` command that runs as root: no `USER` before it (and a base image
that is not known to set a non-root user, see ML302) or `USER root`. hadolint's DL3004.
After a non-root `USER`, `sudo` is how that user was meant to get root, and is left alone.

## Why is this bad?
`RUN` already runs as root here: `sudo` adds nothing but a dependency on the sudo package,
which slim and distroless images lack (the build fails with "sudo: not found"), and it
suggests a sudoers setup that makes the image's user root in every container.

## Example
```dockerfile
FROM python:3.11-slim
RUN sudo apt-get update
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN apt-get update
USER 1000
```

## When to ignore
A base image that sets a non-root user mldocklint does not know of.

## Fix
None: drop `sudo`; for a step that needs root after a non-root `USER`, switch with
`USER root` and back.

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.model import Problem
from mldocklint.rules.ml302_root_user import _ROOT, nonroot_base
from mldocklint.syntax.shell import program, scripts, split_commands
from mldocklint.target import word_spans

ID = "ML023"
SLUG = "sudo-in-run"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "sudo in RUN"
FIX = "none"
ALIASES = ("DL3004",)
_ASSIGN = lazyre.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def check(target, options):
    df = target.dockerfile
    for stage in target.stages:
        user = None if not nonroot_base(df.root_base(stage)) else "base"
        for instr in target.effective(stage):
            if instr.keyword == "USER" and instr.value:
                user = instr.value[0].strip().lower()
            if instr.keyword != "RUN" or instr.exec_form or instr.stage != stage.index or (user is not None and user not in _ROOT):
                continue
            cmds = [c for s in scripts(instr) for c in split_commands(s)]
            spans = None
            for ci, words in enumerate(cmds):
                k = next((k for k, w in enumerate(words) if not _ASSIGN.match(w)), None)
                if k is None or program(words[k]) != "sudo":
                    continue
                spans = spans or word_spans(df, instr, cmds)
                where = spans[ci][k]
                message = "`sudo` in a RUN that runs as root does nothing but need sudo in the image; drop it"
                if where is None:
                    yield Problem.at(instr, message, stage=stage.label)
                else:
                    yield Problem(where[0], where[1], message, end_line=where[2], end_column=where[3], stage=stage.label)
