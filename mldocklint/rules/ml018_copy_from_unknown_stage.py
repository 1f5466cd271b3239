"""
## What it does
Flags `COPY --from=NAME` (and `RUN --mount=from=NAME`) where `NAME` is not a stage defined
before the instruction, but looks like one: a plain name with no registry, tag or digest,
as in `--from=bulder` next to a stage `builder`; and a stage that copies from itself.
hadolint's DL3022 and DL3023.

## Why is this bad?
BuildKit takes a name that is not an earlier stage for an image: `--from=bulder` pulls
`docker.io/library/bulder`, which fails (or, worse, pulls somebody's image of that name).
A stage cannot copy from itself.

## Example
```dockerfile
FROM python:3.11-slim AS builder
RUN pip wheel --no-cache-dir --wheel-dir /wheels flask==3.0.0
FROM python:3.11-slim
COPY --from=bulder /wheels /wheels
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim AS builder
RUN pip wheel --no-cache-dir --wheel-dir /wheels flask==3.0.0
FROM python:3.11-slim
COPY --from=builder /wheels /wheels
USER 1000
```

## When to ignore
An image with a one-word name on Docker Hub that you copy from on purpose: write it in
full (`docker.io/library/name:tag`).

## Fix
None.

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.rules._correctness import closest
from mldocklint.target import mounts, problem_at

ID = "ML018"
SLUG = "copy-from-unknown-stage"
CATEGORY = "correctness"
SEVERITY = "error"
SUMMARY = "COPY --from names no earlier stage"
FIX = "none"
ALIASES = ("DL3022", "DL3023")
_PLAIN = lazyre.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def _sources(instr):
    if instr.keyword in ("COPY", "ADD"):
        src = instr.flag("from")
        if src is not None:
            yield src
    elif instr.keyword == "RUN":
        yield from (fields["from"] for fields in mounts(instr) if fields.get("from"))


def check(target, options):
    df = target.dockerfile
    for stage in target.stages:
        earlier = {s.name for s in df.stages[: stage.index] if s.name}
        for instr in stage.instructions:
            for src in _sources(instr):
                low = src.lower()
                if src.isdigit():
                    if int(src) >= stage.index:
                        yield problem_at(df, instr, src, f"`--from={src}` must name an earlier stage (0 to {stage.index - 1})" if stage.index else f"`--from={src}`: there is no earlier stage", stage=stage.label)
                    continue
                if low == stage.name:
                    yield problem_at(df, instr, src, f"stage `{src}` cannot copy from itself", stage=stage.label)
                elif low not in earlier and "$" not in src and _PLAIN.fullmatch(src) and "." not in src:
                    later = any(s.name == low for s in df.stages[stage.index + 1 :])
                    hint = closest(low, earlier)
                    why = "is defined after this stage" if later else "is not a stage"
                    advice = f"; did you mean `{hint}`?" if hint else ""
                    yield problem_at(df, instr, src, f"`--from={src}` {why}, so BuildKit pulls an image named `{src}`, which fails{advice}", stage=stage.label)
