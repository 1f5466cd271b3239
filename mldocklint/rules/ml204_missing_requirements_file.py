"""
## What it does
Checks that each requirements file the image installs (`pip install -r FILE`, `-c FILE`,
`pip install .` with its `pyproject.toml`, `conda env create -f environment.yml`, and files
those include with `-r`/`-c`) is present in the build context and not excluded by
`.dockerignore`. Files are traced through `WORKDIR`, `COPY`/`ADD` and `RUN --mount=type=bind`
to the context path they come from. A requirements file that no `COPY`, `ADD` or bind mount
brings into the image is flagged too, unless something before the install may fetch or write
it (`git`, `curl`, `cd`, a `COPY --from`, ...). So is a requirements file that is a FIFO,
socket or device file in the context. The finding points at the file name in the `RUN`, or
at the include line in the requirements file.

When the context is only assumed (the Dockerfile's folder: no `--context`, configuration or
build file named it), a missing file is reported as not in the assumed context, with how to
set the real one; "the build fails" is said only of a context that is known.

## Why is this bad?
The build fails: `COPY` cannot find the file, or pip stops with "Could not open
requirements file". An include that points outside the context (`-r ../../common.txt`)
cannot be sent to the builder at all.

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR /app
# requirements/ is listed in .dockerignore
COPY . .
RUN pip install --no-cache-dir -r requirements/prod.txt
```

```text
.dockerignore: requirements/
requirements/prod.txt: flask==3.0.3
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY requirements/prod.txt requirements/prod.txt
RUN pip install --no-cache-dir -r requirements/prod.txt
```

```text
requirements/prod.txt: flask==3.0.3
```

## When to ignore
Files generated inside the image by an earlier `RUN` under the same path.

## Fix
None: add the file to the context, or remove its pattern from `.dockerignore`.

## Options
None.
"""

ID = "ML204"
SLUG = "missing-requirements-file"
CATEGORY = "dependencies"
SEVERITY = "error"
SUMMARY = "A requirements file the build installs is missing from the context"
FIX = "none"
NEEDS_CONTEXT = True

from mldocklint.model import Problem  # noqa: E402
from mldocklint.rules._context_common import ASSUMED, at_word  # noqa: E402

_ADD = ": the build fails here; add it to the context"
_WHY = {
    "missing": "is not in {where}" + _ADD,
    "excluded": "is excluded by {ignore}" + _ADD,
    "outside": "is outside {where}" + _ADD,
    "special": "is not a regular file (a FIFO, socket or device): pip cannot read requirements from it; make it a regular file",
    "uncopied": "is not copied or mounted into the image before this install: the build fails here; COPY it first",
}


def check(target, options):
    ctx = target.context
    df = target.dockerfile
    seen = set()
    for src in ctx.requirements:
        if src.state in ("ok", "legacy") or (id(src.instruction), src.word) in seen:
            continue
        seen.add((id(src.instruction), src.word))
        if src.state in ("missing", "outside") and not ctx.known:
            why = f"is not in {ctx.where()}" + ASSUMED
        else:
            why = _WHY[src.state].format(ignore=ctx.dockerignore or ".dockerignore", where=ctx.where())
        shown = f" (context path {src.path})" if src.path and src.path != src.word else ""
        yield at_word(df, src.instruction, src.word, f"{src.word}{shown} {why}", key=src.word)
    for p in ctx.problems:
        if p.kind == "requirements":
            path = ctx.shown(p.path)
            yield Problem(p.line, p.column, p.message, end_line=p.line, end_column=p.end_column, path=path, key=p.message)
