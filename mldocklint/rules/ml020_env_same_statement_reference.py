"""
## What it does
Flags an `ENV` that sets several variables and uses one of them in another value of the
same instruction (`ENV HOME=/app DATA=$HOME/data`) when nothing before it (an `ENV` or
`ARG` of the stage or the stages it is built `FROM`) defines that variable. hadolint's
DL3044. A variable used in its own value (`ENV PATH=/opt/bin:$PATH`) is not reported.

## Why is this bad?
BuildKit expands every value of an `ENV` with the environment from before the instruction:
`DATA=$HOME/data` does not see the `HOME=/app` written just before it, so `DATA` becomes
`/data` (or whatever the base image's `HOME` is) and files land in the wrong place.

## Example
```dockerfile
FROM python:3.11-slim
ENV APP_HOME=/app CACHE_DIR=$APP_HOME/cache
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV APP_HOME=/app
ENV CACHE_DIR=$APP_HOME/cache
USER 1000
```

## When to ignore
When the variable is set by the base image and the old value is the one you want.

## Fix
None: move the definition into an `ENV` of its own before the one that uses it.

## Options
None.
"""

import re

from mldocklint.model import Problem
from mldocklint.rules._correctness import VAR
from mldocklint.target import span

ID = "ML020"
SLUG = "env-same-statement-reference"
CATEGORY = "correctness"
SEVERITY = "error"
SUMMARY = "ENV uses a variable it defines itself in another of its values"
FIX = "none"
ALIASES = ("DL3044",)


def check(target, options):
    df = target.dockerfile
    defined_in: dict[int, set[str]] = {}
    for stage in target.stages:
        defined = set(defined_in.get(stage.parent, ())) if stage.parent is not None else set()
        for instr in stage.instructions[1:]:
            if instr.keyword == "ARG":
                defined.update(w.partition("=")[0] for w in instr.value)
            elif instr.keyword == "ENV":
                names = [instr.value[k] for k in range(0, len(instr.value) - 1, 2)]
                new = set(names) - defined
                src = df.text[instr.start : instr.end]
                starts = _pair_starts(src, names)
                reported = set()
                for m in VAR.finditer(src):
                    name = m.group(1) or m.group(3)
                    owner = max((j for j, at in enumerate(starts) if at <= m.start()), default=None)
                    if name in new and name not in reported and owner is not None and names[owner] != name:
                        reported.add(name)
                        line, col, end_line, end_col = span(instr, src, m.start(), len(m.group()))
                        message = f"`{m.group()}` is expanded before this ENV sets `{name}`, so it is not the value set here; set `{name}` in an ENV of its own before this one"
                        yield Problem(line, col, message, end_line=end_line, end_column=end_col, stage=stage.label)
                defined.update(names)
        defined_in[stage.index] = defined


def _pair_starts(src: str, names: list[str]) -> list[int]:
    """Offset in the instruction's source where each ``name=value`` pair starts."""
    starts, pos = [], len("ENV")
    for name in names:
        m = re.compile(r"(?<![\w$])" + re.escape(name) + r"=").search(src, pos)
        at = m.start() if m else len(src)
        starts.append(at)
        pos = at + len(name) + 1
    return starts
