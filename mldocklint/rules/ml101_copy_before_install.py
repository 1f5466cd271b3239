"""
## What it does
Flags a `COPY` or `ADD` of application code (the whole context `COPY . .`, a source
directory such as `src/`, or `*.py` files) that comes before the first Python dependency
install of the same stage: `pip install -r ...`, `pip install .`, `pip install NAME`,
`poetry install`, `uv sync`, `pipenv install`, `pdm install`, or `conda env create -f`.
Only code counts: single configuration or data files (`matplotlibrc`, `motd`, dotfiles,
`*.yaml`, `*.json`) and anything copied to `/etc/`, `/usr/share/` or a dot directory are
not code. Copying only the dependency files first (`requirements*.txt`, `pyproject.toml`,
`setup.py`, lock files, `environment.yml`) is the right pattern and is not flagged, and
neither is an install of the project itself after the dependencies are in place
(`pip install --no-deps .`, `poetry install --only-root`, or any install that follows
an earlier dependency install in the stage). Every stage is checked.

## Why is this bad?
Docker reuses a cached layer only while nothing above it changed. After `COPY . .`, any
edit to any file in the context invalidates the install layer, so every code change
downloads and installs all packages again: minutes per build for an ML stack
(`torch`, `transformers`, CUDA wheels of several GB) instead of seconds.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 1000
```

## When to ignore
When the install needs the whole source tree and the project has too few dependencies
for the cache to matter.

## Fix
None: copy the dependency files on their own, install, then copy the code.

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.knowledge.files import CONFIG_DESTINATIONS, is_code_path
from mldocklint.model import Problem
from mldocklint.syntax.shell import installer, pip_options, program
from mldocklint.target import copy_sources

ID = "ML101"
SLUG = "copy-before-install"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "Application code is copied before the dependency install"
FIX = "none"

_TOOLING = frozenset(("pip", "setuptools", "wheel", "uv", "poetry", "pipenv", "pdm", "pip-tools"))
_NAME = lazyre.compile(r"[A-Za-z0-9._-]*")
_CONDA = frozenset(("conda", "mamba", "micromamba"))


def _installs_dependencies(words: list[str]) -> bool:
    found = installer(words)
    if found is None:
        prog, rest = program(words[0]), words[1:]
        if prog in ("pipenv", "pdm"):
            return rest[:1] in (["install"], ["sync"])
        if prog in _CONDA and rest[:1] == ["env"]:
            return rest[1:2] in (["create"], ["update"]) and any(w in ("-f", "--file") or w.startswith("--file=") for w in rest)
        return False
    opts, reqs = pip_options(words[found.start :], found.tool)
    if found.tool == "poetry" and found.action == "install":
        return "--only-root" not in opts
    if found.locked:
        return True
    if found.tool == "conda":
        return bool({"-f", "--file"} & opts.keys())
    if found.tool == "pipx" or ("--no-deps" in opts and not ({"-r", "--requirement"} & opts.keys())):
        return False
    named = [r for r in reqs if _NAME.match(r).group().lower() not in _TOOLING]
    return bool(named) or bool({"-r", "--requirement", "-e", "--editable"} & opts.keys())


def check(target, options):
    for stage in target.stages:
        code: list = []
        for instr in stage.instructions:
            if instr.keyword in ("COPY", "ADD"):
                dest = instr.value[-1] if instr.value else ""
                if not dest.startswith(CONFIG_DESTINATIONS) and "/." not in dest and any(is_code_path(s) for s in copy_sources(instr)):
                    code.append(instr)
            elif instr.keyword == "RUN" and any(_installs_dependencies(w) for w in target.commands(instr)):
                for c in code:
                    yield Problem.at(
                        c,
                        f"application code is copied before the dependency install on line {instr.line}, so every "
                        "code edit reinstalls all packages; copy only the dependency files first, install, then copy the code",
                        stage=stage.label,
                    )
                break
