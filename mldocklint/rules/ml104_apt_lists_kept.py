r"""
## What it does
Flags a `RUN` that runs `apt-get update` (or `apt update`) but does not remove
`/var/lib/apt/lists` in the same `RUN` (`rm -rf /var/lib/apt/lists/*`, or `find` on it
with `-delete` or `-exec`, or a cleanup script such as `clean-layer.sh` run in the same
`RUN`). A `RUN` with a
cache or tmpfs mount on `/var/lib/apt` or `/var/lib/apt/lists` is clean: the lists
never reach the layer.

Checked: the stage being built, the stages it is built `FROM`, and stages it copies
whole (`COPY --from=build / /`, the way images are flattened), with their own parents:
their files are the image. A stage used only through `COPY --from` of some paths hands
over just those paths, so its apt lists never reach the image.

When the `RUN` only updates and a later `RUN` installs with those lists, the message says to
merge the two: removing the lists in the update `RUN` would make the install fail.

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
when the `RUN` spans lines; as a last line of a heredoc script). When a later `RUN` installs
with the lists, that would break the install: an update-only `RUN` directly followed by the
install `RUN` (no flags, comments or heredocs) is merged into it instead, and the removal is
added to the merged `RUN`; otherwise nothing is changed. A `RUN` whose script ends in an
operator or a comment is left for you to edit.

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.syntax.shell import apt_command, program
from mldocklint.target import mount_targets

ID = "ML104"
SLUG = "apt-lists-kept"
CATEGORY = "build"
SEVERITY = "warning"
SUMMARY = "apt lists are not removed in the RUN that runs apt-get update"
FIX = "safe"
ALIASES = ("DL3009",)

_LISTS = ("/var/lib/apt/lists", "/var/lib/apt")


_CLEANUP_SCRIPT = lazyre.compile(r"[\w.-]*clean[\w.-]*")  # clean-layer.sh, cleanup.sh, /usr/local/bin/clean


_BRACE = lazyre.compile(r"\{([^{}]*,[^{}]*)\}")


def _braces(word: str) -> list[str]:
    """The words a shell brace expansion makes: ``/var/lib/{apt,dpkg}`` -> ``/var/lib/apt``, ``/var/lib/dpkg``."""
    m = _BRACE.search(word)
    if m is None:
        return [word]
    return [x for part in m.group(1).split(",") for x in _braces(word[: m.start()] + part + word[m.end() :])]


def _removes_lists(cmds: list[list[str]]) -> bool:
    for words in cmds:
        prog = program(words[0])
        if prog not in ("apt-get", "apt", "conda", "mamba", "micromamba", "pip", "pip3") and _CLEANUP_SCRIPT.fullmatch(prog):
            return True  # a project's cleanup script, run in the same RUN
        deletes = prog == "rm" or (prog == "find" and ("-delete" in words or "-exec" in words))
        if deletes and any(p.rstrip("*").rstrip("/") in _LISTS for w in words[1:] for p in _braces(w)):
            return True
    return False


def _cached(instr) -> bool:
    return any(t.rstrip("/") in _LISTS for t in mount_targets(instr, ("cache", "tmpfs")))


def _apt(cmds: list[list[str]], sub: str) -> bool:
    return any((k := apt_command(w)) is not None and w[k] == sub for w in cmds)


def later_installs(target, stage) -> dict:
    """For each RUN of ``stage`` (and the stages built FROM it), by id: the first RUN after it that
    installs with the lists it downloaded (an apt install not preceded by its own update), if any;
    cached (the fixer asks for each finding)."""
    return target.memo(("later_installs", stage.index), _later_installs, stage)


def _later_installs(target, stage) -> dict:
    found: dict = {}
    pending = None
    for i in reversed(target.effective(stage)):
        if i.keyword != "RUN":
            continue
        found[id(i)] = pending
        for words in target.commands(i):
            k = apt_command(words)
            if k is not None and words[k] in ("update", "install"):
                pending = i if words[k] == "install" else None
                break
    return found


def check(target, options):
    for stage in target.image_stages():
        later_of = None
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            cmds = target.commands(instr)
            for ci, words in enumerate(cmds):
                sub = apt_command(words)
                if sub is None or words[sub] != "update":
                    continue
                if not _removes_lists(cmds) and not _cached(instr):
                    if later_of is None:
                        later_of = later_installs(target, stage)
                    later = later_of.get(id(instr))
                    if later is None:
                        advice = "end the RUN with `&& rm -rf /var/lib/apt/lists/*`"
                    elif not _apt(cmds, "install"):
                        advice = f"merge it with the install RUN on line {later.line} and end that RUN with `&& rm -rf /var/lib/apt/lists/*`"
                    else:
                        advice = f"the RUN on line {later.line} installs with these lists: move its install here, then end this RUN with `&& rm -rf /var/lib/apt/lists/*`"
                    yield target.problem_at_word(instr, ci, sub, f"`{words[0]} update` leaves the package lists in this layer; {advice}", stage=stage.label)
                break
