"""
## What it does
Flags `pip install` (also `pip3`, `python -m pip`, `conda run ... pip`) and uv's installs
(`uv pip install`, `uv add`, `uv sync`) in a `RUN` that keep the installer's download cache in the
layer. An install is clean when it passes `--no-cache-dir` (or an abbreviation pip accepts,
such as `--no-cache`), when `PIP_NO_CACHE_DIR` is set to any value pip accepts (pip disables
the cache for `0` and `false` too) by `ENV`, by a build argument (`ARG`), on the command or
in pip's configuration (`pip config set global.no-cache-dir`, a `pip.conf` a `RUN` writes)
before it, when the `RUN` has a cache mount on the pip cache
(`--mount=type=cache,target=/root/.cache/pip`, or `/root/.cache`), or when it installs only
local wheels or directories with `--no-index` or `--no-deps` (nothing is downloaded). An
install of only the installer tooling (`pip install -U pip setuptools wheel`) keeps a few
MB and is not reported. For uv
the equivalents are `--no-cache`, `UV_NO_CACHE` and a cache mount on `.cache/uv`.

One `ENV PIP_NO_CACHE_DIR=1` fixes every pip install below it, so a stage is reported once,
at its first install that keeps the cache, naming the lines of the others.

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
Safe: adds `--no-cache-dir` (`--no-cache` for uv) right after the sub-command (`install`,
`add`, `sync`) of every install of the stage that keeps the cache.

## Options
None.
"""

import re

from mldocklint import lazyre
from mldocklint.syntax.shell import installer
from mldocklint.target import mount_targets

ID = "ML105"
SLUG = "pip-cache-kept"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "pip install keeps its download cache in the image"
FIX = "safe"
ALIASES = ("DL3042",)

# pip disables the cache for any value its strtobool accepts, false ones included (pip's _handle_no_cache_dir)
_PIP_BOOL = frozenset("y yes t true on 1 n no f false off 0".split())
_UV_TRUE = frozenset(("1", "true", "yes", "on", "y", "t"))
_LOCAL_ONLY = frozenset(("--no-index", "--no-deps"))
_TOOL = lazyre.compile(r"(pip|setuptools|wheel)([<>=!~].*)?", re.I)


_VAR = lazyre.compile(r"\$\{?(\w+)\}?")


def _cache_mounted(targets: list[str], cache_dir: str, cache_option: str | None, env: dict) -> bool:
    for t in targets:
        t = _VAR.sub(lambda m: env.get(m.group(1), m.group()), t).rstrip("/")
        if cache_dir in t or t in ("/root/.cache", "~/.cache") or t == cache_option:
            return True
    return False


def _local(word: str) -> bool:
    return word.startswith((".", "/", "~", "file:")) and "://" not in word.removeprefix("file://")


def keeps_cache(p) -> bool:
    """True when an install (``target.PipInstall``) leaves its download cache in the layer."""
    if p.tool in ("uv", "uv-project"):
        off = p.setting("--no-cache")
        return off != "" and "-n" not in p.options and (off or "").lower() not in _UV_TRUE and not _cache_mounted(
            mount_targets(p.instr), ".cache/uv", p.setting("--cache-dir"), p.settings
        )
    if p.tool != "pip":
        return False
    off = p.setting("--no-cache-dir")
    if off == "" or (off or "").lower() in _PIP_BOOL:
        return False
    if _cache_mounted(mount_targets(p.instr), ".cache/pip", p.setting("--cache-dir"), p.settings):
        return False
    sources = [w for _, w in p.requirements] + [v for o in ("-e", "--editable") for v in p.options.get(o, [])]
    remote = {"-r", "--requirement"} & p.options.keys()
    if sources and not remote and all(_TOOL.fullmatch(w) for w in sources):
        return False  # `pip install -U pip setuptools wheel`: a few MB
    return not (sources and all(_local(w) for w in sources) and not remote and _LOCAL_ONLY & p.options.keys())


def uncached(target, stage) -> list:
    """The installs of ``stage`` that keep their cache, in file order."""
    return [p for p in target.installs([stage]) if keeps_cache(p)]


def _lines(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:-1])) + " and " + str(numbers[-1])


def check(target, options):
    for stage in target.image_stages():
        found = uncached(target, stage)
        if not found:
            continue
        first = found[0]
        uv = first.tool != "pip"
        what = "`uv` keeps downloaded packages" if uv else "`pip install` keeps downloaded wheels"
        advice = "add --no-cache or set ENV UV_NO_CACHE=1" if uv else "add --no-cache-dir or set ENV PIP_NO_CACHE_DIR=1"
        lines = sorted({p.instr.line for p in found})
        if len(lines) > 1:
            what = f"installs on lines {_lines(lines)} keep downloaded packages"
            advice = "set ENV PIP_NO_CACHE_DIR=1 (UV_NO_CACHE=1 for uv) once after this stage's FROM, or add --no-cache-dir (--no-cache for uv) to each"
        yield target.problem_at_word(first.instr, first.command, subcommand(first), f"{what} in the layer; {advice}", stage=stage.label)


def subcommand(p) -> int:
    """Index of the install's sub-command word (``install``, ``add``, ``sync``) in its command."""
    return installer(p.words).start - 1
