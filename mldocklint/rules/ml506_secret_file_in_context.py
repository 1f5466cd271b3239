"""
## What it does
Finds files that hold credentials among the files the build context sends (after
`.dockerignore`): `.env`, `.env.*` and `*.env` files that set a credential-like name
(`*_TOKEN`, `*_API_KEY`, `*PASSWORD*`, `*SECRET*`, ...) to a value that is not empty or a
placeholder (most `.env` files in repositories hold only settings), SSH and TLS private keys
(by name, and by a `-----BEGIN ... PRIVATE KEY-----` header), `.aws/credentials`, `.netrc`,
`.git-credentials`, `.npmrc` and `.pypirc` holding a token or password, a Hugging Face token
file, `kaggle.json`, Google Cloud service-account keys (JSON with `"type": "service_account"`)
and Docker client configurations with registry credentials. A file that a `COPY` or `ADD`
brings into the image (`COPY . .`, a directory, or the file by name) is an error, pointed at
the source that copies it; one that is sent but not copied is a warning. Templates
(`.env.example`, `*.sample`, ...), public keys and the files of installed libraries (in a
virtualenv, `site-packages` or `node_modules`) are not reported. Only the first bytes of a
file are read to decide, and the message names the file and how it gets in, never its content.

## Why is this bad?
Whatever is copied is in a layer of the image for good: anyone who can pull the image can
read the key, even if a later step deletes the file. A file that is only sent still reaches
the builder (a remote one, or CI's), and the next `COPY . .` someone adds bakes it in.

## Example
```dockerfile
# the context holds a .env with API keys, and no .dockerignore
FROM python:3.11-slim
WORKDIR /app
COPY . .
```

```text
.env: OPENAI_API_KEY=sk-not-a-real-key
app.py
```

## Use instead
```dockerfile
# .dockerignore lists .env; the key is given at run time (docker run --env-file .env)
FROM python:3.11-slim
WORKDIR /app
COPY . .
```

```text
.dockerignore: .env
.env: OPENAI_API_KEY=sk-not-a-real-key
app.py
```

## When to ignore
Test fixtures that only look like credentials (a throwaway key generated for a test):
better renamed to a template name, or excluded.

## Fix
Safe: adds the file's path to the `.dockerignore` in use (created when there is none). Pass
secrets a build needs with `RUN --mount=type=secret`, and those the container needs at run time.

## Options
None.
"""

ID = "ML506"
SLUG = "secret-file-in-context"
CATEGORY = "context"
SEVERITY = "error"
SUMMARY = "A file holding credentials is sent with the build context"
FIX = "safe"
NEEDS_CONTEXT = True

import fnmatch  # noqa: E402

from mldocklint.model import Problem  # noqa: E402
from mldocklint.rules._context_common import at_word  # noqa: E402
from mldocklint.target import copy_sources  # noqa: E402


def _copier(target, path: str):
    """(stage, instruction, source as written) of the first COPY/ADD that brings ``path`` into the image."""
    for stage in target.built_stages():
        for instr in stage.instructions:
            for src in copy_sources(instr):
                s = src.replace("\\", "/").strip("/").removeprefix("./")
                if s in ("", ".", "*") or path == s or path.startswith(s + "/") or fnmatch.fnmatchcase(path, s):
                    return stage, instr, src
    return None


def check(target, options):
    from mldocklint.fixes import Fix

    ctx = target.context
    ignore = ctx.dockerignore or ".dockerignore"
    for path, entry in sorted(ctx.secrets.items()):
        fix = Fix(ignore=(path,))
        hit = _copier(target, path)
        if hit is None:
            msg = f"{ctx.shown(path)} ({entry.what}) is sent with the build context though no COPY uses it: it reaches the builder, and a later `COPY . .` would bake it in; add {path} to {ignore}"
            yield Problem(1, 1, msg, key=path, fix=fix, severity="warning")
            continue
        stage, instr, src = hit
        how = f"`{instr.keyword} {src}`"
        msg = f"{ctx.shown(path)} ({entry.what}) is copied into the image by {how}: anyone who pulls the image can read it; add {path} to {ignore} and pass it at run time or with RUN --mount=type=secret"
        yield at_word(target.dockerfile, instr, src, msg, stage=stage.label, key=path, fix=fix)
