"""
## What it does
Flags a `HEALTHCHECK` that runs `curl` or `wget` when the image being built has no such
program: no step of the stage or the stages it is built `FROM` installs it (`apt-get`,
`apt`, `apk`, `yum`, `dnf`, `microdnf`, `conda`/`mamba`/`micromamba install`, or a
`COPY`/`ADD` of a file named `curl`/`wget`), and the base image is known to lack it:

| base image | curl | wget |
|---|---|---|
| `python:*-slim*`, `debian:*-slim` | missing | missing |
| `python:*-alpine*`, `alpine` | missing | busybox `wget` |
| `gcr.io/distroless/*`, `cgr.dev/chainguard/*`, `scratch` | missing | missing |

The docker-library `python:*-slim` Dockerfiles install only `ca-certificates`, `netbase`
and `tzdata` at run time (`wget` is used to download the sources and purged in the same
step); Debian's slim images carry no download tool; Alpine's busybox provides `wget`
but not `curl`; distroless images carry no shell or package manager at all. Other base
images (`python:3.11`, which is built on `buildpack-deps` and has both, CUDA images,
custom bases) are not judged. A stage the image copies whole (`COPY --from=build / /`)
counts with its base image and its steps. The finding points at the tool in the
`HEALTHCHECK`.

## Why is this bad?
The health check fails on every run with "curl: not found" (exit 127), so after its
retries Docker marks the container `unhealthy`: Swarm replaces it in a loop, Compose
services that wait for `service_healthy` never start, and the real state of the server
is never checked.

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
EXPOSE 8000
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
EXPOSE 8000
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
```

## When to ignore
A base image that is not what its name says (a private `python:3.11-slim` mirror with
curl added), or a tool installed by a script the rule cannot see (`RUN ./setup.sh`).

## Fix
None: install the tool in the final stage, or check health with what the image has
(`python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"`).

## Options
None.
"""

import re

from mldocklint.syntax.image_ref import image_parts
from mldocklint.target import copy_sources, known_root_base
from mldocklint.syntax import shell

ID = "ML308"
SLUG = "healthcheck-tool-missing"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "HEALTHCHECK uses curl or wget that the image does not have"
FIX = "none"

_TOOLS = ("curl", "wget")


def missing_tools(image: str) -> frozenset[str]:
    """The download tools a known base image lacks (empty when the image is not known)."""
    repo, tag = image_parts(image)
    if repo == "scratch" or repo.startswith(("gcr.io/distroless/", "cgr.dev/chainguard/")):
        return frozenset(_TOOLS)
    if repo == "alpine" or (repo == "python" and "alpine" in tag):
        return frozenset(("curl",))
    if (repo == "python" and "slim" in tag) or (repo == "debian" and tag.endswith("-slim")):
        return frozenset(_TOOLS)
    return frozenset()


def _installed(target, tool: str) -> bool:
    pkg = re.compile(rf"{tool}([=<>:].*)?")
    for stage in target.image_stages():
        for instr in stage.instructions:
            if instr.keyword in ("COPY", "ADD") and instr.value:
                names = [*instr.value[:-1], instr.value[-1]] if instr.flag("from") is not None else [*copy_sources(instr), instr.value[-1]]
                if any(shell.program(n.rstrip("/")) == tool for n in names):
                    return True
            if instr.keyword != "RUN":
                continue
            for words in target.commands(instr):
                found = shell.package_command(words)
                if found and found[1] == "install" and any(pkg.fullmatch(p) for _, p in found[2]):
                    return True
    return False


def check(target, options):
    stage = target.final
    hc = target.last("HEALTHCHECK", stage)
    if hc is None or not hc.value or hc.value[0].upper() != "CMD":
        return
    df = target.dockerfile
    base = known_root_base(df, stage)
    # a tool is missing when every base image whose files are in the image lacks it
    roots = [known_root_base(df, s) for s in target.image_stages() if s.parent is None]
    missing = frozenset.intersection(*(missing_tools(b) if b else frozenset() for b in roots))
    if not missing:
        return
    seen = set()
    for ci, words in enumerate(target.commands(hc)):
        tool = shell.program(words[0])
        if tool in missing and tool not in seen and not _installed(target, tool):
            seen.add(tool)
            yield target.problem_at_word(
                hc,
                ci,
                0,
                f"the HEALTHCHECK runs `{tool}`, which {base} does not have and no step installs; "
                f"install it or check health with `python -c` and urllib",
                stage=stage.label,
            )
