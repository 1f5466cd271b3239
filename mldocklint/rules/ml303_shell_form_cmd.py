"""
## What it does
Flags `CMD` and `ENTRYPOINT` of the stage being built (and the stages it is built `FROM`) written in shell form (`CMD python app.py`) instead of exec
form (`CMD ["python", "app.py"]`).

## Why is this bad?
Shell form runs the command as `/bin/sh -c "..."`: the shell is PID 1 and does not pass
`SIGTERM` on, so `docker stop` waits its 10-second grace period and then kills the model
server with `SIGKILL`, dropping in-flight requests. gunicorn and uvicorn never get to run
their graceful shutdown.

## Example
```dockerfile
FROM python:3.11-slim
USER 1000
CMD gunicorn --bind 0.0.0.0:5000 app:app
```

## Use instead
```dockerfile
FROM python:3.11-slim
USER 1000
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]
```

## When to ignore
When the command needs shell features (variable expansion such as `$PORT`, pipes,
`&&`); then prefer `exec` inside a script, or keep shell form and start the server with
`exec` (`CMD exec gunicorn ...`).

## Fix
Safe, when the command has no shell features: rewrites it to exec form.

## Options
None.
"""

from mldocklint.model import Problem

ID = "ML303"
SLUG = "shell-form-cmd"
CATEGORY = "runtime"
SEVERITY = "warning"
SUMMARY = "CMD or ENTRYPOINT in shell form"
FIX = "safe"
ALIASES = ("JSONArgsRecommended", "DL3025")


def check(target, options):
    stage = target.final
    for instr in target.effective(stage):
        if instr.keyword in ("CMD", "ENTRYPOINT") and instr.value and not instr.exec_form:
            if instr.rest.startswith("exec "):
                continue
            yield Problem.at(
                instr,
                f"{instr.keyword} in shell form runs under /bin/sh, which does not forward SIGTERM; "
                f'use exec form: {instr.keyword} ["...", "..."]',
                stage=target.stages[instr.stage].label,
            )
