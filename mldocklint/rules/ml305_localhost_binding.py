"""
## What it does
Flags a server that listens only on the loopback interface (`127.0.0.1`, `localhost`,
`::1`) inside the container. It looks at the server the stage being built starts in
`CMD`/`ENTRYPOINT` and at the environment variables that server reads:

- an explicit loopback host: `--host 127.0.0.1` (uvicorn, `flask run`, `fastapi`),
  `-b localhost:8000` / `--bind=127.0.0.1:5000` (gunicorn, hypercorn),
  `--server.address 127.0.0.1` (streamlit), `runserver 127.0.0.1:8000` (Django),
  `ENV FLASK_RUN_HOST=127.0.0.1`, `UVICORN_HOST`, `GRADIO_SERVER_NAME=localhost`,
  `STREAMLIT_SERVER_ADDRESS`, a `--bind` in `GUNICORN_CMD_ARGS`;
- the server's own default, when no host is given:
  - `flask run` binds `127.0.0.1` (Flask's `run` command: `--host` defaults to
    `127.0.0.1`, or `FLASK_RUN_HOST`);
  - the `uvicorn` command binds `127.0.0.1` (Uvicorn settings: `--host` "Bind socket to
    this host", default `127.0.0.1`; `UVICORN_HOST`);
  - `gunicorn` binds `127.0.0.1:8000` (Gunicorn settings, `bind`: "If the PORT
    environment variable is defined, the default is `['0.0.0.0:$PORT']`. If it is not
    defined, the default is `['127.0.0.1:8000']`"), unless `-b`/`--bind`, `-c` (a config
    file), `GUNICORN_CMD_ARGS` or `PORT` says otherwise; `hypercorn` likewise;
  - `python manage.py runserver` binds `127.0.0.1:8000`; `fastapi dev` binds
    `127.0.0.1` (`fastapi run` and `streamlit run` listen on all interfaces).

When the build context is read (the default for `mldocklint check`), the application
source the container runs is read too (`python app.py`, `python -m pkg`, the module of
`gunicorn module:app` / `uvicorn module:app`), with Python's `ast`, never executed, and
its server calls at module level or under `if __name__ == "__main__":` are checked:

- Flask `app.run()` without `host`: Flask's `run` documents `host` as "Defaults to
  `'127.0.0.1'` or the host in the `SERVER_NAME` config variable if present";
- `uvicorn.run(app)` without `host`: `127.0.0.1`, as for the command;
- Gradio `launch()` without `server_name`: "Can be set by environment variable
  GRADIO_SERVER_NAME. If None, will use "127.0.0.1"", so it is reported unless the
  image sets `GRADIO_SERVER_NAME`;
- Flask-SocketIO `socketio.run(app)` without `host` (`127.0.0.1`);
- any of these with an explicit loopback host, or `os.environ.get("HOST", "127.0.0.1")`
  when the image does not set `HOST`.

Calls under the `__main__` guard of a module that a server imports (`gunicorn app:app`)
do not run and are not checked. A finding in the Dockerfile points at the host word, the
`ENV` variable, or the server program (for a default); a finding in the source points at
the call, with the source file as its path.

## Why is this bad?
Inside a container, `127.0.0.1` is the container's own loopback interface. `docker run
-p 5000:5000` forwards traffic to the container's external interface, so a server bound
to loopback never sees it: the container runs, the health check inside it passes, and
every request from outside fails with "connection reset". It is one of the most common
reasons a working app "does not work in Docker".

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["uvicorn", "main:app", "--port", "8000"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
```

## When to ignore
A server meant only for other processes in the same container (a sidecar in the same
network namespace, a model server behind an in-container proxy). A `gunicorn.conf.py`
in the working directory that sets `bind` is read by gunicorn but not by this rule when
the build context is not available.

## Fix
Unsafe: replaces the loopback host of the finding (a `--host`/`--bind` value, an `ENV`
value) with `0.0.0.0`. Defaults and application sources are not changed. Unsafe because
the server becomes reachable from outside the container.

## Options
None.
"""

from mldocklint.rules._serving import LOOPBACK, app_calls, app_problem, env_problem, problem, servers

ID = "ML305"
SLUG = "localhost-binding"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "Server bound to localhost inside the container"
FIX = "unsafe"
NEEDS_CONTEXT = False
USES_CONTEXT = True  # reads the app source when the build context was read

_HOST_VARS = ("FLASK_RUN_HOST", "UVICORN_HOST", "GRADIO_SERVER_NAME", "STREAMLIT_SERVER_ADDRESS")
_HOW = {
    "gunicorn": "`--bind 0.0.0.0:PORT`",
    "hypercorn": "`--bind 0.0.0.0:PORT`",
    "streamlit": "`--server.address 0.0.0.0`",
    "django": "`runserver 0.0.0.0:8000`",
}
_APP_HOW = {"gradio": "`server_name=\"0.0.0.0\"` (or `ENV GRADIO_SERVER_NAME=0.0.0.0`)"}


def _loopback(host) -> bool:
    return isinstance(host, str) and LOOPBACK.fullmatch(host) is not None


def check(target, options):
    stage = target.final
    env = target.env(stage)
    used = set()
    for server in servers(target):
        where = server.host_at
        used.add(server.host_env)
        if not server.loopback:
            continue
        how = _HOW.get(server.name, "`--host 0.0.0.0`")
        if where.source == "default":
            message = f"`{server.program.text}` listens on {server.host} by default, unreachable from outside the container; add {how}"
        else:
            message = f"the server is bound to {server.host}, unreachable from outside the container; bind 0.0.0.0 instead"
        yield problem(target, where, message, stage=stage.label)
    for name in _HOST_VARS:
        if name in env and name not in used and _loopback(env[name][0]):
            yield env_problem(target, name, env[name][1], f"{name} binds the server to {env[name][0]}, unreachable from outside the container; set it to 0.0.0.0", stage=stage.label)
    for path, call in app_calls(target):
        if call.host is None:
            if call.kind == "gradio" and "GRADIO_SERVER_NAME" in env:
                continue  # the variable decides, checked above
            host, why = call.default_host, "by default"
        elif call.host.env and call.host.env in env:
            host, why = env[call.host.env][0], f"(from {call.host.env})"
        else:
            host, why = call.host.literal, "as written"
        if _loopback(host):
            how = _APP_HOW.get(call.kind, "`host=\"0.0.0.0\"`")
            yield app_problem(path, call, f"this {call.kind} server listens on {host} {why}, unreachable from outside the container; pass {how}", stage=stage.label)
