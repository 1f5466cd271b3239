"""
## What it does
Looks at the files the build context would send (after `.dockerignore`) and flags those
that do not belong in a build: `.git`, virtualenvs (directories holding `pyvenv.cfg`),
`__pycache__`, `.ipynb_checkpoints`, experiment tracking output (`mlruns/`, `wandb/`),
datasets (a `data/` or `datasets/` directory, or `*.csv`/`*.parquet`/... files over
`min-data-mb`) and checkpoints or model files that no `COPY` names (when a `COPY . .` is what brings the
model the app loads, with no `COPY` naming a model, model files are not reported). One finding per kind,
naming the largest entries and the total size.

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
`min-data-mb` (default 1): data files (`*.csv`, `*.parquet`, ...) at least this large are
flagged outside `data/` directories too.
"""

ID = "ML502"
SLUG = "dockerignore-gap"
CATEGORY = "context"
SEVERITY = "warning"
SUMMARY = ".dockerignore does not exclude files that should not be sent"
FIX = "safe"
NEEDS_CONTEXT = True
OPTIONS = {"min-data-mb": 1}

from mldocklint.model import Problem  # noqa: E402
from mldocklint.rules._context_common import top  # noqa: E402
from mldocklint.units import MB, human  # noqa: E402
from mldocklint.knowledge.files import is_model_path# noqa: E402
from mldocklint.target import copy_sources# noqa: E402

_DIRS = {".git": "git", "__pycache__": "pycache", ".ipynb_checkpoints": "notebook checkpoints", "mlruns": "experiment runs", "wandb": "experiment runs", "data": "datasets", "datasets": "datasets"}
_DATA_EXT = (".csv", ".tsv", ".parquet", ".feather", ".arrow", ".npy", ".npz", ".h5ad", ".jsonl", ".tfrecord")
_HINT = {"git": ".git/", "virtualenv": ".venv/", "pycache": "**/__pycache__/", "notebook checkpoints": "**/.ipynb_checkpoints/", "experiment runs": "mlruns/ and wandb/", "datasets": "data/", "model files": "the checkpoint paths"}


def _copied(target) -> tuple[list[str], bool]:
    """Context paths named by COPY/ADD sources, and whether one copies the whole context."""

    out = []
    whole = False
    for stage in target.built_stages():
        for instr in stage.instructions:
            for src in copy_sources(instr):
                s = src.strip("/").removeprefix("./")
                if s in ("", ".", "*"):
                    whole = True
                else:
                    out.append(s)
    return list(dict.fromkeys(out)), whole


def _used(path: str, copied: list[str]) -> bool:
    import fnmatch

    return any(path == c or path.startswith(c.rstrip("/") + "/") or fnmatch.fnmatchcase(path, c) for c in copied)


def check(target, options):
    ctx = target.context
    sent = ctx.sent()
    venvs = {p.rsplit("/", 1)[0] if "/" in p else "" for p in sent if p.rsplit("/", 1)[-1] == "pyvenv.cfg"}
    venvs.discard("")
    copied, whole = _copied(target)
    # `COPY . .` may be what brings the model the app loads, unless a COPY names the model
    keep_models = whole and not any(is_model_path(c) for c in copied)
    min_data = float(options["min-data-mb"]) * MB
    groups: dict[str, dict[str, int]] = {}
    for path, n in sent.items():
        parts = path.split("/")
        kind = root = None
        for k, part in enumerate(parts[:-1]):
            prefix = "/".join(parts[: k + 1])
            if prefix in venvs:
                kind, root = "virtualenv", prefix
                break
            if part in _DIRS:
                kind, root = _DIRS[part], prefix
                break
        if kind is None and path.lower().endswith(_DATA_EXT) and n >= min_data:
            kind, root = "datasets", path
        if kind is None and is_model_path(path):
            kind, root = "model files", path
        if kind in ("datasets", "model files") and _used(path, copied):
            continue
        if kind == "model files" and keep_models:
            continue
        if kind is not None:
            group = groups.setdefault(kind, {})
            group[root] = group.get(root, 0) + n
    for kind, found in sorted(groups.items()):
        total = sum(found.values())
        yield Problem(1, 1, f"{kind} sent with the build context but not excluded ({human(total)}): {top(found)}; add {_HINT[kind]} to {ctx.dockerignore or '.dockerignore'}", key=kind, fix=_fix(target, kind, found))


def _fix(target, kind: str, found: dict[str, int]):
    """Ignore patterns for the entries found; none for data or models while `COPY . .` may use them."""
    from mldocklint.fixes import Fix

    if kind in ("datasets", "model files") and any(s.strip("/").removeprefix("./") in ("", ".", "*") for i in target.dockerfile.instructions for s in copy_sources(i)):
        return Fix(skipped=f"{kind} are not excluded automatically while a `COPY . .` may need them")
    name = {"pycache": "__pycache__", "notebook checkpoints": ".ipynb_checkpoints"}.get(kind)
    return Fix(ignore=(f"**/{name}",) if name else tuple(sorted(found)))
