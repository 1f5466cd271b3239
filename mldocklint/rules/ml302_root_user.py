"""
## What it does
Checks that the stage being built (the last one, or `--target`) switches to a non-root
user: it fires when no `USER` is set in the stage or the stages it is built `FROM`, or
when the last `USER` is `root`, `0` or `0:0`.

It judges `serving`, `job` and `unknown` images, always as an error: a server or a job
runs unattended with inputs from elsewhere (requests, checkpoints, datasets). An `unknown`
image with no `CMD` or `ENTRYPOINT` of its own is not judged: it is an environment that
others run commands in (a cluster or CI toolbox), and whoever runs it chooses the user. It does not
judge `development` and `test` images, which run interactively or in CI with the sources
mounted and need root to install what the session needs, nor `base` images, whose `USER`
would only make the `RUN`s of the images built `FROM` them fail: the image that is
finally run sets the user.

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
Chainguard images, Bitnami images, `nginxinc/nginx-unprivileged`, `rayproject/ray` as `ray`) count as non-root when no
later `USER root` undoes it. AWS Lambda function images (a `public.ecr.aws/lambda/*` base, a base named
for Lambda whose `CMD` is a handler such as `app.lambda_handler`, or `awslambdaric` as the
entry point) are not judged: Lambda runs every image as its own
non-root user.

## When to ignore
Images whose base image already sets a non-root user and is not in the list above (`USER`
in the parent image is not visible in this file). For a development, test or base image
whose role is not recognised, say it: `# mldocklint: role=development`.

## Fix
Unsafe: adds a `modeluser` account and `USER modeluser` before `CMD`; files the process
must write to may need a `chown`.

## Options
None.
"""

import re

from mldocklint import lazyre
from mldocklint.model import Problem

ID = "ML302"
SLUG = "root-user"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "The image runs as root"
FIX = "unsafe"
ALIASES = ("DL3002",)
ROLES = ("serving", "job", "unknown")

_ROOT = ("root", "0", "0:0", "root:root", "root:0", "0:root")
# Base images whose own config sets a non-root USER.
_NONROOT_BASES = (
    "mambaorg/micromamba", "jupyter/", "quay.io/jupyter/", "cgr.dev/chainguard/", "bitnami/", "docker.io/bitnami/",
    "nginxinc/nginx-unprivileged",  # https://hub.docker.com/r/nginxinc/nginx-unprivileged (runs as uid 101)
    "rayproject/ray",  # https://hub.docker.com/r/rayproject/ray (the images run as user `ray`, with password-less sudo)
)
# AWS Lambda runs every container image as its own non-root user, whatever the image says:
# https://docs.aws.amazon.com/lambda/latest/dg/images-create.html ("Lambda ... runs as a default Linux user with least-privileged permissions")
_LAMBDA = ("public.ecr.aws/lambda/", "amazon/aws-lambda-")


def nonroot_base(image: str) -> bool:
    """Whether ``image``'s own configuration sets a non-root USER."""
    image = image.lower().removeprefix("docker.io/")
    if image.startswith("gcr.io/distroless/"):
        return image.rsplit(":", 1)[-1].startswith("nonroot") or ":nonroot" in image or "-nonroot" in image
    return image.startswith(_NONROOT_BASES)


_HANDLER = lazyre.compile(r"[\w.]+\.\w*handler", re.IGNORECASE)  # CMD ["app.lambda_handler"]: a Lambda handler name


def _lambda(target, stage) -> bool:
    """An AWS Lambda function image: a Lambda base image (or one named for Lambda whose CMD
    is a handler name), or the Lambda runtime client as the entry point."""
    base = target.dockerfile.root_base(stage).lower()
    words = target.entrypoint_words(stage)
    if base.startswith(_LAMBDA) or "awslambdaric" in words[:3]:
        return True
    return "lambda" in base and len(words) == 1 and _HANDLER.fullmatch(words[0]) is not None


def check(target, options):
    stage = target.final
    if target.role.name == "unknown" and target.last("CMD", stage) is None and target.last("ENTRYPOINT", stage) is None:
        return
    if _lambda(target, stage):
        return
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
