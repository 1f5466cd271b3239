"""ML501: create ``.dockerignore`` with what an ML build context should never send.

Patterns that a ``COPY``/``ADD`` of the Dockerfile names are left out, so nothing the build
uses is excluded. The build context's own gaps (ML502) are added by that rule's fix.
"""

from __future__ import annotations

import fnmatch

from mldocklint.fixes import Fix
from mldocklint.target import copy_sources

DEFAULTS = (
    ".git",
    "**/__pycache__",
    "**/*.py[cod]",
    "**/.ipynb_checkpoints",
    ".venv",
    "venv",
    ".pytest_cache",
    ".mypy_cache",
    "mlruns",
    "wandb",
)


def fix(target, finding):
    copied = [s.strip("/").removeprefix("./") for i in target.dockerfile.instructions for s in copy_sources(i)]
    named = [c for c in copied if c not in ("", ".", "*")]
    keep = [p for p in DEFAULTS if not any(fnmatch.fnmatchcase(c, p) or c.startswith(p + "/") for c in named)]
    return Fix(ignore=tuple(keep))
