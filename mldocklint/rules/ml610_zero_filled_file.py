"""
## What it does
Reports files of a built image whose content is all zero bytes, over a size threshold, in
any layer (a file deleted by a later layer is still shipped). Files are checked while each
layer is streamed, without storing them. The message names the path, its size and the layer,
and the usual cause.

## Why is this bad?
Image layers store a file's bytes in full, holes included: a sparse file that takes no
room on disk takes its whole size in the image, and every node pulls it. The usual causes:

- `useradd` with a high UID and without `-l` (`--no-log-init`) writes `/var/log/lastlog`
  (and `/var/log/faillog`) as sparse files sized by the UID: a UID of 100000000 gives a
  file of about 29 GB in the layer;
- preallocated files (`fallocate`, `truncate -s`, `dd if=/dev/zero`), such as a swap file
  or a scratch file created at build time.

## Example
```dockerfile
FROM python:3.11-slim
RUN useradd -u 1000000000 app
USER app
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN useradd -l -u 1000000000 app
USER app
```

## When to ignore
A file that must exist with its size in the image (a disk image used by tests, for instance).

## Fix
None: pass `-l` to `useradd`, and create preallocated files at run time.

## Options
- `min-mb` (default 10): report files over this many MB (10^6 bytes).
"""

from mldocklint.units import human

ID = "ML610"
SLUG = "zero-filled-file"
CATEGORY = "image"
SEVERITY = "warning"
SUMMARY = "A large file of zero bytes is stored in a layer"
FIX = "none"
SCOPE = "image"
OPTIONS = {"min-mb": 10}

_LOGS = ("/var/log/lastlog", "/var/log/faillog")


def _cause(path: str) -> str:
    if path in _LOGS:
        return "`useradd` with a high UID and without `-l` writes this sparse log, which the layer stores in full; use `useradd -l`"
    return "a preallocated file (`fallocate`, `truncate -s`, `dd if=/dev/zero`) is stored in full; create it at run time"


def check(target, options):
    for z in target.facts.zero_files:
        if z.size > options["min-mb"] * 1e6:
            yield target.at_layer(z.layer, f"a {human(z.size)} file of zeros: {z.path} (layer {z.layer}); {_cause(z.path)}")
