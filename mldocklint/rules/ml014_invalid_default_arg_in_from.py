"""
## What it does
Flags a `FROM` whose image name, with the global `ARG`s at their defaults, is empty or not
a valid image reference, as in `ARG TAG=3.11 slim` followed by `FROM python:${TAG}`.
BuildKit's check InvalidDefaultArgInFrom, with one difference: an `ARG` declared without a
default (`ARG BASE_IMAGE` + `FROM ${BASE_IMAGE}`) is taken as one the build always passes
with `--build-arg`, as real multi-image Dockerfiles do, and is not reported (an ARG that is
not declared at all is ML008's finding). Values given on mldocklint's command line
(`--build-arg`) are used.

## Why is this bad?
`docker build` without `--build-arg` then fails with "invalid reference format", and so
do tools that read the file on their own (scanners, `docker compose` without the
argument).

## Example
```dockerfile
ARG TAG="3.11 slim"
FROM python:${TAG}
USER 1000
```

## Use instead
```dockerfile
ARG TAG=3.11-slim
FROM python:${TAG}
USER 1000
```

## When to ignore
Files always built with `--build-arg` by a script: lint them with the same `--build-arg`.

## Fix
None: give the argument a default.

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.rules._correctness import references
from mldocklint.syntax.dockerfile import BUILTIN_ARGS
from mldocklint.target import problem_at

ID = "ML014"
SLUG = "invalid-default-arg-in-from"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "FROM is not a valid image with the ARG defaults"
FIX = "none"
ALIASES = ("InvalidDefaultArgInFrom",)

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)"
# The distribution reference grammar (github.com/distribution/reference, regexp.go)
REFERENCE = lazyre.compile(rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{{32,}})?")


def _given(df) -> set[str]:
    """Global ARGs the build must pass: declared without a default, or with a default made
    from such ARGs (``ARG BASE=${REGISTRY}/app``), or not declared at all."""
    given: set[str] = set()
    known = set(BUILTIN_ARGS)  # declared so far
    for instr in df.instructions:
        if instr.stage >= 0:
            break
        if instr.keyword == "ARG":
            for word in instr.value:
                name, eq, default = word.partition("=")
                if not eq or any(ref not in known or ref in given for ref, _ in references(default)):
                    given.add(name)
                known.add(name)
    return given


def check(target, options):
    df = target.dockerfile
    declared = set(df.global_args) | set(BUILTIN_ARGS)
    given = _given(df)
    for stage in target.stages:
        if "$" not in stage.base_raw or stage.parent is not None:
            continue
        if any(name not in declared or name in given for name, _ in references(stage.base_raw)):
            continue  # an undeclared ARG (ML008's finding), or one the build passes
        name = stage.base  # the ARG defaults, or the values --build-arg gave
        if any(c in name for c in "'\"$"):
            continue  # quotes or nested `${X:+${Y}}` left by the expansion: BuildKit's word rules decide, not judged here
        if not name or not REFERENCE.fullmatch(name):
            shown = f"`{name}`" if name else "an empty name"
            yield problem_at(df, stage.from_instruction, stage.base_raw, f"with its ARG defaults, `{stage.base_raw}` is {shown}, not a valid image reference; give the ARG a default", stage=stage.label)
