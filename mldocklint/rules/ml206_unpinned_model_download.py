r"""
## What it does
Flags a model downloaded at build time without a pinned revision:
- `huggingface-cli download REPO` or `hf download REPO` without `--revision`, or with a
  branch (`main`, `master`);
- `snapshot_download(...)`, `hf_hub_download(...)` or `from_pretrained(...)` of a Hub name in
  a `RUN` (`python -c`, a heredoc) without `revision=`, or with a branch;
- `git clone` of a Hugging Face repository in a `RUN` that does not check out a commit
  (`git checkout`, `git reset`);
- a Hugging Face file URL that resolves a branch (`/resolve/main/`), in `RUN` or `ADD`.

Calls on a local path (`from_pretrained("/models/x")`) and on a variable are not judged.

## Why is this bad?
A Hub repository's branch moves with every push: the same Dockerfile builds an image with
other weights, another tokenizer or a changed config tomorrow, and results stop being
reproducible without anything in the build saying so. A commit hash pins the exact files.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir huggingface_hub==0.26.2 \
    && huggingface-cli download sentence-transformers/all-MiniLM-L6-v2 --local-dir /models/minilm
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir huggingface_hub==0.26.2 \
    && huggingface-cli download sentence-transformers/all-MiniLM-L6-v2 --revision c9745ed1d9f207416be6d2e6f8de32d1f16199bf --local-dir /models/minilm
USER 1000
```

## When to ignore
An image that is meant to follow the latest version of a model you publish yourself.

## Fix
None: pass the commit (`--revision <sha>`, `revision="<sha>"`, `git checkout <sha>`,
`/resolve/<sha>/`); the Hub shows it on the repository's "Files and versions" page.

## Options
None.
"""

import re

from mldocklint import lazyre
from mldocklint.knowledge.model_hubs import CALLS, CLI, HOSTS, MOVING, RESOLVE
from mldocklint.model import Problem
from mldocklint.rules._correctness import at_last_word, in_rest
from mldocklint.syntax.shell import program
from mldocklint.target import dequote

ID = "ML206"
SLUG = "unpinned-model-download"
CATEGORY = "dependencies"
SEVERITY = "warning"
SUMMARY = "Model downloaded at build time without a pinned revision"
FIX = "none"

_CALL = lazyre.compile(r"\b(" + "|".join(name for name, _ in CALLS) + r")\s*\(")
_HUB_NAME = lazyre.compile(r"""\s*(?:pretrained_model_name_or_path\s*=\s*|repo_id\s*=\s*)?(['"])([A-Za-z0-9][\w.-]*(?:/[\w.-]+)?)\1""")
_REVISION = lazyre.compile(r"""\brevision\s*=\s*(['"]?)([^'",)\s]*)""")
_HOST = "|".join(re.escape(h) for h, _ in HOSTS)
_RESOLVE = lazyre.compile(r"https?://(?:www\.)?(?:" + _HOST + r")/[^\s'\"]*?" + re.escape(RESOLVE) + r"(" + "|".join(MOVING) + r")/")
_CLONE_URL = lazyre.compile(r"https?://(?:www\.)?(?:" + _HOST + r")/")
_PINNED_CHECKOUT = lazyre.compile(r"\bgit\b[^;&|]*\b(?:checkout|reset)\b")


def check(target, options):
    df = target.dockerfile
    for stage in target.stages:
        for instr in stage.instructions:
            if instr.keyword == "ADD":
                for src in instr.value[:-1]:
                    m = _RESOLVE.search(dequote(src))
                    if m:
                        yield at_last_word(df, instr, src, _resolve_message(m.group(1)), stage=stage.label)
            elif instr.keyword == "RUN":
                yield from _run(target, instr, stage)


def _run(target, instr, stage):
    df = target.dockerfile
    commands = target.commands(instr)
    for ci, words in enumerate(commands):
        prog = program(words[0])
        for cli, _ in CLI:
            if prog == cli[0] and len(words) > len(cli) and tuple(words[1 : len(cli)]) == cli[1:]:
                revision = _option(words, "--revision")
                if revision is None or revision in MOVING:
                    yield target.problem_at_word(instr, ci, len(cli), _cli_message(words[len(cli)], revision), stage=stage.label)
        if prog == "git" and "clone" in words[1:3]:
            url = next((w for w in words if _CLONE_URL.match(w)), None)
            if url and not any(_PINNED_CHECKOUT.search(" ".join(c)) for c in commands[ci + 1 :]) and _option(words, "--revision") is None:
                yield target.problem_at_word(instr, ci, words.index(url), f"`git clone {url}` takes the repository's default branch; check out a commit (`git -C <dir> checkout <sha>`)", stage=stage.label)
    texts = [(None, instr.rest)] + [(doc, doc.content) for doc in instr.heredocs]
    for doc, text in texts:
        for m in _CALL.finditer(text) if "(" in text else ():
            args = _arguments(text, m.end())
            name = _HUB_NAME.match(args)
            if name is None or name.group(2).startswith("."):
                continue
            rev = _REVISION.search(args)
            if rev is None or rev.group(2) in MOVING:
                yield _at(df, instr, doc, m.start(1), len(m.group(1)),
                    f"`{m.group(1)}(\"{name.group(2)}\")` downloads the repository's {'`' + rev.group(2) + '` branch' if rev else 'main branch'}: pass `revision=\"<commit sha>\"`",
                    stage.label)
        for m in _RESOLVE.finditer(text) if "://" in text else ():
            yield _at(df, instr, doc, m.start(), len(m.group()), _resolve_message(m.group(1)), stage.label)


def _option(words: list[str], name: str) -> str | None:
    for k, w in enumerate(words):
        if w == name and k + 1 < len(words):
            return words[k + 1]
        if w.startswith(name + "="):
            return w[len(name) + 1 :]
    return None


def _arguments(text: str, start: int) -> str:
    """The text of a call's arguments from just after its ``(`` to the matching ``)``."""
    depth = 1
    for k in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return text[start:k]
    return text[start:]


def _at(df, instr, doc, k: int, length: int, message: str, stage: str) -> Problem:
    if doc is None:
        return in_rest(df, instr, k, length, message, stage=stage)
    before = doc.content[:k]
    line = doc.line + before.count("\n")
    col = k - (before.rfind("\n") + 1) + 1
    return Problem(line, col, message, end_line=line, end_column=col + length, stage=stage)


def _cli_message(repo: str, revision: str | None) -> str:
    got = f"the `{revision}` branch" if revision else "the main branch"
    return f"downloading `{repo}` without a commit takes {got}, which moves; add `--revision <commit sha>`"


def _resolve_message(branch: str) -> str:
    return f"`/resolve/{branch}/` follows a branch that moves with every push; put the commit sha in its place"
