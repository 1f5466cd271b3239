"""
## What it does
Flags `pip install` (also `pip3`, `python -m pip`, `uv pip` and `conda run ... pip`) in a
`RUN` that keeps pip's download cache in the layer. The install is clean when it passes
`--no-cache-dir`, when `ENV PIP_NO_CACHE_DIR` is set to a true value (`1`, `true`,
`yes`, `on`) before the `RUN` in the stage or the stages it is built `FROM`, or when the
`RUN` has a cache mount on the pip cache (`--mount=type=cache,target=/root/.cache/pip`,
or `/root/.cache`). For `uv pip install` the equivalents are `--no-cache`,
`UV_NO_CACHE` and a cache mount on `.cache/uv`.

Checked: the stage being built, the stages it is built `FROM`, and stages it copies
whole (`COPY --from=build / /`), with their own parents: their files are the image. A
build stage used only through `COPY --from` of some paths hands over just those paths
(`/install`, a virtualenv), not its cache.

## Why is this bad?
pip keeps every wheel it downloads in `~/.cache/pip`, so the layer holds each package
twice: installed and as a cached wheel. For ML stacks this is large: a Linux `torch`
wheel alone is several hundred megabytes, and its cached copy stays in the image as dead
weight.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY requirements.txt .
RUN pip install -r requirements.txt
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
USER 1000
```

## When to ignore
Build stages that are thrown away are not checked; nothing else needs ignoring.

## Fix
Safe: adds `--no-cache-dir` (`--no-cache` for `uv pip`) right after `install`.

## Options
None.
"""

import re

from mldocklint.target import mount_targets
from mldocklint.syntax.shell import pip_install_args, pip_options, program

ID = "ML105"
SLUG = "pip-cache-kept"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "pip install keeps its download cache in the image"
FIX = "safe"
ALIASES = ("DL3042",)

_TRUE = frozenset(("1", "true", "yes", "on"))
# pip: (flags, environment variable, cache directory); uv has its own
_PIP = (("--no-cache-dir",), "PIP_NO_CACHE_DIR", ".cache/pip")
_UV = (("--no-cache", "-n", "--no-cache-dir"), "UV_NO_CACHE", ".cache/uv")
_INLINE = re.compile(r"\b(PIP_NO_CACHE_DIR|UV_NO_CACHE)=[\"']?(1|true|yes|on)\b", re.I)


def _cache_mounted(targets: list[str], cache_dir: str, opts: dict) -> bool:
    for t in targets:
        t = t.rstrip("/")
        if cache_dir in t or t in ("/root/.cache", "~/.cache") or t in opts.get("--cache-dir", ()):
            return True
    return False


def check(target, options):
    for stage in target.image_stages():
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            env = None
            for ci, words in enumerate(target.commands(instr)):
                args = pip_install_args(words)
                if args is None:
                    continue
                flags, var, cache_dir = _UV if program(words[0]) == "uv" else _PIP
                opts, _ = pip_options(args)
                if any(f in words for f in flags):
                    continue
                if _cache_mounted(mount_targets(instr), cache_dir, opts) or _INLINE.search(instr.rest):
                    continue
                if env is None:
                    env = target.env(stage, before=instr)
                if env.get(var, ("",))[0].lower() in _TRUE:
                    continue
                yield target.problem_at_word(
                    instr,
                    ci,
                    len(words) - len(args) - 1,
                    f"`pip install` keeps downloaded wheels in the layer; add {flags[0]}"
                    + (" or set ENV PIP_NO_CACHE_DIR=1" if var == "PIP_NO_CACHE_DIR" else ""),
                    stage=stage.label,
                )
