"""
## What it does
Flags an `ENV` or `ARG` (in any stage, or before the first `FROM`) that gives a literal
value to a secret-like name: `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, `WANDB_API_KEY`,
`OPENAI_API_KEY`, `AWS_SECRET_ACCESS_KEY`, and any name ending in `_PASSWORD`, `_TOKEN`
or `_API_KEY` or holding `SECRET` as a word (`CLIENT_SECRET`, `SECRET_KEY`). A value
that is only a variable reference (`ENV HF_TOKEN=$HF_TOKEN`, `${HF_TOKEN}`) or empty
is not a literal, and neither is an `ARG` without a default. The finding points at the
name and its message never repeats the value.

## Why is this bad?
`ENV` values are stored in the image configuration and `ARG` values in its history:
anyone who can pull the image reads them with `docker inspect` or `docker history`, and
registries, CI logs and build caches keep copies. A leaked Hugging Face or OpenAI token
gives access to private models and bills; leaked cloud keys are harvested from public
registries within minutes.

## Example
```dockerfile
FROM python:3.11-slim
ENV HF_TOKEN=hf_0123456789abcdefghijklmnopqrstuv
RUN python -c "print('downloading')"
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM python:3.11-slim
RUN --mount=type=secret,id=hf_token,env=HF_TOKEN python -c "print('downloading')"
```

## When to ignore
Obvious placeholders for local development images that are never pushed; even then a
secret mount or a run-time `-e HF_TOKEN` is as easy.

## Fix
None: remove the value and pass the secret at build time with
`RUN --mount=type=secret` (`docker build --secret id=hf_token,env=HF_TOKEN`) or at run
time with `docker run -e HF_TOKEN`; rotate the secret if the image was ever pushed.

## Options
None.
"""

import re

from mldocklint.model import Problem
from mldocklint.target import dequote, span

ID = "ML309"
SLUG = "secret-in-env"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "Secret given a literal value in ENV or ARG"
FIX = "none"
ALIASES = ("SecretsUsedInArgOrEnv",)

_SECRET = re.compile(
    r"(HF_TOKEN|HUGGING_FACE_HUB_TOKEN|WANDB_API_KEY|OPENAI_API_KEY|AWS_SECRET_ACCESS_KEY"
    r"|(\w+_)?(PASSWORD|TOKEN|API_KEY)|(\w+_)?SECRET(_\w+)?)"
)
_REF = re.compile(r"\$(\w+|\{\w+(:?[-+]?)\})")


def is_secret_name(name: str) -> bool:
    return _SECRET.fullmatch(name.upper()) is not None


def is_literal(value: str | None) -> bool:
    """A value with literal text in it: not empty, not only variable references."""
    if value is None:
        return False
    return _REF.sub("", dequote(value.strip())).strip() != ""


def _pairs(instr):
    """(name, value or None) pairs of an ENV or ARG."""
    if instr.keyword == "ENV":
        return [(instr.value[k], instr.value[k + 1]) for k in range(0, len(instr.value) - 1, 2)]
    out = []
    for word in instr.value:
        name, eq, value = word.partition("=")
        out.append((name, value if eq else None))
    return out


def check(target, options):
    df = target.dockerfile
    for instr in df.instructions:
        if instr.keyword not in ("ENV", "ARG"):
            continue
        src = df.text[instr.start : instr.end]
        pos = len(instr.keyword)
        for name, value in _pairs(instr):
            m = re.compile(rf"(?<![\w$]){re.escape(name)}(?=[=\s]|$)").search(src, pos)
            if m is not None:
                pos = m.end()
            if not is_secret_name(name) or not is_literal(value):
                continue
            stage = df.stages[instr.stage].label if 0 <= instr.stage < len(df.stages) else None
            message = f"{instr.keyword} {name} has a literal value that is stored in the image; pass it with a secret mount or at run time"
            if m is None:
                yield Problem.at(instr, message, stage=stage, key=name)
                continue
            line, col, end_line, end_col = span(instr, src, m.start(), len(name))
            yield Problem(line, col, message, end_line=end_line, end_column=end_col, stage=stage, key=name)
