"""
## What it does
Flags a `RUN` that uses `curl` or `wget` in a stage that uses both. hadolint's DL4001. A
style check: it runs only when selected (`--select ML026`).

## Why is this bad?
Two download tools do one job: both are installed (and kept) in the image, and their
different defaults (redirects, retries, failing on HTTP errors) make downloads behave
differently from one line to the next.

## Example
```dockerfile
FROM python:3.11-slim
RUN curl -fsSL -o /tmp/a.whl https://example.com/a.whl
RUN wget -q -O /tmp/b.whl https://example.com/b.whl
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN curl -fsSL -o /tmp/a.whl https://example.com/a.whl
RUN curl -fsSL -o /tmp/b.whl https://example.com/b.whl
USER 1000
```

## When to ignore
When the base image ships only one of them and a script you do not control needs the other.

## Fix
None: use one of the two.

## Options
None.
"""

from mldocklint.syntax.shell import program

ID = "ML026"
SLUG = "curl-and-wget"
CATEGORY = "correctness"
SEVERITY = "info"
SUMMARY = "Both curl and wget used in one stage"
FIX = "none"
ALIASES = ("DL4001",)
OPT_IN = True
TOOLS = ("curl", "wget")


def check(target, options):
    for stage in target.stages:
        seen: set[str] = set()
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            used = [(ci, program(w[0])) for ci, w in enumerate(target.commands(instr)) if program(w[0]) in TOOLS]
            seen.update(tool for _, tool in used)
            if used and len(seen) == 2:
                ci, tool = used[0]
                other = "wget" if tool == "curl" else "curl"
                yield target.problem_at_word(instr, ci, 0, f"this stage uses both curl and wget; use `{other}` or `{tool}` everywhere", stage=stage.label)
