"""
## What it does
Compares the port the server listens on with the ports the image `EXPOSE`s (in the stage
being built and the stages it is built `FROM`), when it exposes at least one. The port
comes from the server's flags (`--port 8000`, `--bind 0.0.0.0:8000`, `--server.port`,
`runserver 0.0.0.0:8000`), from the environment variables it reads (`FLASK_RUN_PORT`,
`UVICORN_PORT`, `GRADIO_SERVER_PORT`, `STREAMLIT_SERVER_PORT`, `PORT` for gunicorn, a
`--bind` in `GUNICORN_CMD_ARGS`), or from its default (gunicorn, hypercorn, uvicorn,
`fastapi`, Django 8000; `flask run` 5000; streamlit 8501). When the build context is
read, the server calls of the application source are checked too (Flask `app.run`
5000, `uvicorn.run` 8000, Gradio `launch` 7860, aiohttp `run_app` and waitress 8080, or
the `port` given). A port that depends on a variable the Dockerfile does not set, and an
`EXPOSE` of a variable, are not judged.

## Why is this bad?
`EXPOSE` documents where the service listens, and tools act on it: `docker run -P`
publishes the exposed ports, Docker Compose and many platforms (Hugging Face Spaces,
Cloud Run templates, reverse proxies that read the image config) route traffic to them.
When the server listens elsewhere, every request gets "connection refused" although the
container is running.

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
EXPOSE 5000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
```

## When to ignore
A port that is remapped at run time by a variable the platform sets (`--port $PORT`
is not judged), or a server behind a proxy in the same container that listens on the
exposed port.

## Fix
None: change the `EXPOSE` or the server's port so that they agree.

## Options
None.
"""

from mldocklint.rules._serving import app_calls, app_problem, problem, servers

ID = "ML307"
SLUG = "port-mismatch"
CATEGORY = "runtime"
SEVERITY = "warning"
SUMMARY = "Server port differs from every EXPOSEd port"
FIX = "none"
NEEDS_CONTEXT = False
USES_CONTEXT = True  # reads the app source when the build context was read


def exposed(target) -> list[tuple[int, int]] | None:
    """(low, high) port ranges the stage EXPOSEs; None when one cannot be read (a variable)."""
    ranges = []
    for instr in target.effective(target.final):
        if instr.keyword != "EXPOSE":
            continue
        for word in instr.value:
            port = word.split("/", 1)[0]
            low, _, high = port.partition("-")
            if not low.isdigit() or (high and not high.isdigit()):
                return None
            ranges.append((int(low), int(high or low)))
    return ranges


def _shown(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def check(target, options):
    ranges = exposed(target)
    if not ranges:
        return
    stage = target.final
    env = target.env(stage)

    def outside(port) -> bool:
        return isinstance(port, int) and not any(a <= port <= b for a, b in ranges)

    for server in servers(target):
        if outside(server.port):
            how = "by default" if server.port_at.source == "default" else ""
            yield problem(
                target,
                server.port_at,
                f"the server listens on port {server.port}{' ' + how if how else ''} but the image EXPOSEs {_shown(ranges)}; make them agree",
                stage=stage.label,
            )
    for path, call in app_calls(target):
        if call.port is None:
            name = "GRADIO_SERVER_PORT" if call.kind == "gradio" else None
            port = int(env[name][0]) if name in env and env[name][0].isdigit() else (None if name in env else call.default_port)
        elif call.port.env and call.port.env in env:
            value = env[call.port.env][0]
            port = int(value) if value.isdigit() else None
        else:
            port = call.port.literal
        if outside(port):
            yield app_problem(path, call, f"this {call.kind} server listens on port {port} but the image EXPOSEs {_shown(ranges)}; make them agree", stage=stage.label)
