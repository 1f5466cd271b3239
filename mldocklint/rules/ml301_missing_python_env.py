"""
## What it does
Checks that an image whose final stage runs Python sets both `PYTHONUNBUFFERED` and
`PYTHONDONTWRITEBYTECODE` with `ENV`, in the stage being built (the last one, or
`--target`) or the stages it is built `FROM`. Any non-empty value counts, as it does for
Python itself; `python -u` / `python -B` in `CMD` or `ENTRYPOINT` count as the variables.
The stage runs Python when `CMD`/`ENTRYPOINT` starts `python`, `gunicorn`, `uvicorn` and
the like, or when its base is a Python image (`python`, `pytorch`, `tensorflow`, conda,
Jupyter, Hugging Face). The finding points at the final stage's `FROM`, where the `ENV`
belongs, and names the missing variable(s).

Where uv installs the packages (`uv pip install`, `uv sync`, `uv add`) and bytecode is
compiled at build time (`UV_COMPILE_BYTECODE` set by `ENV` or `ARG`, or `--compile-bytecode`),
as uv's Docker guide recommends, `PYTHONDONTWRITEBYTECODE` is not required; where uv installs
without it, the message offers both ways.

## Why is this bad?
Without `PYTHONUNBUFFERED`, Python block-buffers stdout and stderr when they are not a
terminal, which is the case in a container: `print` and logging output sits in an 8 KB
buffer, `docker logs` shows nothing for minutes, and when the process is killed (an
out-of-memory kill during model loading, say) the last lines explaining the crash are
lost. Without `PYTHONDONTWRITEBYTECODE`, Python writes `__pycache__/*.pyc` files next to
the sources at run time: extra writes to the container layer, and failures or warnings
when the app directory is read-only for the non-root user.

## Example
```dockerfile
FROM python:3.11-slim
USER 1000
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER 1000
CMD ["python", "app.py"]
```

## When to ignore
When the variables are set where the container is started (`docker run -e`, a
Kubernetes manifest) on purpose.

## Fix
Safe: adds `ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1` after the final stage's `FROM`.

## Options
None.
"""

from mldocklint.model import Problem
from mldocklint.syntax.shell import program

ID = "ML301"
SLUG = "missing-python-env"
CATEGORY = "runtime"
SEVERITY = "warning"
SUMMARY = "Python image without PYTHONUNBUFFERED and PYTHONDONTWRITEBYTECODE"
FIX = "safe"

_VARS = (("PYTHONUNBUFFERED", "u"), ("PYTHONDONTWRITEBYTECODE", "B"))


def _interpreter_flags(words: list[str]) -> str:
    """Single-letter options given to the first ``python`` of the command (``-uB`` -> "uB")."""
    for k, w in enumerate(words):
        if program(w).startswith("python"):
            flags = ""
            for opt in words[k + 1 :]:
                if not opt.startswith("-") or opt.startswith("--") or opt in ("-m", "-c"):
                    break
                flags += opt[1:]
            return flags
    return ""


def _uv_bytecode(target, stage) -> bool | None:
    """None when uv installs nothing in the image; else whether it compiles bytecode at build."""
    uv = [p for p in target.installs(target.image_stages(stage)) if p.tool in ("uv", "uv-project")]
    if not uv:
        return None
    return any("--compile-bytecode" in p.options or p.setting("--compile-bytecode") not in (None, "", "0", "false") for p in uv)


def check(target, options):
    stage = target.final
    if not target.runs_python(stage):
        return
    env = target.env(stage)
    flags = _interpreter_flags(target.entrypoint_words(stage))
    missing = [name for name, flag in _VARS if not env.get(name, ("",))[0] and flag not in flags]
    uv = _uv_bytecode(target, stage) if "PYTHONDONTWRITEBYTECODE" in missing else None
    if uv:
        missing.remove("PYTHONDONTWRITEBYTECODE")
    if missing:
        names = " and ".join(missing)
        advice = "add `ENV " + " ".join(f"{n}=1" for n in missing) + "`"
        if uv is False:
            advice += " (or, as uv images do, compile bytecode at build time with `ENV UV_COMPILE_BYTECODE=1` instead of PYTHONDONTWRITEBYTECODE)"
        yield Problem.at(stage.from_instruction, f"the image runs Python without {names}; {advice}", stage=stage.label)
