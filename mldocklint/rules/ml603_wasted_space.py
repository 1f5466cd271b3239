r"""
## What it does
Finds bytes that a layer adds and a later layer deletes or overwrites (whiteouts, opaque
directories and files replaced by a later layer are all counted exactly), and flags the
image when they add up to more than a threshold. The message names the largest paths and
the layers involved; with `--dockerfile` the finding points at the instruction that added
the largest of them.

## Why is this bad?
Deleting a file in a later layer hides it but does not remove it: its bytes are still
downloaded and stored with the image. `RUN rm -rf /root/.cache` after a `pip install`
layer saves nothing; a 2 GB checkpoint copied in and deleted later still weighs 2 GB.

## Example
```dockerfile
FROM python:3.11-slim
COPY model.tar.gz /tmp/
RUN tar -xzf /tmp/model.tar.gz -C /models
RUN rm /tmp/model.tar.gz
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN --mount=type=bind,source=model.tar.gz,target=/tmp/model.tar.gz \
    mkdir -p /models && tar -xzf /tmp/model.tar.gz -C /models
```

## When to ignore
Base images you do not control whose own layers overwrite each other.

## Fix
None: create and delete temporary files in the same `RUN`, use bind or cache mounts, or
copy only the results out of a build stage.

## Options
- `min-mb` (default 10): report when more than this many MB (10^6 bytes) are wasted.
"""

from mldocklint.units import human

ID = "ML603"
SLUG = "wasted-space"
CATEGORY = "image"
SEVERITY = "warning"
SUMMARY = "Bytes added by one layer and deleted or overwritten by a later one"
FIX = "none"
SCOPE = "image"
OPTIONS = {"min-mb": 10}


def check(target, options):
    facts = target.facts
    if facts.wasted <= options["min-mb"] * 1e6 or not facts.top_wasted:
        return
    top = facts.top_wasted[0]
    paths = ", ".join(
        f"/{w.path} ({human(w.size)}, added in layer {'/'.join(map(str, w.added_in))}, {w.how} in layer {w.removed_in})"
        for w in facts.top_wasted[:3]
    )
    yield target.at_layer(
        top.added_in[-1],
        f"{human(facts.wasted)} are deleted or overwritten by later layers but still shipped: {paths}; "
        "remove temporary files in the RUN that creates them",
    )
