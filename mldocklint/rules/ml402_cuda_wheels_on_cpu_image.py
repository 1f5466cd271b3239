"""
## What it does
Flags `pip install torch` (also `torchvision` and `torchaudio`, once per command, at the
`torch` word when it is there) in a stage that reaches the final image, when the image
has no CUDA (see ML401 for what counts as a CUDA image) and the install does not use the
CPU wheels: no `--index-url`/`--extra-index-url`/`-f` pointing at
`download.pytorch.org/whl/cpu` (or `whl/xpu`, `whl/rocmX.Y`, `whl/test/cpu`, or an index
given by a variable, which is not guessed; on the command or in `PIP_INDEX_URL`,
`PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`, `UV_INDEX_URL`, `UV_EXTRA_INDEX_URL` set by `ENV`
before it) and no `+cpu` local version. Not flagged: installs that ask for CUDA wheels on
purpose (a `cuNNN` index or `+cuNNN` version: that is ML401), bases built for arm64
(`FROM --platform=linux/arm64`), where PyPI's torch is CPU-only, and a base that depends
on an `ARG` with no value. Requirements files (`-r`) are not read by this rule.

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

from mldocklint.knowledge.accelerators import cuda_version
from mldocklint.rules._gpu import final_has_cuda
from mldocklint.syntax.requirements import requirement

ID = "ML402"
SLUG = "cuda-wheels-on-cpu-image"
CATEGORY = "gpu"
SEVERITY = "warning"
SUMMARY = "torch with its CUDA libraries installed on an image without CUDA"
FIX = "none"

_TORCH = ("torch", "torchvision", "torchaudio")
# PyTorch indexes whose wheels carry no CUDA libraries: CPU, Intel XPU, AMD ROCm
_CPU_INDEX = re.compile(r"/whl/(nightly/|test/)?(cpu|xpu|rocm[\d.]*)\b")
_VAR = re.compile(r"\$\{?\w+\}?")
_INDEX_VARS = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX")


def _torch_words(requirements):
    for k, word in requirements:
        req = requirement(_VAR.sub("0", word))  # torch==${VERSION}+cpu
        if req is None:
            continue
        if req.name.lower() in _TORCH:
            yield k, word, req


def check(target, options):
    if final_has_cuda(target) is not False:
        return
    root = target.dockerfile.lineage(target.final)[0]
    if any(a in (root.platform or "") for a in ("arm64", "aarch64")):
        return
    for p in target.pip_installs(target.built_stages()):
        torch = list(_torch_words(p.requirements))
        if not torch:
            continue
        env = target.env(p.stage, before=p.instr)
        urls = [u for _, u in p.indexes()] + [env[v][0] for v in _INDEX_VARS if v in env]
        if any(_CPU_INDEX.search(u) or cuda_version(u) or "$" in u for u in urls):  # an index from a variable: not guessed
            continue
        if any("+" in str(req.specifier) for _, _, req in torch):
            continue  # +cpu, or +cuNNN (CUDA wanted on purpose: ML401)
        k, word, req = next((t for t in torch if t[2].name.lower() == "torch"), torch[0])
        yield target.problem_at_word(
            p.instr,
            p.command,
            k,
            f"`{word}` installs the CUDA build of torch with several GB of NVIDIA libraries on an image without CUDA; "
            "add `--index-url https://download.pytorch.org/whl/cpu`",
            stage=p.stage.label,
        )
