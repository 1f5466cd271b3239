"""
## What it does
Reads every requirements source the image installs from the build context (`pip install -r
FILE` and the files it includes with `-r`, `pyproject.toml` `[project.dependencies]` for
`pip install .`, conda and pip dependencies of an `environment.yml`) and flags the entries
that are not pinned to one version: `==`/`===` for pip (a pin in a `-c` constraints file
counts), `name=version` or `name==version` for conda, a full 40-character commit for a VCS
reference. One finding per file, at its first unpinned entry, listing the first few and how
many there are. A library's `pyproject.toml` whose dependencies are ranges is one cause: the
image installs from ranges without a lock or constraints file. Installs with a constraints
file from `PIP_CONSTRAINT` (set by `ENV`, `ARG` or pip's configuration) are not flagged.

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

SHOWN = 3  # entries named in a message


def check(target, options):
    ctx = target.context
    files: dict[str, list] = {}  # path -> [kind, entries]
    seen = set()
    constrained = {id(p.instr) for p in target.installs() if p.setting("--constraint")} if ctx.requirements else set()
    for src in ctx.requirements:
        if id(src.instruction) in constrained:
            continue
        for e in src.entries:
            if e.pinned or e.local or not e.valid or (e.name and e.name in src.constraint_pins):
                continue
            where = (e.path, e.line, e.column)
            if where in seen:
                continue
            seen.add(where)
            files.setdefault(e.path, [src.kind if e.path == src.path else "requirements", []])[1].append(e)
    for path, (kind, entries) in files.items():
        shown = ctx.shown(path)
        entries.sort(key=lambda e: (e.line, e.column))
        first = entries[0]
        listed = ", ".join(f"`{e.text}`" for e in entries[:SHOWN]) + (f" and {len(entries) - SHOWN} more" if len(entries) > SHOWN else "")
        if kind == "pyproject":
            message = (
                f"the image installs {shown}'s dependencies from ranges ({listed}) without a lock or constraints file; "
                "install with a constraints file (`pip install -c constraints.txt .`) or from a lock (`uv sync --locked`, `poetry install`)"
            )
        else:
            how = "`name=version`" if first.kind == "conda" else ("a full commit hash" if "+" in first.text.split("://")[0] else "`==`")
            if len(entries) == 1:
                message = f"`{first.text}` in {shown} is not pinned to one version; pin it with {how}"
            else:
                message = f"{len(entries)} entries in {shown} are not pinned to one version: {listed}; pin them with {how}"
        yield Problem(first.line, first.column, message, end_line=first.line, end_column=first.end_column, path=shown, key=" ".join(e.text for e in entries))
