"""
## What it does
Checks that the stage being built (the last one, or `--target`) switches to a non-root
user: it fires when no `USER` is set in the stage or the stages it is built `FROM`, or
when the last `USER` is `root`, `0` or `0:0`.

## Why is this bad?
A process running as root inside a container is root on the host's kernel: a remote code
execution in a model server (unsafe pickle loading, a vulnerable image library) becomes a
root shell one container escape away from the node. Kubernetes clusters with the
`restricted` Pod Security Standard refuse to run such images at all.

## Example
```dockerfile
FROM python:3.11-slim
COPY app.py .
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN useradd --create-home --uid 1000 modeluser
COPY app.py .
USER modeluser
CMD ["python", "app.py"]
```

Base images known to run as a non-root user already (`mambaorg/micromamba` as
`$MAMBA_USER`, Jupyter's docker-stacks images as `jovyan`, distroless `:nonroot` tags,
Chainguard images, Bitnami images, `rayproject/ray` as `ray`) count as non-root when no later `USER root` undoes it.

## When to ignore
Images whose base image already sets a non-root user and is not in the list above (`USER`
in the parent image is not visible in this file), or build-only images that are never run.

## Fix
Unsafe: adds a `modeluser` account and `USER modeluser` before `CMD`; files the process
must write to may need a `chown`.

## Options
None.
"""

from mldocklint.model import Problem

ID = "ML302"
SLUG = "root-user"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "The image runs as root"
FIX = "unsafe"
ALIASES = ("DL3002",)

_ROOT = ("root", "0", "0:0", "root:root", "root:0", "0:root")
# Base images whose own config sets a non-root USER.
_NONROOT_BASES = ("mambaorg/micromamba", "jupyter/", "quay.io/jupyter/", "cgr.dev/chainguard/", "bitnami/", "docker.io/bitnami/", "rayproject/ray")


def nonroot_base(image: str) -> bool:
    """Whether ``image``'s own configuration sets a non-root USER."""
    image = image.lower().removeprefix("docker.io/")
    if image.startswith("gcr.io/distroless/"):
        return image.rsplit(":", 1)[-1].startswith("nonroot") or ":nonroot" in image or "-nonroot" in image
    return image.startswith(_NONROOT_BASES)


def check(target, options):
    stage = target.final
    user = target.last("USER", stage)
    if user is None:
        if nonroot_base(target.dockerfile.root_base(stage)):
            return
        yield Problem.at(
            stage.from_instruction,
            "no USER in the final stage: the container runs as root; add a non-root user and `USER` it",
            stage=stage.label,
        )
    elif user.value and user.value[0].strip().lower() in _ROOT:
        yield Problem.at(user, f"`USER {user.value[0]}` runs the container as root; switch to a non-root user", stage=stage.label)
