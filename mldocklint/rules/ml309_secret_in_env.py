"""
## What it does
Flags a secret that `ENV` or `ARG` stores in the image:

- an `ENV` or `ARG` (in any stage, or before the first `FROM`) that gives a literal value
  to a secret-like name (`HF_TOKEN`, `WANDB_API_KEY`, `AWS_SECRET_ACCESS_KEY`,
  `DB_PASSWORD`, `CLIENT_SECRET` ...);
- an `ENV` of a stage that makes the image which copies a build argument (`ENV HF_TOKEN=$HF_TOKEN`
  after `ARG HF_TOKEN`), when either name is secret-like.

A name is secret-like when one of its `_`-separated words is `TOKEN`, `SECRET`, `PASSWORD`,
`PASSWD`, `PASSPHRASE`, `AUTH`, `CREDENTIAL(S)`, `APIKEY` or `KEY` (BuildKit's words), unless
another word says it points at the secret or describes it (`HF_TOKEN_PATH`, `*_FILE`,
`*_DIR`, `*_URL`, `AWS_ACCESS_KEY_ID`, `MAX_TOKEN`, `AUTH_ENABLED`) or `KEY` is a public or
lookup key (`GPG_KEY`, `PUBLIC_KEY`, `CACHE_KEY`). `TOKENIZERS_PARALLELISM`,
`TIKTOKEN_CACHE_DIR` and `MAX_TOKENS` hold no such word. A value that is only variable
references (`${HF_TOKEN}`), empty, a path (`/run/secrets/hf_token`) or a switch (`true`, `0`)
is not a literal. The finding points at the name and its message never repeats the value.

## Why is this bad?
`ENV` values are stored in the image configuration and `ARG` defaults in the Dockerfile and
the image history; anyone who can pull the image reads them:

```text
$ docker inspect --format '{{json .Config.Env}}' my-image
["PATH=/usr/local/bin:...","HF_TOKEN=hf_..."]
$ docker history --no-trunc my-image
... RUN |1 HF_TOKEN=hf_... /bin/sh -c python download.py
```

Registries, CI logs and build caches keep copies. A leaked Hugging Face or OpenAI token
gives access to private models and bills; leaked cloud keys are harvested from public
registries within minutes. A later `ENV HF_TOKEN=` does not help: the earlier layer's
config stays in the history.

## Example
```dockerfile
FROM python:3.11-slim
ENV WANDB_API_KEY=0123456789abcdef0123456789abcdef
ARG HF_TOKEN
ENV HF_TOKEN=$HF_TOKEN
CMD ["python", "train.py"]
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM python:3.11-slim
RUN --mount=type=secret,id=hf_token,env=HF_TOKEN python -c "print('downloading')"
CMD ["python", "train.py"]
```

Build it with `docker build --secret id=hf_token,env=HF_TOKEN .` and pass run-time
secrets with `docker run -e WANDB_API_KEY ...`.

## When to ignore
Obvious placeholders for local development images that are never pushed; even then a
secret mount or a run-time `-e HF_TOKEN` is as easy.

## Fix
None: remove the value and pass the secret at build time with
`RUN --mount=type=secret,id=hf_token,env=HF_TOKEN` (`docker build --secret id=hf_token,env=HF_TOKEN .`)
or at run time with `docker run -e HF_TOKEN`; rotate the secret if the image was ever pushed.

## Options
None.
"""

import re

from mldocklint.knowledge.secret_names import is_secret_name
from mldocklint.model import Problem
from mldocklint.rules._secrets import is_literal, pairs, secret_mount, value_refs
from mldocklint.target import span

ID = "ML309"
SLUG = "secret-in-env"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "Secret stored in the image by ENV or ARG: a literal value, or ENV copying a build argument"
FIX = "none"
ALIASES = ("SecretsUsedInArgOrEnv",)


def _copied_args(target) -> dict[int, set[str]]:
    """For each ENV of the image's stages (by id), the build arguments in scope it refers to."""
    found: dict[int, set[str]] = {}
    args: set[str] = set()
    for instr in target.effective():  # a stage built FROM another one keeps its build arguments
        if instr.keyword == "ARG":
            args.update(name for name, _ in pairs(instr))
        elif instr.keyword == "ENV":
            found[id(instr)] = {n for _, v in pairs(instr) for n in value_refs(v or "") if n in args}
    return found


def check(target, options):
    df = target.dockerfile
    copied = _copied_args(target)
    for instr in df.instructions:
        if instr.keyword not in ("ENV", "ARG"):
            continue
        src = df.text[instr.start : instr.end]
        pos = len(instr.keyword)
        for name, value in pairs(instr):
            m = re.compile(rf"(?<![\w$]){re.escape(name)}(?=[=\s]|$)").search(src, pos)
            if m is not None:
                pos = m.end()
            message = _message(instr.keyword, name, value, copied.get(id(instr), set()))
            if message is None:
                continue
            stage = df.stages[instr.stage].label if 0 <= instr.stage < len(df.stages) else None
            if m is None:
                yield Problem.at(instr, message, stage=stage, key=name)
                continue
            line, col, end_line, end_col = span(instr, src, m.start(), len(name))
            yield Problem(line, col, message, end_line=end_line, end_column=end_col, stage=stage, key=name)


def _message(keyword: str, name: str, value: str | None, args_in_scope: set[str]) -> str | None:
    if is_secret_name(name) and is_literal(value):
        where = "the image config (`docker inspect`)" if keyword == "ENV" else "the image history (`docker history --no-trunc`)"
        return f"{keyword} {name} has a literal value, kept in the Dockerfile and in {where}; use {secret_mount(name)}, or pass it at run time"
    copied = sorted(n for n in value_refs(value or "") if n in args_in_scope and (is_secret_name(name) or is_secret_name(n)))
    if keyword == "ENV" and copied:
        arg = copied[0]
        return (
            f"ENV {name} copies build argument {arg} into the image config, where `docker inspect` shows its value; "
            f"use {secret_mount(arg)} where the build needs it, and pass it at run time (`docker run -e {name}`) where the container does"
        )
    return None
