"""
## What it does
Checks every `COPY` and `ADD` source read from the build context (not `--from`, URLs or
heredocs) in the stages that are built: the source, or for a glob at least one match, must
exist in the context and not be excluded by `.dockerignore`. The finding points at the
source. A source that is, or contains, a symlink pointing outside the context is reported
too: Docker sends the link, never the file it points to.

## Why is this bad?
The build fails with "failed to compute cache key: ... not found", often only in CI where
the context differs from a developer's checkout, or after someone adds a broad pattern
(`*.joblib`, `models/`) to `.dockerignore`.

## Example
```dockerfile
# .dockerignore lists models/
FROM python:3.11-slim
COPY models/ /app/models/
```

```text
.dockerignore: models/
models/model.onnx
```

## Use instead
```dockerfile
# .dockerignore lists models/checkpoints/ only
FROM python:3.11-slim
COPY models/ /app/models/
```

```text
.dockerignore: models/checkpoints/
models/model.onnx
models/checkpoints/step-100.pt
```

## When to ignore
Never: the build cannot succeed.

## Fix
None: remove the pattern from `.dockerignore` (or add a `!` exception), or fix the path.

## Options
None.
"""

ID = "ML504"
SLUG = "copy-ignored-file"
CATEGORY = "context"
SEVERITY = "error"
SUMMARY = "A COPY source is excluded by .dockerignore or missing"
FIX = "none"
ALIASES = ("CopyIgnoredFile",)
NEEDS_CONTEXT = True

import re  # noqa: E402

from mldocklint.rules._context_common import at_word  # noqa: E402
from mldocklint.target import copy_sources# noqa: E402

_GLOB = re.compile(r"[*?\[]")


def _state(ctx, src: str) -> str | None:
    s = src.replace("\\", "/").strip("/")
    while s.startswith("./"):
        s = s[2:]
    if s in ("", "."):
        return None
    if _GLOB.search(s):
        found = ctx.glob(s)
        if any(not ctx.is_excluded(p) for p in found):
            return None
        return "excluded" if found else "no-match"
    if ctx.is_excluded(s):
        return "excluded"
    if not ctx.exists(s) and not ctx.truncated:
        return "missing"
    return None


def check(target, options):

    ctx = target.context
    ignore = ctx.dockerignore or ".dockerignore"
    for stage in target.built_stages():
        for instr in stage.instructions:
            for src in copy_sources(instr):
                state = _state(ctx, src)
                if state == "excluded":
                    msg = f"`{src}` is excluded by {ignore}, so the build cannot copy it; remove the pattern or add a `!` exception"
                elif state == "missing":
                    msg = f"`{src}` is not in the build context {ctx.shown_root}; the build fails here"
                elif state == "no-match":
                    msg = f"`{src}` matches no file in the build context {ctx.shown_root}; the build fails here"
                elif state is None and (link := _outside_link(ctx, src)) is not None:
                    msg = f"`{link}` is a symlink to a path outside the build context; Docker copies the link, not its target"
                else:
                    continue
                yield at_word(target.dockerfile, instr, src, msg, stage=stage.label, key=src)


def _outside_link(ctx, src: str) -> str | None:
    """A symlink leaving the context that copying ``src`` would take along, if any."""
    s = src.replace("\\", "/").strip("/").removeprefix("./")
    for p in ctx.problems:
        if p.kind == "symlink" and not ctx.is_excluded(p.path) and (s in ("", ".") or p.path == s or p.path.startswith(s + "/")):
            return p.path
    return None
