"""
## What it does
Flags a `FROM` whose base image has no tag or the tag `latest`, after substituting the
`ARG` defaults declared before the first `FROM` (and `--build-arg` values). The stages
that ship are checked: the stage being built and the stages it depends on through `FROM`,
`COPY --from` or `RUN --mount=from=`; a stage nothing depends on is never built.

Not flagged:

- a digest pin (`python@sha256:...`, with or without a tag), `scratch`, and a reference to
  an earlier stage (`FROM builder`);
- a name without a registry and without a namespace that is not a Docker Official Image
  (`FROM myproject-base`, `FROM app:latest`): Docker Hub has no such image, so it can only
  be one built locally, often by another Dockerfile of the same repository, and `latest`
  there is the image just built. The list of Official Images, with its source and date, is
  `mldocklint/knowledge/official_images.py`;
- an image whose repository path carries the version (`vault.habana.ai/gaudi-docker/1.22.0/
  ubuntu22.04/habanalabs/pytorch-installer-2.7.1:latest`): the registry publishes one path per
  release, and `latest` there names that release;
- a base that uses an `ARG` with no default and no `--build-arg` value, and template
  placeholders (`FROM {base_image}`, `FROM {{ base }}`): the image is only known at build
  or generation time. To lint such a file, give the value:
  `mldocklint check --build-arg BASE_IMAGE=python:3.11-slim Dockerfile` (or `build-args` in
  the configuration).

## Why is this bad?
`FROM python` means `python:latest`, which moves with every upstream release: the same
Dockerfile builds on Python 3.11 today and 3.13 tomorrow, on a new Debian release, with
a different system library set. ML wheels are built for specific Python versions, so a
silent jump of the interpreter breaks `pip install` or, worse, changes numerical
behaviour without any change to your code.

## Example
```dockerfile
FROM python
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 1000
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 1000
CMD ["python", "app.py"]
```

## When to ignore
When the image is rebuilt on purpose to track upstream (a nightly compatibility test).

## Fix
None: name the tag you tested (`python:3.11-slim`), and for full reproducibility add its
digest (`python:3.11-slim@sha256:...`).

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.knowledge.official_images import OFFICIAL_IMAGES
from mldocklint.model import Problem
from mldocklint.syntax.dockerfile import BUILTIN_ARGS
from mldocklint.target import word_spans

ID = "ML203"
SLUG = "unpinned-base-image"
CATEGORY = "dependencies"
SEVERITY = "warning"
SUMMARY = "Base image without a tag, or tagged latest"
FIX = "none"
ALIASES = ("DL3006", "DL3007")

_REF = lazyre.compile(r"\$\{(\w+)([^}]*)\}|\$(\w+)")
_VERSIONED_PATH = lazyre.compile(r"/v?\d+\.\d+[^/]*/")  # a path segment that is a version: .../1.22.0/...
_TEMPLATE = lazyre.compile(r"\{\{.*\}\}|(?<!\$)\{[\w.]+\}")  # {{ base }} (Jinja), {base_image} (str.format)


def _unresolved(raw: str, args: dict) -> bool:
    """``raw`` uses an ARG that has no value and no ``${NAME:-default}`` fallback."""
    for m in _REF.finditer(raw):
        name = m.group(1) or m.group(3)
        has_default = (m.group(2) or "").lstrip(":").startswith("-")
        if args.get(name) is None and name not in BUILTIN_ARGS and not has_default:
            return True
    return False


def _tag(image: str) -> str | None:
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def _local(image: str) -> bool:
    """A name with no registry and no namespace that Docker Hub does not serve: built locally."""
    repo = image.split("@", 1)[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image.split("@", 1)[0]
    return "/" not in repo and repo.lower() not in OFFICIAL_IMAGES


def check(target, options):
    df = target.dockerfile
    for stage in target.built_stages():
        base = stage.base
        if stage.parent is not None or "@" in base or base.lower() == "scratch" or _TEMPLATE.search(stage.base_raw):
            continue
        if "$" in stage.base_raw and _unresolved(stage.base_raw, df.global_args):
            continue
        if _local(base) or _VERSIONED_PATH.search(base.rsplit(":", 1)[0] if _tag(base) else base):
            continue
        tag = _tag(base)
        if tag not in (None, "latest"):
            continue
        name = f"`{stage.base_raw}`" + ("" if base == stage.base_raw else f" (`{base}`)")
        what = "has no tag, so it means `latest`" if tag is None else "uses the moving `latest` tag"
        repo = base if tag is None else base[: -len(":latest")]
        instr = stage.from_instruction
        span = word_spans(df, instr, [[*instr.flags, stage.base_raw]])[0][-1]
        line, col, end_line, end_col = span or (instr.line, instr.column, instr.end_line, instr.end_column)
        yield Problem(
            line,
            col,
            f"base image {name} {what}; pin a version tag (`{repo}:X.Y`), and a digest for full reproducibility",
            end_line=end_line,
            end_column=end_col,
            stage=stage.label,
        )
