"""
## What it does
Flags an `ARG` with a secret-like name (see ML309: `HF_TOKEN`, `GITHUB_TOKEN`,
`AWS_SECRET_ACCESS_KEY` ...) declared in a stage that makes the image, when a `RUN` comes
after it in that stage or a stage built `FROM` it. The finding points at the name and names
the `RUN` that uses the argument (or the first `RUN` after it).

An `ARG` of a stage the image does not come from (a builder whose files are copied with
`COPY --from`) is left alone: that stage's history is not shipped (ML311 still flags a
secret it writes to a file that is copied out). So is a `RUN` that mounts the secret into
the same variable (`--mount=type=secret,...,env=HF_TOKEN`), and an `ARG` with a literal
default (ML309 flags that).

## Why is this bad?
Every `RUN` runs with the build arguments in scope as environment variables, and Docker
records them, values included, in the image history:

```text
$ docker build --build-arg HF_TOKEN=hf_... -t my-image .
$ docker history --no-trunc my-image
... RUN |1 HF_TOKEN=hf_... /bin/sh -c huggingface-cli download org/model
```

Anyone who can pull the image reads the token, even though no file of the image holds it.
BuildKit's secret mounts expose a value to one `RUN` only and record nothing.

## Example
```dockerfile
FROM python:3.11-slim
ARG HF_TOKEN
RUN pip install huggingface_hub && huggingface-cli download org/model --token $HF_TOKEN
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM python:3.11-slim
RUN --mount=type=secret,id=hf_token,env=HF_TOKEN pip install huggingface_hub && huggingface-cli download org/model --token $HF_TOKEN
```

Build it with `docker build --secret id=hf_token,env=HF_TOKEN .` (the `env=` form needs
Dockerfile syntax 1.10 or later; `target=/run/secrets/hf_token` works with older ones).

## When to ignore
Images that are never pushed or shared, built with throw-away credentials.

## Fix
Unsafe (`--fix --unsafe-fixes`): when the `ARG` declares only this name, without a default,
and only `RUN` instructions refer to it, the fix adds
`--mount=type=secret,id=hf_token,env=HF_TOKEN` to each `RUN` that refers to it and deletes the
`ARG`. Unsafe because the build command must pass `--secret id=hf_token,env=HF_TOKEN`
instead of `--build-arg HF_TOKEN`, and a `RUN` that reads the variable without naming it
(a script run by it) no longer sees it.

## Options
None.
"""

from mldocklint.knowledge.secret_names import is_secret_name
from mldocklint.rules._secrets import is_literal, pairs, refs, secret_mount, secret_mount_envs
from mldocklint.syntax import shell
from mldocklint.target import problem_at

ID = "ML310"
SLUG = "secret-arg-in-history"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "Secret build argument recorded in the image history by the RUN instructions after it"
FIX = "unsafe"
ALIASES = ("SecretsUsedInArgOrEnv",)


def run_text(instr) -> str:
    """What a RUN can refer to variables in: its arguments and its heredoc bodies."""
    return "\n".join([instr.rest, *(doc.content for doc in instr.heredocs if doc.expand)])


def exposed(target):
    """(ARG instruction, name, RUNs after it that see it, RUNs among them that refer to it) of
    each secret-like build argument of the image's stages that a RUN records in the history."""
    effective = target.effective()
    for p, instr in enumerate(effective):
        if instr.keyword != "ARG":
            continue
        for name, value in pairs(instr):
            if not is_secret_name(name) or is_literal(value):
                continue
            runs = [i for i in effective[p + 1 :] if i.keyword == "RUN" and name not in secret_mount_envs(i)]
            if runs:
                yield instr, name, runs, [i for i in runs if name in refs(run_text(i))]


def check(target, options):
    df = target.dockerfile
    for instr, name, runs, using in exposed(target):
        run = (using or runs)[0]
        how = "uses it" if using else "runs with it in its environment"
        words = next(iter(target.commands(run)), [])
        command = shell.program(words[0]) + " ..." if words else "<command>"  # never a word that could hold a value
        yield problem_at(
            df,
            instr,
            name,
            f"ARG {name} is recorded with its value in the image history by the RUN on line {run.line}, which {how} "
            f"(`docker history --no-trunc` shows it); use {secret_mount(name, command)} and drop the ARG",
            stage=df.stages[instr.stage].label,
            key=name,
        )
