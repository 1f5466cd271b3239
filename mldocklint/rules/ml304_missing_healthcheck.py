r"""
## What it does
Flags a serving image without a `HEALTHCHECK`. It judges only images whose role is
`serving` (see "How mldocklint understands an image" in the README): the `CMD` or
`ENTRYPOINT` of the stage being built starts a web or inference server (`gunicorn`,
`uvicorn`, `hypercorn`, `daphne`, `waitress-serve`, `flask run`, `fastapi run`,
`streamlit run`, `gradio`, `tritonserver`, `torchserve`, `tensorflow_model_server`,
`bentoml serve`, `mlflow models serve`, `mlflow server`, `text-generation-launcher`,
`vllm serve`, `python -m vllm.entrypoints...`, `python -m uvicorn` ...) or runs a script
named like one (`serve.py`, `api_server.py`), or the stage has an `EXPOSE` and a command not
known to end. `EXPOSE` with a test run, a training script or a shell is not a server. A `HEALTHCHECK` in the stage or the
stages it is built `FROM` satisfies the rule, and so does `HEALTHCHECK NONE`, the explicit
opt-out. The finding points at the command that starts the server, else at the last
`CMD`/`ENTRYPOINT`, else at the first `EXPOSE`.

Severity is `info`: Docker, Docker Compose and Swarm act on `HEALTHCHECK`, but Kubernetes
ignores it and uses the probes of the pod spec, so whether it matters depends on where the
image runs.

## Why is this bad?
Without a health check, Docker only knows whether the process is alive. A model server
that is still loading a multi-gigabyte model, has deadlocked, or has lost its GPU keeps
the status `running`: Compose starts dependent services too early (`depends_on:
condition: service_healthy` needs a health check) and Swarm routes traffic to a replica
that answers every request with an error.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 1000
EXPOSE 8000
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 1000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
```

## When to ignore
Images that only run on Kubernetes, whose probes do the same job; say so with
`HEALTHCHECK NONE` (which also disables a health check inherited from the base image).

## Fix
None: add a `HEALTHCHECK` that requests the server's health endpoint (with a tool the
image has: `curl` is not in `python:*-slim`).

## Options
None.
"""

from mldocklint.model import Problem
from mldocklint.roles import starts_server

ID = "ML304"
SLUG = "missing-healthcheck"
CATEGORY = "runtime"
SEVERITY = "info"
SUMMARY = "Serving image without a HEALTHCHECK"
FIX = "none"
ALIASES = ("DL3057",)
ROLES = ("serving",)


def check(target, options):
    stage = target.final
    if target.last("HEALTHCHECK", stage) is not None:
        return
    starts = [i for i in (target.last("ENTRYPOINT", stage), target.last("CMD", stage)) if i is not None]
    server = next((i for i in starts if any(starts_server(c) for c in target.commands(i))), None)
    expose = next((i for i in target.effective(stage) if i.keyword == "EXPOSE"), None)
    at = server or (max(starts, key=lambda i: (i.stage, i.line)) if starts else expose or stage.from_instruction)
    yield Problem.at(
        at,
        f"the image serves ({target.role.evidence}) but has no HEALTHCHECK, so a hung or still-loading server looks healthy; "
        "add a HEALTHCHECK that requests its health endpoint (or `HEALTHCHECK NONE` to opt out)",
        stage=stage.label,
    )
