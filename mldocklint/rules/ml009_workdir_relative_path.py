"""
## What it does
Flags the first `WORKDIR` of a stage when its path is relative (`WORKDIR app`). BuildKit's
check WorkdirRelativePath. Later relative `WORKDIR`s build on the first, and a path that
starts with a variable is not judged.

## Why is this bad?
A relative `WORKDIR` is resolved against the base image's working directory, which the
base image may change in any release: the files land somewhere else and the `CMD` no
longer finds them.

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR app
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
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

ID = "ML009"
SLUG = "workdir-relative-path"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "Relative WORKDIR without an absolute one before it"
FIX = "none"
ALIASES = ("WorkdirRelativePath", "DL3000")


def check(target, options):
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword != "WORKDIR" or not instr.value:
                continue
            path = instr.value[0].strip("\"'")
            if not path.startswith(("/", "$")) and not (len(path) > 1 and path[1] == ":"):
                yield problem_at(target.dockerfile, instr, instr.value[0], f"relative WORKDIR `{path}` depends on the base image's working directory; use an absolute path such as `/{path}`", stage=stage.label)
            break
