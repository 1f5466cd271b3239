"""
## What it does
Flags a `RUN` that directly follows another `RUN` with the same flags when neither runs more
than two commands. hadolint's DL3059. A style check: it runs only when selected
(`--select ML029`). Comments between the two do not separate them; any other instruction,
or a `RUN` with a heredoc script, does.

## Why is this bad?
Each `RUN` is a layer: short commands in a row add layers, and files one of them deletes
stay in the layer before it.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir numpy==2.1.0
RUN pip install --no-cache-dir pandas==2.2.3
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir numpy==2.1.0 pandas==2.2.3
USER 1000
```

## When to ignore
When separate layers are wanted for caching: a slow, stable step before a fast, changing one.

## Fix
None: join the commands with `&&` in one `RUN`.

## Options
None.
"""

from mldocklint.rules._correctness import at_keyword

ID = "ML029"
SLUG = "consecutive-run"
CATEGORY = "correctness"
SEVERITY = "info"
SUMMARY = "Consecutive short RUN instructions"
FIX = "none"
ALIASES = ("DL3059",)
OPT_IN = True


def check(target, options):
    for stage in target.stages:
        previous = None
        for instr in stage.instructions:
            if instr.keyword != "RUN" or instr.heredocs:  # a heredoc script stays a step of its own
                previous = None
                continue
            count = len(target.commands(instr))
            if previous is not None and previous[0] == instr.flags and count <= 2 and previous[1] <= 2:
                yield at_keyword(target.dockerfile, instr, "this RUN directly follows another short RUN; join them with `&&` to make one layer", stage=stage.label)
            previous = (instr.flags, count)
