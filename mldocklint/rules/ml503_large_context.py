"""
## What it does
Adds up the files the build context would send after `.dockerignore` and flags a context
larger than `max-mb`, naming its largest entries.

## Why is this bad?
The whole context is transferred to the builder before the first step, on every build:
at a typical 100 MB/s a 5 GB context costs close to a minute each time, and much more on a
remote builder or in CI.

## Example
```dockerfile
# the directory holds a 2 GB checkpoint that .dockerignore does not exclude
FROM python:3.11-slim
COPY app.py /app/
```

```text
.dockerignore: .git/
checkpoints/epoch-10.ckpt (2 GB)
app.py
```

## Use instead
```dockerfile
# .dockerignore excludes checkpoints/
FROM python:3.11-slim
COPY app.py /app/
```

```text
.dockerignore: .git/
.dockerignore: checkpoints/
checkpoints/epoch-10.ckpt (2 GB)
app.py
```

## When to ignore
Images that really need large files from the context; raise `max-mb` for them.

## Fix
None: exclude what the build does not use in `.dockerignore`.

## Options
`max-mb` (default 500): the largest context, in MB, that is not flagged.
"""

ID = "ML503"
SLUG = "large-context"
CATEGORY = "context"
SEVERITY = "warning"
SUMMARY = "The build context is larger than the size budget"
FIX = "none"
NEEDS_CONTEXT = True
OPTIONS = {"max-mb": 500}

from mldocklint.model import Problem  # noqa: E402
from mldocklint.rules._context_common import top  # noqa: E402
from mldocklint.units import MB, human  # noqa: E402


def check(target, options):
    ctx = target.context
    sent = ctx.sent()
    total = sum(sent.values())
    if total <= float(options["max-mb"]) * MB:
        return
    entries: dict[str, int] = {}
    for path, n in sent.items():
        head = path.split("/", 1)[0] + ("/" if "/" in path else "")
        entries[head] = entries.get(head, 0) + n
    more = " (or more: the walk stopped early)" if ctx.truncated else ""
    yield Problem(1, 1, f"the build context sends {human(total)}{more}, over the {options['max-mb']} MB budget; largest: {top(entries)}; exclude what the build does not use in .dockerignore")
