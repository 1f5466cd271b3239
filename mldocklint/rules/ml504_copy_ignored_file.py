"""
## What it does
Checks every `COPY` and `ADD` source read from the build context (not `--from`, URLs,
heredocs or sources holding a variable) in the stages that are built: the source, or for a glob at least one match, must
exist in the context and not be excluded by `.dockerignore`. The finding points at the
source. A source that is, or contains, a symlink pointing outside the context is reported
too: Docker sends the link, never the file it points to (links inside a virtualenv are left
to ML502, which reports the virtualenv). A copied file that is a Git LFS pointer (the checkout
ran without `git lfs pull`) is reported. A missing source that the checkout does not have is
named as such: stored with Git LFS (`.gitattributes`), kept in git by a `!` line of
`.gitignore`, or ignored by git (made before the build: not reported while the context is
only assumed).

When the context is only assumed (the Dockerfile's folder: no `--context`, configuration or
build file named it), a missing source is reported as not in the assumed context, with how
to set the real one; "the build fails" is said only of a context that is known.

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

import posixpath  # noqa: E402

from mldocklint import lazyre  # noqa: E402
from mldocklint.rules._context_common import ASSUMED, at_word  # noqa: E402
from mldocklint.target import copy_sources# noqa: E402

_GLOB = lazyre.compile(r"[*?\[]")


def _norm(src: str) -> str:
    """A source as a context path: `..` cannot leave the context, as in Docker."""
    s = posixpath.normpath("/" + src.replace("\\", "/")).lstrip("/")
    return "" if s == "." else s


def _state(ctx, src: str) -> str | None:
    s = _norm(src)
    if "$" in s:
        return None  # a variable given at build time (`--build-arg`): not known here
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
                fails = "the build fails here" if ctx.known else ASSUMED.removeprefix("; ")
                git = ctx.git_ignored(_norm(src)) if state in ("missing", "no-match") else None
                if git and not ctx.known:
                    continue  # made before the build (git ignores it) into a context that is only assumed
                note = (
                    " (stored with Git LFS: the checkout does not have it; run `git lfs pull`)" if ctx.is_lfs(_norm(src))
                    else " (git ignores it: a fresh checkout does not have it; make it before the build)" if git
                    else " (a `!` line of .gitignore keeps it in git: this checkout lacks it)" if git is False
                    else ""
                )
                if state == "excluded":
                    msg = f"`{src}` is excluded by {ignore}, so the build cannot copy it; remove the pattern or add a `!` exception"
                elif state == "missing":
                    msg = f"`{src}` is not in {ctx.where()}{note}; {fails}"
                elif state == "no-match":
                    msg = f"`{src}` matches no file in {ctx.where()}{note}; {fails}"
                elif state is None and (link := _outside_link(ctx, src)) is not None:
                    msg = f"`{link}` is a symlink to a path outside the build context; Docker copies the link, not its target"
                elif state is None and (pointer := _pointer(ctx, src)) is not None:
                    msg = f"`{pointer}` is a Git LFS pointer, not the file it stands for: the image gets the pointer; run `git lfs pull` before the build"
                else:
                    continue
                yield at_word(target.dockerfile, instr, src, msg, stage=stage.label, key=src)


def _within(path: str, s: str) -> bool:
    return s in ("", ".") or path == s or path.startswith(s + "/")


def _outside_link(ctx, src: str) -> str | None:
    """A symlink leaving the context that copying ``src`` would take along, if any (not one
    inside a virtualenv: ML502 reports the virtualenv)."""
    s = _norm(src)
    for p in ctx.problems:
        if p.kind == "symlink" and not ctx.is_excluded(p.path) and _within(p.path, s) and not _in_venv(ctx, p.path):
            return p.path
    return None


def _in_venv(ctx, path: str) -> bool:
    parts = path.split("/")
    return any("/".join(parts[:k] + ["pyvenv.cfg"]) in ctx.files for k in range(1, len(parts)))


def _pointer(ctx, src: str) -> str | None:
    """The first copied file that is a Git LFS pointer, if any."""
    s = _norm(src)
    return next((p for p in sorted(ctx.lfs_pointers) if _within(p, s)), None)
