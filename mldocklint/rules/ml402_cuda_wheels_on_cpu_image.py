"""
## What it does
Flags `torch` (also `torchvision` and `torchaudio`, once per command, at the `torch` word
when it is there) installed in a stage that reaches the final image, on the command line
or in a requirements file the image installs (read when the build context is), when the
image has no CUDA of its own (no CUDA base image and no CUDA set up by the Dockerfile: see
ML401) and the install does not use the CPU wheels.

Where the index can come from, all of which are read: `--index-url`/`--extra-index-url`/`-f`
on the command line or in the requirements file; `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`,
`PIP_FIND_LINKS` and uv's `UV_INDEX_URL`, `UV_EXTRA_INDEX_URL`, `UV_INDEX`,
`UV_DEFAULT_INDEX` set by `ENV` or `ARG` before it; `pip config set global.index-url ...`;
and a `pip.conf` written by a `RUN`. The install is fine when one of them points at
`download.pytorch.org/whl/cpu` (or `whl/xpu`, `whl/rocmX.Y`), or at a `cuNNN` index
(CUDA wanted on purpose), or when the requirement has a local version (`+cpu`, `+cu121`).
Requirements with an environment marker (`torch; platform_machine == "x86_64"`) are not
judged: where they apply is not known here.
An index held in a variable with no value, or a `pip.conf` copied from the context, is not
guessed: not flagged.

As for ML401, the image is judged only when its base is known to carry no accelerator (a
Docker Official Image or a CPU family), and installs inside a `RUN` that tests for a GPU
first are not counted. Not flagged either: images built for arm64 (`FROM --platform=linux/arm64`), where PyPI's
torch is CPU-only; images on another accelerator stack (a ROCm, Ascend, Intel XPU/Gaudi or
AWS Neuron base, or a backend such as `torch-npu` or `intel-extension-for-pytorch`
installed next to torch); and a base that depends on an `ARG` with no value.

## Why is this bad?
On Linux x86_64 the default `torch` wheel from PyPI is the CUDA build, and it pulls the
CUDA runtime as a dozen `nvidia-*-cu12` wheels (cuBLAS, cuDNN, NCCL, cuSPARSE, ...). One
project measured a cold install at 859 MB for torch plus 2,840 MB of NVIDIA libraries,
against 180 MB with the CPU index; another measured its serving image at 3.38 GB
compressed with the default wheels and 0.68 GB with the CPU ones. On an image that can
never see a GPU, those gigabytes are pushed, pulled and scanned on every deploy for
nothing.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN pip install --no-cache-dir torch==2.3.1
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.3.1
USER 1000
```

## When to ignore
When the image runs on GPU hosts with the NVIDIA Container Toolkit and relies on the
CUDA libraries bundled in the torch wheels; then say so with a `cuNNN` index or local
version (`torch==2.3.1+cu121`), which this rule accepts.

## Fix
None: add `--index-url https://download.pytorch.org/whl/cpu` to the install (or a `+cpu`
version with `-f https://download.pytorch.org/whl/torch_stable.html`).

## Options
None.
"""

import re

from mldocklint import lazyre
from mldocklint.knowledge import accelerators as acc
from mldocklint.model import Problem
from mldocklint.rules._gpu import arm64, assignments, conditional, cpu_image, expand, stacks, variables
from mldocklint.syntax.requirements import requirement
from mldocklint.syntax.shell import program

ID = "ML402"
SLUG = "cuda-wheels-on-cpu-image"
CATEGORY = "gpu"
SEVERITY = "warning"
SUMMARY = "torch with its CUDA libraries installed on an image without CUDA"
FIX = "none"
USES_CONTEXT = True  # reads the requirements files the image installs when the build context was read

_TORCH = ("torch", "torchvision", "torchaudio")
_VAR = lazyre.compile(r"\$\{?\w+\}?")
_ADVICE = "add `--index-url https://download.pytorch.org/whl/cpu`"


def _torch(word: str):
    req = requirement(_VAR.sub("0", word))  # torch==${VERSION}+cpu
    return req if req is not None and req.name.lower() in _TORCH else None


def _decided(urls) -> bool:
    """An index that says which build is wanted: CPU, XPU or ROCm wheels, CUDA wheels on
    purpose, or a variable whose value is not known."""
    return any(acc.TORCH_CPU_INDEX.search(u) or acc.CUDA_INDEX.search(u) or acc.cuda_version(u) or "$" in u or not u for u in urls)


def _configured(target, stage) -> list:
    """(instruction, URL) of every index a RUN configures (``pip config set``, a written
    pip.conf) or a COPY brings in as a pip.conf ("" for the URL: not read); cached per stage."""
    return target.memo(("configured_indexes", stage.index), lambda t, s: list(_configuring(t, s)), stage)


def _configuring(target, stage):
    for instr in target.effective(stage):
        if instr.keyword in ("COPY", "ADD") and any(v.rsplit("/", 1)[-1] in ("pip.conf", "pip.ini") for v in instr.value):
            yield instr, ""
        if instr.keyword != "RUN":
            continue
        for words in target.commands(instr):
            if program(words[0]).startswith("pip") and "config" in words and "set" in words:
                k = words.index("set")
                if k + 2 < len(words) and re.search(r"(index-url|find-links)$", words[k + 1]):
                    yield instr, words[k + 2]
        text = instr.rest + "".join(d.content for d in instr.heredocs)
        if "pip.conf" in text or "pip.ini" in text:
            for m in acc.INDEX_CONFIG_KEYS.finditer(text.replace("\\n", "\n")):
                yield instr, m.group(3).strip("'\"")


def _urls(target, stage, instr, own):
    """Every index URL that applies to an install by ``instr``: ``own`` (the command's and
    the requirements file's), ENV/ARG variables and the pip configuration written before it."""
    values = {**variables(target, stage, instr), **assignments(instr)}
    urls = list(own) + [values[v] for v in acc.INDEX_VARIABLES if v in values]
    urls += [u for i, u in _configured(target, stage) if target.position(i, stage) < target.position(instr, stage)]
    return [expand(u, values) for u in urls]


def check(target, options):
    found = stacks(target)
    if found is None or not cpu_image(target) or arm64(target) or any(s.name != "cuda" or s.how != "wheels" for s in found):
        return  # unknown base, CPU-only platform, CUDA of its own, or another accelerator stack
    commands = {}
    for p in target.pip_installs(target.built_stages()):
        commands.setdefault(id(p.instr), []).append(p)
        torch = [(k, w, r) for k, w in p.requirements for r in [_torch(w)] if r is not None]
        if not torch or conditional(p.instr) or any("+" in str(r.specifier) for _, _, r in torch):
            continue  # +cpu, or +cuNNN (CUDA wanted on purpose)
        if _decided(_urls(target, p.stage, p.instr, [u for _, u in p.indexes()])):
            continue
        k, word, _ = next((t for t in torch if t[2].name.lower() == "torch"), torch[0])
        message = f"`{word}` installs the CUDA build of torch with several GB of NVIDIA libraries on an image without CUDA; {_ADVICE}"
        yield target.problem_at_word(p.instr, p.command, k, message, stage=p.stage.label)
    seen = set()
    for stage, src in target.shipped_requirements():
        if src.kind != "requirements" or conditional(src.instruction):
            continue
        torch = [e for e in src.entries if e.name in _TORCH and ";" not in e.text]
        if not torch or any("+" in e.text for e in torch) or (src.path, torch[0].line) in seen:
            continue  # none, a local version (+cpu, +cu121) that says which build, or already reported
        own = [i.url for i in src.indexes] + [u for p in commands.get(id(src.instruction), []) if src.word in p.words for _, u in p.indexes()]
        if _decided(_urls(target, stage, src.instruction, own)):
            continue
        seen.add((src.path, torch[0].line))
        e = next((e for e in torch if e.name == "torch"), torch[0])
        path = target.context.shown(e.path)
        message = f"`{e.text}` in {path} installs the CUDA build of torch with several GB of NVIDIA libraries on an image without CUDA; {_ADVICE} to {path} or the install"
        yield Problem(e.line, e.column, message, end_line=e.line, end_column=e.end_column, path=path, stage=stage.label)
