"""
## What it does
Flags packages named in a `pip install` command in `RUN` (also `pip3`, `python -m pip`,
`uv pip`, `conda run ... pip`) without an exact version: `==` or `===`, or a direct
URL pinned to a commit, a hash or a wheel or sdist file. Every stage is checked.

Not flagged: requirements files (`-r`, checked by ML201), local paths (`.`, `./pkg`,
`/wheels/x.whl`), editable installs (`-e .`), words holding a variable (`$PKG`), words
that are not valid requirements, and installs with a constraints file (`-c FILE` or
`ENV PIP_CONSTRAINT`), which pins everything. The installer tooling itself (`pip`,
`setuptools`, `wheel`, as in `pip install --upgrade pip setuptools wheel`) is not
flagged: it does not end up in what the application imports. A wildcard pin
(`==2.*`) or a range (`>=2`) is not a pin.

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
pinned requirements file.

## Options
None.
"""

import re

from mldocklint.syntax.requirements import requirement
from mldocklint.syntax.shell import pip_install_args, pip_options

ID = "ML202"
SLUG = "unpinned-pip-install"
CATEGORY = "dependencies"
SEVERITY = "warning"
SUMMARY = "pip install of a package without an exact version"
FIX = "none"
ALIASES = ("DL3013",)

_TOOLING = frozenset(("pip", "setuptools", "wheel"))
_ARCHIVE = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")
_PINNED_URL = re.compile(r"#.*\b(sha256|sha384|sha512|md5)=|@[0-9a-f]{7,40}(#|$)", re.I)
_CONSTRAINTS = ("-c", "--constraint")


def _is_local(word: str) -> bool:
    return word.startswith((".", "/", "~")) or "/" in word.split("@")[0] or word.lower().endswith(_ARCHIVE)


def _pinned(req) -> bool:
    if req.url:
        path = req.url.split("#")[0].split("?")[0].lower()
        return bool(_PINNED_URL.search(req.url)) or path.endswith(_ARCHIVE)
    return any(s.operator == "===" or (s.operator == "==" and "*" not in s.version) for s in req.specifier)


def check(target, options):
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            for ci, words in enumerate(target.commands(instr)):
                args = pip_install_args(words)
                if args is None:
                    continue
                opts, reqs = pip_options(args)
                if not reqs or any(c in opts for c in _CONSTRAINTS):
                    continue
                if "PIP_CONSTRAINT" in target.env(stage, before=instr):
                    continue
                offset = len(words) - len(args)
                k = 0
                for word in reqs:
                    k = args.index(word, k) + 1
                    if "$" in word or _is_local(word):
                        continue
                    req = requirement(word)
                    if req is None:
                        continue
                    if req.name.lower() in _TOOLING or _pinned(req):
                        continue
                    yield target.problem_at_word(
                        instr,
                        ci,
                        offset + k - 1,
                        f"`{word}` is installed without an exact version; pin it (`{req.name}==X.Y.Z`) or use a pinned requirements file",
                        stage=stage.label,
                    )
