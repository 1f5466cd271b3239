"""
## What it does
Reads every requirements source the image installs from the build context (`pip install -r
FILE` and the files it includes with `-r`, `pyproject.toml` `[project.dependencies]` for
`pip install .`, conda and pip dependencies of an `environment.yml`) and flags each entry
that is not pinned to one version: `==`/`===` for pip (a pin in a `-c` constraints file
counts), `name=version` or `name==version` for conda, a full 40-character commit for a VCS
reference. The finding points at the entry in its file.

## Why is this bad?
`pandas>=2.0` installs whatever is newest on the day of the build: two builds of the same
commit can ship different libraries, and a model pickled with scikit-learn 1.3 can fail to
load, or silently predict differently, under 1.4. A branch or tag of a git dependency moves
the same way.

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
# requirements.txt holds `pandas>=2.0`
RUN pip install --no-cache-dir -r requirements.txt
```

```text
requirements.txt: pandas>=2.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
# requirements.txt holds `pandas==2.1.4`
RUN pip install --no-cache-dir -r requirements.txt
```

```text
requirements.txt: pandas==2.1.4
```

## When to ignore
Libraries meant to be installed into many environments, whose image builds deliberately
test the newest dependencies.

## Fix
None: choose the versions you tested, e.g. from `pip freeze`.

## Options
None.
"""

ID = "ML201"
SLUG = "unpinned-requirement"
CATEGORY = "dependencies"
SEVERITY = "warning"
SUMMARY = "A requirements entry is not pinned to one version"
FIX = "none"
NEEDS_CONTEXT = True

from mldocklint.model import Problem  # noqa: E402


def check(target, options):
    ctx = target.context
    seen = set()
    for src in ctx.requirements:
        for e in src.entries:
            if e.pinned or e.local or not e.valid or (e.name and e.name in src.constraint_pins):
                continue
            where = (e.path, e.line, e.column)
            if where in seen:
                continue
            seen.add(where)
            how = "`name=version`" if e.kind == "conda" else ("a full commit hash" if "+" in e.text.split("://")[0] else "`==`")
            path = ctx.shown(e.path)
            yield Problem(e.line, e.column, f"`{e.text}` in {path} is not pinned to one version; pin it with {how}", end_line=e.line, end_column=e.end_column, path=path, key=e.text)
