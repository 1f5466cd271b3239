r"""
## What it does
Flags `apt-get install` and `apt install` commands in `RUN` that do not pass
`--no-install-recommends` (or `-o APT::Install-Recommends=false`). The stages that ship
are checked: the stage being built and every stage it depends on (`FROM`, `COPY --from`,
`RUN --mount=from=`), builder stages included, since what they install is downloaded on
every build; a stage nothing depends on is never built and is skipped. An earlier `RUN` in the stage (or the stages it is built `FROM`) that writes an
`APT::Install-Recommends` setting into the apt configuration counts as the option.

## Why is this bad?
Debian and Ubuntu install "recommended" packages by default, and for the usual ML system
dependencies the recommends are most of the download: on Debian 12, `apt-get install
python3-pip` fetches 221 packages (142 MB, counted from an empty system) against 50
packages (21 MB) with `--no-install-recommends`. The image gets bigger and slower to
push and pull, and every extra package is more CVE surface.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && apt-get install -y libgomp1 \
    && rm -rf /var/lib/apt/lists/*
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
USER 1000
```

## When to ignore
When a package really needs one of its recommends and you prefer not to name it
explicitly; naming the needed package is usually better.

## Fix
Safe: adds `--no-install-recommends` right after `install`.

## Options
None.
"""

import re

from mldocklint import lazyre
from mldocklint.syntax.shell import apt_command

ID = "ML103"
SLUG = "apt-install-recommends"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "apt-get install without --no-install-recommends"
FIX = "safe"
ALIASES = ("DL3015",)

_OFF = lazyre.compile(r"APT::Install-Recommends[\s=\"']*(false|0|no|off)\b", re.I)


def _no_recommends(words: list[str]) -> bool:
    for k, w in enumerate(words[1:], 1):
        if w == "--no-install-recommends":
            return True
        if w in ("-o", "--option") and k + 1 < len(words):
            w = words[k + 1]
        elif w.startswith(("-o", "--option=")):
            w = w.split("=", 1)[1] if w.startswith("--option=") else w[2:].lstrip("=")
        else:
            continue
        if _OFF.match(w):
            return True
    return False


def _configured_at(target, stage) -> int:
    """Position of the first RUN that writes ``APT::Install-Recommends "false"`` into the apt configuration."""
    for k, i in enumerate(target.effective(stage)):
        if i.keyword == "RUN" and "Install-Recommends" in i.rest + "".join(d.content for d in i.heredocs):
            if _OFF.search(i.rest) or any(_OFF.search(d.content) for d in i.heredocs):
                return k
    return len(target.effective(stage))


def check(target, options):
    for stage in target.built_stages():
        configured_at = _configured_at(target, stage)
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            for ci, words in enumerate(target.commands(instr)):
                sub = apt_command(words)
                if sub is None or words[sub] != "install" or _no_recommends(words):
                    continue
                if target.position(instr, stage) > configured_at:
                    continue
                yield target.problem_at_word(
                    instr,
                    ci,
                    sub,
                    f"`{words[0]} install` also installs recommended packages; add --no-install-recommends",
                    stage=stage.label,
                )
