"""
## What it does
Flags a production image that starts a development server or turns on debug mode:

- `flask run` (Flask's development server), `fastapi dev`, `python manage.py runserver`
  (Django's);
- auto-reload: `--reload` on `uvicorn`, `gunicorn`, `hypercorn` or `flask run`,
  `flask --debug run`, `ENV UVICORN_RELOAD=true`;
- debug mode from the environment: `ENV FLASK_DEBUG=1` (or `true`, `yes`, `on`),
  `ENV FLASK_ENV=development`;
- when the build context is read, in the application source the container runs (see
  ML305 for which sources are read): `app.run(debug=True)` or `use_reloader=True`
  (Flask, Flask-SocketIO), `uvicorn.run(..., reload=True)`.

- Flask's `app.run()` (and Flask-SocketIO's `socketio.run()`) started with `python app.py`:
  it is Werkzeug's development server, which prints "WARNING: This is a development
  server. Do not use it in a production deployment."

`streamlit run` is fine: it is Streamlit's production server.

## Why is this bad?
Flask's and Django's development servers are single-process and not hardened; Flask's
debug mode serves the Werkzeug debugger, which runs arbitrary Python code for anyone who
can reach an error page. Auto-reload watches every file of the app (CPU, and a restart
in the middle of requests when a file changes in a mounted volume) and, with uvicorn,
cannot be combined with several workers.

## Example
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000", "--reload"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
```

## When to ignore
Images built only for local development (a `dev` target of a multi-stage file; lint the
production target with `--target`).

## Fix
None: run the app with a production server (`gunicorn app:app`, `uvicorn` without
`--reload`) and drop the debug settings.

## Options
None.
"""

from mldocklint.rules._serving import app_calls, app_problem, env_problem, problem, servers, Where

ID = "ML306"
SLUG = "dev-server"
CATEGORY = "runtime"
SEVERITY = "warning"
SUMMARY = "Development server or debug mode in the production image"
FIX = "none"
NEEDS_CONTEXT = False
USES_CONTEXT = True  # reads the app source when the build context was read

_TRUE = frozenset(("1", "true", "yes", "on"))
_DEV = {
    "flask": "`flask run` starts Flask's development server",
    "django": "`manage.py runserver` starts Django's development server",
}


def check(target, options):
    stage = target.final
    env = target.env(stage)
    label = stage.label
    for server in servers(target):
        if server.name in _DEV:
            yield problem(target, Where("flag", server.program), f"{_DEV[server.name]}, not meant for production; serve the app with gunicorn or uvicorn", stage=label)
        elif server.name == "fastapi" and server.sub == "dev":
            yield problem(target, Where("flag", server.program), "`fastapi dev` starts a development server with auto-reload; use `fastapi run`", stage=label)
        for w in server.words:
            if w.text in ("--reload", "--debug"):
                yield problem(target, Where("flag", w), f"`{w.text}` is a development setting; remove it from the production command", stage=label)
    for name, bad in (("FLASK_DEBUG", _TRUE), ("FLASK_ENV", {"development"}), ("UVICORN_RELOAD", _TRUE)):
        if name in env and env[name][0].strip().lower() in bad:
            yield env_problem(target, name, env[name][1], f"{name}={env[name][0]} turns on debug or auto-reload; remove it from the production image", stage=label)
    for path, call in app_calls(target):
        if call.kind in ("flask", "socketio") and not (call.debug or call.reload):
            yield app_problem(path, call, f"`{'app' if call.kind == 'flask' else 'socketio'}.run()` starts Werkzeug's development server, which is not meant for production; serve the app with gunicorn (e.g. `gunicorn --bind 0.0.0.0:5000 app:app`)", stage=label)
        elif call.debug or call.reload:
            what = "debug=True" if call.debug else ("use_reloader=True" if call.kind != "uvicorn" else "reload=True")
            yield app_problem(path, call, f"the {call.kind} server runs with {what}, a development setting; remove it in production", stage=label)
