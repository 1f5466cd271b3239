r"""
## What it does
Flags a `RUN` that runs `apt-get update` (or `apt update`) but does not remove
`/var/lib/apt/lists` in the same `RUN` (`rm -rf /var/lib/apt/lists/*`, or `find` on it
with `-delete` or `-exec`). A `RUN` with a
cache or tmpfs mount on `/var/lib/apt` or `/var/lib/apt/lists` is clean: the lists
never reach the layer.

Checked: the stage being built, the stages it is built `FROM`, and stages it copies
whole (`COPY --from=build / /`, the way images are flattened), with their own parents:
their files are the image. A stage used only through `COPY --from` of some paths hands
over just those paths, so its apt lists never reach the image.

## Why is this bad?
The package lists `apt-get update` downloads stay in the layer: 19 MB for Debian 12
(bookworm and bookworm-updates, main), more with extra components or repositories. Removing them in a later
`RUN` does not help, because the earlier layer still carries them. Stale lists in an
image also make a later `apt-get install` fail or install outdated versions.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
USER 1000
```

## When to ignore
Nothing needs ignoring.

## Fix
Safe: ends the `RUN` with `&& rm -rf /var/lib/apt/lists/*` (on a new continuation line
when the `RUN` spans lines; as a last line of a heredoc script). A `RUN` whose script
ends in an operator or a comment is left for you to edit.

## Options
None.
"""

from mldocklint.target import mount_targets
from mldocklint.syntax.shell import apt_command, program

ID = "ML104"
SLUG = "apt-lists-kept"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "apt lists are not removed in the RUN that runs apt-get update"
FIX = "safe"

_LISTS = ("/var/lib/apt/lists", "/var/lib/apt")


def _removes_lists(cmds: list[list[str]]) -> bool:
    for words in cmds:
        prog = program(words[0])
        deletes = prog == "rm" or (prog == "find" and ("-delete" in words or "-exec" in words))
        if deletes and any(w.rstrip("*").rstrip("/") in _LISTS for w in words[1:]):
            return True
    return False


def _cached(instr) -> bool:
    return any(t.rstrip("/") in _LISTS for t in mount_targets(instr, ("cache", "tmpfs")))


def check(target, options):
    for stage in target.image_stages():
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            cmds = target.commands(instr)
            for ci, words in enumerate(cmds):
                sub = apt_command(words)
                if sub is None or words[sub] != "update":
                    continue
                if not _removes_lists(cmds) and not _cached(instr):
                    yield target.problem_at_word(
                        instr,
                        ci,
                        sub,
                        f"`{words[0]} update` leaves the package lists in this layer; "
                        "end the RUN with `&& rm -rf /var/lib/apt/lists/*`",
                        stage=stage.label,
                    )
                break
