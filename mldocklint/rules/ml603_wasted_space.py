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
- `lowest-efficiency` (default 0, off): report when the image's efficiency, the share of the
  bytes its layers add that are still in the final file system (1 - wasted / size), is below
  this ratio. dive's `.dive-ci` `lowestEfficiency`.
- `highest-wasted-bytes` (default 0, off): report when this many bytes or more are wasted.
  dive's `highestWastedBytes`.
- `highest-user-wasted-percent` (default 0, off): report when the wasted bytes are this ratio
  or more of the bytes added by the layers above the base layer. dive's
  `highestUserWastedPercent`.

When any of the last three is set, they decide and `min-mb` is not used. `mldocklint image`
reads them from a `.dive-ci` file in the current directory (`rules:` with dive's keys, values
as dive writes them: ratios, sizes such as `20MB`, or `disabled`) when no configuration sets
them and `--isolated` is not given.
"""

from mldocklint.units import human

ID = "ML603"
SLUG = "wasted-space"
CATEGORY = "image"
SEVERITY = "warning"
SUMMARY = "Bytes added by one layer and deleted or overwritten by a later one"
FIX = "none"
SCOPE = "image"
OPTIONS = {"min-mb": 10, "lowest-efficiency": 0.0, "highest-wasted-bytes": 0, "highest-user-wasted-percent": 0.0}
CI_OPTIONS = ("lowest-efficiency", "highest-wasted-bytes", "highest-user-wasted-percent")


def _ci_failures(facts, options) -> list[str] | None:
    """What dive's CI thresholds say about the image; None when none is set."""
    lowest, most, user_most = (options[k] for k in CI_OPTIONS)
    if not (lowest or most or user_most):
        return None
    out = []
    efficiency = 1 - facts.wasted / facts.size if facts.size else 1.0
    if lowest and efficiency < lowest:
        out.append(f"efficiency {efficiency:.1%} is below lowest-efficiency {lowest:.1%}")
    if most and facts.wasted >= most:
        out.append(f"at least highest-wasted-bytes {human(most)}")
    user = facts.size - (facts.layers[0].size if facts.layers else 0)
    if user_most and user > 0 and facts.wasted / user >= user_most:
        out.append(f"{facts.wasted / user:.1%} of the bytes above the base layer, at least highest-user-wasted-percent {user_most:.1%}")
    return out


def check(target, options):
    facts = target.facts
    failures = _ci_failures(facts, options)
    if not facts.top_wasted or (failures is None and facts.wasted <= options["min-mb"] * 1e6) or failures == []:
        return
    why = f" ({'; '.join(failures)})" if failures else ""
    top = facts.top_wasted[0]
    paths = ", ".join(
        f"/{w.path} ({human(w.size)}, added in layer {'/'.join(map(str, w.added_in))}, {w.how} in layer {w.removed_in})"
        for w in facts.top_wasted[:3]
    )
    yield target.at_layer(
        top.added_in[-1],
        f"{human(facts.wasted)} are deleted or overwritten by later layers but still shipped{why}: {paths}; "
        "remove temporary files in the RUN that creates them",
    )
