"""
## What it does
Flags a `RUN` that installs packages without an exact version: `pip install` (also `pip3`,
`pythonX.Y -m pip`, `conda run ... pip`), `uv pip install`, `uv add`, `pipx install`,
`poetry add` and `conda`/`mamba`/`micromamba install`, wherever the command stands in the
script (inside `if ... fi`, loops, `case`, `{ ...; }`, `( ... )`, `sh -c "..."`). Pinned means
`==`/`===` for pip (`name=version` or `==` for conda), a VCS URL with a full 40-character
commit, or a direct URL to a wheel or sdist file. One finding per `RUN`, listing the first
few packages and how many there are. Every stage is checked.

Not flagged: requirements files (`-r`, checked by ML201), local paths (`.`, `./pkg`,
`/wheels/x.whl`), editable installs (`-e .`), words holding a variable (`$PKG`), words
that are not valid requirements, installs with a constraints file (`-c FILE`, or
`PIP_CONSTRAINT`/`UV_CONSTRAINT` from `ENV`, `ARG` or pip's configuration; an empty value
means none), and lock-file installs (`uv sync`, `poetry install`). The installer tooling
itself (`pip`, `setuptools`, `wheel`) is not flagged. Nor is a package the image already
holds at one version, unless the install upgrades (`-U`): one an earlier `RUN` of the stage
(or its parents) pinned, or one the base image's release tag fixes (torch on
`pytorch/pytorch:2.3.1-...` or `nvcr.io/nvidia/pytorch:24.05-py3`; see
`mldocklint/knowledge/base_packages.py`). A wildcard pin (`==2.*`), a range (`>=2`), a
branch or tag of a VCS URL (`@main`, `@v1.2`) is not a pin. An unquoted `pkg>=1.0` is a
shell redirect: pip installs bare `pkg`, and the message says so.

## Why is this bad?
`pip install torch` installs whatever is newest on the day of the build. Two builds of
the same Dockerfile a week apart can carry different library versions, and a major
release (numpy 2.0 broke many compiled packages in June 2024) breaks the image without
any change to your code. Models are also sensitive to library versions: a pickled
scikit-learn model may not load in another scikit-learn version.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN pip install --no-cache-dir flask scikit-learn
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN pip install --no-cache-dir flask==3.0.3 scikit-learn==1.5.1
USER 1000
```

## When to ignore
Throw-away images where taking the newest release is the point (a nightly test of
upstream releases).

## Fix
None: pin the version you tested (`pip freeze` shows it), or move the packages into a
pinned requirements or constraints file.

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.knowledge.base_packages import provided_packages
from mldocklint.model import Problem
from mldocklint.syntax.requirements import classify, conda_spec
from mldocklint.target import known_root_base

ID = "ML202"
SLUG = "unpinned-pip-install"
CATEGORY = "dependencies"
SEVERITY = "warning"
SUMMARY = "pip install of a package without an exact version"
FIX = "none"
ALIASES = ("DL3013",)

_TOOLING = frozenset(("pip", "setuptools", "wheel"))
_UPGRADE = frozenset(("-U", "--upgrade", "--force-reinstall", "-I", "--ignore-installed"))
_CONSTRAINTS = ("-c", "--constraint", "--constraints")
_NAME = lazyre.compile(r"[A-Za-z0-9._-]+(\[[^\]]*\])?")
_REDIRECT = lazyre.compile(r">[>|&]?[^\s;&|()]*")
SHOWN = 3  # packages named in a message


def _constrained(p) -> bool:
    if p.tool == "conda":
        return False  # conda's -c is a channel
    return any(c in p.options for c in _CONSTRAINTS) or bool(p.setting("--constraint"))


def _judge(p, word: str) -> tuple[str | None, bool]:
    """(canonical name, pinned) of a requirement word; name None when it is not a published package."""
    if "$" in word:
        return None, True
    if p.tool == "conda":
        return conda_spec(word)
    name, pinned, local, valid = classify(word)
    if local or not valid:
        return None, True
    return name or word, pinned  # a URL without #egg= stands for itself


def _redirect(target, p, k: int) -> str | None:
    """What follows a requirement word when it is a redirect (`torch>=2.0` unquoted): ``>=2.0``."""
    span = target.word_span(p.instr, p.command, k)
    if span is None:
        return None
    instr = p.instr
    line = target.dockerfile.text[instr.start : instr.end].split("\n")[span[2] - instr.line]
    m = _REDIRECT.match(line, span[3] - (instr.column if span[2] == instr.line else 1))
    return m.group() if m else None


def _example(words: list[str], tool: str) -> str:
    """How to pin the first package named by name; a URL is pinned to a commit."""
    for w in words:
        m = _NAME.match(w)
        if m and w[m.end() : m.end() + 1] not in ("+", ":", "/"):
            return m.group() + ("=X.Y.Z" if tool == "conda" else "==X.Y.Z")
    return words[0].split("#")[0].rsplit("@", 1)[0] + "@<full commit hash>"


def _listing(items: list[str]) -> str:
    shown = ", ".join(f"`{w}`" for w in items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def check(target, options):
    df = target.dockerfile
    for stage in target.stages:
        base = known_root_base(df, stage)
        pinned_before = set(provided_packages(base)) if base else set()
        for s in df.lineage(stage)[:-1]:
            pinned_before |= {n for p in target.installs([s]) for _, w in p.requirements for n, ok in [_judge(p, w)] if ok and n}
        by_instr: dict = {}
        tools: dict = {}  # instruction -> tool of its first unpinned package
        for p in target.installs([stage]):
            upgrade = bool(_UPGRADE & p.options.keys())
            found = by_instr.setdefault(id(p.instr), (p.instr, [], []))
            pinned_here = set()
            for k, word in p.requirements:
                name, pinned = _judge(p, word)
                if name is None:
                    continue
                if pinned:
                    pinned_here.add(name)
                    continue
                if name in _TOOLING or _constrained(p) or (name in pinned_before and not upgrade):
                    continue
                redirect = _redirect(target, p, k) if p.tool != "conda" else None
                if redirect:
                    found[2].append(f"`{word}{redirect}` is not quoted, so the shell reads `{redirect}` as a redirect and pip installs bare `{word}`")
                found[1].append(word)
                tools.setdefault(id(p.instr), p.tool)
            pinned_before |= pinned_here
        for instr, words, notes in by_instr.values():
            if not words:
                continue
            example = _example(words, tools[id(instr)])
            count = f"{len(words)} packages" if len(words) > 1 else "a package"
            message = f"installs {count} without an exact version: {_listing(words)}; pin {'them' if len(words) > 1 else 'it'} (`{example}`) or install from a pinned requirements or constraints file"
            if notes:
                message += "; " + "; ".join(notes)
            yield Problem.at(instr, message, stage=stage.label, key=" ".join(words))
