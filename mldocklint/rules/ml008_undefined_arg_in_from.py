"""
## What it does
Flags a variable in a `FROM` line (the image or `--platform`) that no `ARG` before the
first `FROM` declares and that is not one of BuildKit's automatic platform arguments
(`TARGETPLATFORM`, `BUILDPLATFORM`, ...). BuildKit's check UndefinedArgInFrom. A reference
with a default (`${BASE:-python:3.11-slim}`) is not reported.

## Why is this bad?
Only global `ARG`s (declared before the first `FROM`) are visible to `FROM`. An undeclared
name expands to nothing: `FROM python:${PYVER}-slim` becomes `FROM python:-slim`, an
invalid reference, and a typo in a declared name does the same.

## Example
```dockerfile
FROM python:${PYVER}-slim
USER 1000
```

## Use instead
```dockerfile
ARG PYVER=3.11
FROM python:${PYVER}-slim
USER 1000
```

## When to ignore
Never: declare the argument, with a default if the build should work without
`--build-arg`.

## Fix
None.

## Options
None.
"""

from mldocklint.rules._correctness import closest, references
from mldocklint.syntax.dockerfile import BUILTIN_ARGS
from mldocklint.target import problem_at

ID = "ML008"
SLUG = "undefined-arg-in-from"
CATEGORY = "correctness"
SEVERITY = "error"
SUMMARY = "FROM uses an ARG that is not declared before it"
FIX = "none"
ALIASES = ("UndefinedArgInFrom",)


def check(target, options):
    df = target.dockerfile
    declared = set(df.global_args) | set(BUILTIN_ARGS)
    for stage in target.stages:
        instr = stage.from_instruction
        for text in (stage.base_raw, stage.platform or ""):
            for name, has_default in references(text):
                if name in declared or has_default:
                    continue
                hint = closest(name, df.global_args)
                message = f"`{name}` is not declared by an ARG before the first FROM, so it expands to nothing" + (f" (did you mean `{hint}`?)" if hint else "; declare it with `ARG " + name + "=<default>`")
                yield problem_at(df, instr, name, message, stage=stage.label)
