"""
## What it does
Flags a `RUN` that writes a secret into a file of the image, naming the command:

- a secret variable (`$HF_TOKEN`, `${GITHUB_TOKEN}`; names as in ML309) or a file under
  `/run/secrets/` printed into a file: `echo "$TOKEN" > file`, `printf ... >> ~/.netrc`,
  `cat <<EOF > .netrc` with the secret in the body, `... | tee file`, `sed -i "s/x/$TOKEN/" file`,
  `cp /run/secrets/gcp_key /app/key.json`;
- a command that stores the secret it is given: `huggingface-cli login --token $HF_TOKEN`
  (`~/.cache/huggingface/token`), `wandb login` (`~/.netrc`), `docker login`,
  `git config ... $TOKEN` and `git clone https://$TOKEN@...` (the URL is kept in
  `.git/config`), `npm config set`, `pip config set`, `poetry config`, `aws configure set`,
  `conda config`.

Secret mounts do not help here: the value a `RUN --mount=type=secret,env=HF_TOKEN` sees is
still written to the file. A `RUN` that deletes the file (`rm`) or logs out afterwards is
left alone, and so is a `RUN` of a stage the image does not come from, unless a stage of the
image copies the written file (or `/`) out of it with `COPY --from`.

## Why is this bad?
The file is part of a layer: anyone who pulls the image reads it, and deleting it in a
later `RUN` only hides it (`docker save` still has the layer):

```text
$ docker run --rm my-image cat /root/.cache/huggingface/token
hf_...
```

## Example
```dockerfile
FROM python:3.11-slim
RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli login --token $HF_TOKEN
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM python:3.11-slim
RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download org/model
```

Tools read the token from the environment (`HF_TOKEN`, `WANDB_API_KEY`, `GH_TOKEN`) or from
the mounted file (`--mount=type=secret,id=netrc,target=/root/.netrc`); neither stays in a layer.

## When to ignore
Images that are never pushed or shared.

## Fix
None: give the tool the secret through a secret mount's `env=` or `target=`, or delete the
file in the same `RUN` that wrote it; rotate the secret if the image was ever pushed.

## Options
None.
"""

from __future__ import annotations

import posixpath
import re

from mldocklint import lazyre
from mldocklint.knowledge.secret_names import LOGOUTS, credential_store
from mldocklint.model import Problem
from mldocklint.rules._secrets import secret_mount, secret_refs
from mldocklint.syntax import shell
from mldocklint.target import source_stage, span

ID = "ML311"
SLUG = "secret-written-to-layer"
CATEGORY = "runtime"
SEVERITY = "error"
SUMMARY = "A RUN writes a secret into a file of the image"
FIX = "none"

_SEGMENT = lazyre.compile(r"&&|\|\||;|\n")
_PIPE = lazyre.compile(r"(?<!\|)\|(?!\|)")
_REDIRECT = lazyre.compile(r"(?<![<>&\d])(?:\d?>>?|&>>?)\|?\s*(?![&>])([^\s;&|<>()]+)")
_QUOTED = lazyre.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_PRINTERS = frozenset(("echo", "printf", "cat", "envsubst"))
_SECRET_FILE = "/run/secrets/"


def _secret(text: str) -> str | None:
    """How a message names the secret ``text`` holds: ``$HF_TOKEN``, or a secret file; None."""
    names = secret_refs(text)
    if names:
        return "$" + names[0]
    return "a secret from /run/secrets" if _SECRET_FILE in text else None


def _masked(text: str) -> str:
    """``text`` with what is inside quotes blanked out (same length): operators there are words."""
    return _QUOTED.sub(lambda m: m.group()[0] + "_" * (len(m.group()) - 2) + m.group()[-1], text)


def _split(pattern: re.Pattern, text: str) -> list[str]:
    """``text`` cut where ``pattern`` matches outside quotes."""
    out, start = [], 0
    for m in pattern.finditer(_masked(text)):
        out.append(text[start : m.start()])
        start = m.end()
    return [*out, text[start:]]


def _segments(instr) -> list[str]:
    """The RUN's text cut at ``&&``, ``||``, ``;`` and line ends; a command fed heredocs keeps their bodies."""
    texts = shell.scripts(instr)
    bodies = [doc.content for doc in instr.heredocs if doc.expand]
    if instr.heredocs and texts != [doc.content for doc in instr.heredocs]:
        return ["\n".join([texts[0], *bodies]).replace("\n", " ")] if bodies else texts
    return [seg for text in texts for seg in _split(_SEGMENT, text)]


def _writes(segment: str):
    """(program word, written file, command) of each write of a secret in one segment."""
    if _secret(segment) is None:
        return
    printed = False  # an earlier part of the pipeline prints the secret
    for part in _split(_PIPE, segment):
        words = [a for a in (shell.argv(w) for w in shell.split_commands(part)) if a]
        if not words:
            continue
        words = words[0]
        prog = shell.program(words[0])
        store = credential_store(words)
        if store is not None and (_secret(part) or printed):
            yield words[0], store.stores, " ".join([store.program, *store.subcommand])
            continue
        own = _secret(part) is not None
        if prog in _PRINTERS and own:
            masked = _masked(part)
            for m in _REDIRECT.finditer(masked):
                target = part[m.start(1) : m.end(1)]
                if not target.startswith("/dev/"):
                    yield words[0], target, prog
        elif prog == "tee" and printed:
            for w in words[1:]:
                if not w.startswith("-"):
                    yield words[0], w, "tee"
        elif prog == "sed" and own and any(w == "-i" or w.startswith(("-i", "--in-place")) for w in words[1:]):
            yield words[0], words[-1], "sed -i"
        elif prog in ("cp", "install") and len(words) > 2 and any(w.startswith(_SECRET_FILE) for w in words[1:-1]):
            yield words[0], words[-1], prog
        printed = printed or (prog in _PRINTERS and own)


def _undone(later: list[str], path: str) -> bool:
    """Whether a later segment of the same RUN deletes ``path`` (or a file of its name) or logs out."""
    base = posixpath.basename(path)
    for seg in later:
        for words in (shell.argv(w) for w in shell.split_commands(seg)):
            if not words:
                continue
            plain = tuple(shell.program(w) if i == 0 else w for i, w in enumerate(x for x in words if not x.startswith("-")))
            if plain[:2] in LOGOUTS or plain[:3] in LOGOUTS:
                return True
            if shell.program(words[0]) == "rm" and any(w == path or (base and posixpath.basename(w) == base) for w in words[1:]):
                return True
    return False


def _copied_out(target, stage_index: int, path: str) -> bool:
    """Whether a stage of the image copies ``path`` (or a directory holding it) out of stage ``stage_index``."""
    df = target.dockerfile
    absolute = "/root" + path[1:] if path.startswith("~") else path
    for s in target.image_stages():
        for instr in s.instructions:
            src_stage = source_stage(df, instr) if instr.keyword == "COPY" else None
            if src_stage is None or stage_index not in {x.index for x in df.lineage(src_stage)}:
                continue
            for src in instr.value[:-1]:
                src = src.rstrip("/") or "/"
                if src == "/" or absolute == src or absolute.startswith(src + "/"):
                    return True
    return False


def check(target, options):
    df = target.dockerfile
    shipped = {s.index for s in target.image_stages()}
    for stage in df.stages:
        for instr in stage.instructions:
            if instr.keyword != "RUN" or not any("$" in t or _SECRET_FILE in t for t in (instr.rest, *(d.content for d in instr.heredocs))):
                continue  # no variable and no secret file: nothing secret to write
            src = df.text[instr.start : instr.end]
            pos = 0
            segments = _segments(instr)
            for k, segment in enumerate(segments):
                for word, path, command in _writes(segment):
                    m = re.compile(rf"(?<![\w/.-]){re.escape(word)}(?![\w/.-])").search(src, pos)
                    if m is not None:
                        pos = m.end()
                    if _undone(segments[k + 1 :], path):
                        continue
                    if stage.index not in shipped and not _copied_out(target, stage.index, path):
                        continue
                    secret = _secret(segment)
                    name = secret[1:] if secret.startswith("$") else None
                    fix = f"use {secret_mount(name)} and let the tool read {name} from the environment" if name else "mount the secret where the tool reads it"
                    message = f"`{command}` writes {secret} into {path}, a file in a layer of the image that anyone who pulls it can read; {fix}, or delete the file in the same RUN"
                    if m is None:
                        yield Problem.at(instr, message, stage=stage.label)
                        continue
                    line, col, end_line, end_col = span(instr, src, m.start(), len(word))
                    yield Problem(line, col, message, end_line=end_line, end_column=end_col, stage=stage.label)
