"""
## What it does
Flags a built image that serves (its command starts a web or inference server, or it
exposes a port) but whose config has no healthcheck. Where the source cannot carry a
healthcheck (the OCI image format, Podman's Docker-compatible API), the report says the
healthcheck is unknown and this rule stays silent rather than report a false finding.

## Why is this bad?
Without a healthcheck, Docker, Compose and Swarm consider a container healthy as soon as
its process starts: a server still loading a 5 GB model, or hung on a deadlock, gets
traffic and answers with errors.

## Example
```dockerfile
FROM python:3.11-slim
EXPOSE 8000
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

## When to ignore
Images that only run on Kubernetes, whose probes do the same job; say so with
`HEALTHCHECK NONE`.

## Fix
None: add a `HEALTHCHECK` that requests the server's health endpoint.

## Options
None.
"""

ID = "ML606"
SLUG = "image-no-healthcheck"
CATEGORY = "image"
SEVERITY = "info"
SUMMARY = "A serving image has no healthcheck"
FIX = "none"
SCOPE = "image"


def check(target, options):
    if target.facts.healthcheck == () and target.serves():
        yield target.at_keyword(
            "CMD",
            "the image serves but has no healthcheck, so a hung or still-loading server looks healthy; "
            "add a HEALTHCHECK (or `HEALTHCHECK NONE` to opt out)",
        )
