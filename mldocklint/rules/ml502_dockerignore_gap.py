"""
## What it does
Looks at the files the build context would send (after `.dockerignore`) and flags those
that do not belong in a build: `.git`, virtualenvs (directories holding `pyvenv.cfg`),
`__pycache__`, `.ipynb_checkpoints` and experiment tracking output (`mlruns/`,
`mlartifacts/`, `wandb/`, `lightning_logs/`), each from 1 MB in all, `.terraform/`, datasets
and model files. A dataset is known by its contents, not its name: the data files (`*.csv`,
`*.parquet`, `*.npy`, ...; images and audio from 50 files) of one directory, `min-data-mb`
or more in all; a directory holding Python sources is a package, never a dataset. Model
files are weights (`*.pt`, `*.safetensors`, `*.onnx`, ...) of `min-model-mb` or more. Data and models the image
uses are not gaps: named by a `COPY`, or brought by `COPY . .` and named in the context's
code or configuration (models: while no `COPY` names a model). One finding per kind, naming
the largest entries and the total size.

## Why is this bad?
Every byte is sent to the builder on every build, and `COPY . .` puts it in the image: a
`.git` of a year-old ML repository, a virtualenv with PyTorch (over 2 GB) or a dataset
turn a 10-second rebuild into minutes and an image into gigabytes. `.git` and `wandb/` can
also leak credentials and history.

## Example
```dockerfile
# the context holds .venv/ and data/, and .dockerignore lists only __pycache__/
FROM python:3.11-slim
COPY . /app
```

```text
.dockerignore: __pycache__/
.venv/pyvenv.cfg: home = /usr/local/bin
data/train.csv (20 MB)
app.py
```

## Use instead
```dockerfile
# .dockerignore also lists .venv/ and data/
FROM python:3.11-slim
COPY . /app
```

```text
.dockerignore: __pycache__/
.dockerignore: .venv/
.dockerignore: data/
.venv/pyvenv.cfg: home = /usr/local/bin
data/train.csv (20 MB)
app.py
```

## When to ignore
A data or model file that the image really needs and that a `COPY . .` brings in: name it
in its own `COPY`, which also caches better.

## Fix
Safe: adds the entries found to `.dockerignore` (`**/__pycache__` and
`**/.ipynb_checkpoints` as patterns). Datasets and model files are left alone while a
`COPY . .` may bring them into the image on purpose.

## Options
`min-data-mb` (default 1): the size, in MB, from which a directory's data files are reported.
`min-model-mb` (default 10): the size, in MB, from which a model file is reported.
"""

ID = "ML502"
SLUG = "dockerignore-gap"
CATEGORY = "context"
SEVERITY = "warning"
SUMMARY = ".dockerignore does not exclude files that should not be sent"
FIX = "safe"
NEEDS_CONTEXT = True
OPTIONS = {"min-data-mb": 1, "min-model-mb": 10}

from mldocklint.model import Problem  # noqa: E402
from mldocklint.rules._context_common import copies, top, unwanted  # noqa: E402
from mldocklint.units import MB, human  # noqa: E402

_PATTERN = {"pycache": "**/__pycache__/", "notebook checkpoints": "**/.ipynb_checkpoints/"}


def _hint(kind: str, found: dict[str, int]) -> str:
    if kind in _PATTERN:
        return _PATTERN[kind]
    names = sorted(found, key=lambda p: (-found[p], p))
    return ", ".join(names[:3]) + (" and the rest" if len(names) > 3 else "")


def check(target, options):
    ctx = target.context
    groups = unwanted(target, float(options["min-data-mb"]) * MB, float(options["min-model-mb"]) * MB)
    for kind, found in sorted(groups.items()):
        total = sum(found.values())
        yield Problem(1, 1, f"{kind} sent with the build context but not excluded ({human(total)}): {top(found)}; add {_hint(kind, found)} to {ctx.dockerignore or '.dockerignore'}", key=kind, fix=_fix(target, kind, found))


def _fix(target, kind: str, found: dict[str, int]):
    """Ignore patterns for the entries found; none for data or models while `COPY . .` may use them."""
    from mldocklint.fixes import Fix

    if kind in ("datasets", "model files") and copies(target)[1]:
        return Fix(skipped=f"{kind} are not excluded automatically while a `COPY . .` may need them")
    name = {"pycache": "__pycache__", "notebook checkpoints": ".ipynb_checkpoints"}.get(kind)
    return Fix(ignore=(f"**/{name}",) if name else tuple(sorted(found)))
