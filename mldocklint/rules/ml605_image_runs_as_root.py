"""
## What it does
Reads the user a built image runs as (`Config.User`) and flags the image when it is
empty, `root`, `0` or `0:0`. Unlike ML302 this sees the user set by the base image too.

## Why is this bad?
A process running as root inside a container is root on the host's kernel: a remote code
execution in a model server (unsafe pickle loading, a vulnerable image library) becomes a
root shell one container escape away from the node. Kubernetes clusters with the
`restricted` Pod Security Standard refuse to run such images.

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

## When to ignore
Build-only images that are never run, and images always started with `--user`.

## Fix
None: add a non-root user and `USER` it in the Dockerfile.

## Options
None.
"""

from mldocklint.rules.ml302_root_user import _ROOT

ID = "ML605"
SLUG = "image-runs-as-root"
CATEGORY = "image"
SEVERITY = "error"
SUMMARY = "The built image runs as root"
FIX = "none"
SCOPE = "image"


def check(target, options):
    user = target.facts.user.strip()
    if not user:
        yield target.at_image("the image sets no user, so it runs as root; add a non-root user and `USER` it")
    elif user.lower() in _ROOT:
        yield target.at_keyword("USER", f"the image runs as `{user}`, which is root; switch to a non-root user", needle=user)
