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
Nothing needs ignoring: when the command needs the shell (variable expansion such as
`$PORT` or `${PORT:-8000}`, `&&`, pipes, globs), the message says to start it with `exec`
(`CMD exec gunicorn --bind 0.0.0.0:$PORT app:app`) or from a wrapper script whose last line
`exec`s the server; an instruction that starts with `exec` is not flagged. When
`CMD [...]` is not valid JSON (single quotes, a trailing comma), Docker runs it in shell
form; the message says where the JSON breaks. A command that ends by starting an
interactive shell (`CMD /bin/bash`, `CMD setup.sh && bash`) is not flagged.

## Fix
Safe, when the command has no shell features: rewrites it to exec form. Nothing is
changed when it needs the shell or is malformed JSON.

## Options
None.
"""

from mldocklint.model import Problem
from mldocklint.syntax.shell import SHELLS, needs_shell, program
from mldocklint.target import locate

ID = "ML303"
SLUG = "shell-form-cmd"
CATEGORY = "runtime"
SEVERITY = "warning"
SUMMARY = "CMD or ENTRYPOINT in shell form"
FIX = "safe"
ALIASES = ("JSONArgsRecommended", "DL3025")

_SIGTERM = "runs under /bin/sh, which does not forward SIGTERM"


def _message(target, instr) -> str:
    kw, rest = instr.keyword, instr.rest.strip()
    if rest.startswith("["):
        import json

        try:
            json.loads(rest)
        except ValueError as e:
            line, column, _, _ = locate(target.dockerfile, instr, "[")
            where = f"line {line}, column {column + e.pos}" if "\n" not in rest[: e.pos] else f"character {e.pos + 1}"
            return (
                f"{kw} [...] is not valid JSON ({e.msg.lower()} at {where}), so Docker runs it in shell form: it {_SIGTERM}; "
                'write it as a JSON array of double-quoted strings: ["...", "..."]'
            )
    if needs_shell(rest):
        return f"{kw} in shell form {_SIGTERM}; the command needs the shell, so start it with exec ({kw} exec ...) or from a wrapper script that ends in exec"
    return f'{kw} in shell form {_SIGTERM}; use exec form: {kw} ["...", "..."]'


def _ends_in_shell(target, instr) -> bool:
    """The command ends by starting an interactive shell (`... && /bin/bash`): nothing to stop gracefully."""
    cmds = target.commands(instr)
    last = cmds[-1] if cmds else []
    return bool(last) and program(last[0]) in SHELLS and all(w.startswith("-") and "c" not in w for w in last[1:])


def check(target, options):
    stage = target.final
    for instr in target.effective(stage):
        if instr.keyword in ("CMD", "ENTRYPOINT") and instr.value and not instr.exec_form:
            if instr.rest.startswith("exec ") or _ends_in_shell(target, instr):
                continue
            yield Problem.at(instr, _message(target, instr), stage=target.stages[instr.stage].label)
