"""
## What it does
Flags an `ADD` whose sources are local files or directories that are not archives (and not
URLs). hadolint's DL3020.

## Why is this bad?
`ADD` does more than copy: it extracts local tar archives and fetches URLs. For plain files
`COPY` says what happens; with `ADD`, renaming a file to `weights.tar.gz` later silently
changes the result into an extracted directory.

## Example
```dockerfile
FROM python:3.11-slim
ADD requirements.txt /app/
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
COPY requirements.txt /app/
USER 1000
```

## When to ignore
Never needed.

## Fix
Safe: `ADD` becomes `COPY` when every source is a local file that is not an archive and
every flag is one `COPY` takes (`--chown`, `--chmod`, `--link`).

## Options
None.
"""

from mldocklint.rules._correctness import at_keyword
from mldocklint.target import dequote

ID = "ML024"
SLUG = "add-local-files"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "ADD of local files that are not archives"
FIX = "safe"
ALIASES = ("DL3020",)
# the archive suffixes hadolint knows (src/Hadolint/Rule.hs archiveFileFormatExtensions)
ARCHIVES = (".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz", ".txz", ".xz")
REMOTE = ("http://", "https://", "git@")


def check(target, options):
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword != "ADD" or instr.heredocs or len(instr.value) < 2:
                continue
            local = [s for s in map(dequote, instr.value[:-1]) if not s.startswith(REMOTE) and not s.endswith(ARCHIVES)]
            if local:
                yield at_keyword(target.dockerfile, instr, f"ADD of `{local[0]}`, which is not an archive or a URL: use COPY, which only copies", stage=stage.label)
