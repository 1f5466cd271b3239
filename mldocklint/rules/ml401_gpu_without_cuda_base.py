r"""
## What it does
Flags a package that needs a CUDA the image does not provide. What needs CUDA, in the
`pip install` commands of the stages that reach the final image (the stage being built,
the stages it is built `FROM` and the stages it copies from), and in the requirements
files they install when the build context is read:

- packages that load a system CUDA (and cuDNN): `onnxruntime-gpu`, `cupy-cuda12x` (without
  its `[ctk]` extra), `jax[cuda12_local]`;
- packages that compile against the CUDA toolkit: `flash-attn`, `pycuda`, `apex`,
  `llama-cpp-python` built with `CMAKE_ARGS="-DGGML_CUDA=on"`, and `deepspeed` with
  `DS_BUILD_OPS=1`.

What provides CUDA: a CUDA base image (`nvidia/cuda`, NGC `nvcr.io/nvidia/*`,
`pytorch/pytorch:*cuda*`, `tensorflow/tensorflow:*-gpu`, vLLM, TGI, lmdeploy, RAPIDS, or
`cuda`/`gpu`/`cuNNN` in the name), CUDA set up by the Dockerfile (apt/yum `cuda-*` and
`libcudnn*` packages, also when their names are held in `ENV`/`ARG`; conda `cudatoolkit`,
`cuda-toolkit`, `pytorch-cuda`; `/usr/local/cuda` copied in; NVIDIA's runfile installer;
`CUDA_VERSION`/`NVIDIA_REQUIRE_CUDA` set in a base stage). Python packages that bring their
own CUDA libraries as wheels (`torch` from PyPI or a `whl/cuXXX` index, `nvidia-*-cu12`,
`tensorflow[and-cuda]`, `jax[cuda12]`) do not count: the packages above look for a system
CUDA. The tables, with their sources, are in `mldocklint/knowledge/accelerators.py`.

The image is judged only when its base is known to carry no accelerator: a Docker Official
Image (`python`, `ubuntu`, `debian`, ...) or a CPU family (`continuumio/*`,
`mambaorg/micromamba`, `tensorflow/tensorflow` without `gpu`, Jupyter's images, ...); a
third-party base may carry CUDA without saying so. Installs inside a `RUN` that tests for a
GPU first (`if [[ "$BASE_IMAGE" =~ nvidia ]]; then ...`) are not counted.

Never flagged: `NVIDIA_VISIBLE_DEVICES` (NVIDIA's documented switch for the container
runtime), CUDA wheels that bundle their libraries (`torch`, `vllm`, `xformers`: see ML402),
images on another accelerator stack (ROCm, Ascend CANN / `torch-npu`, Intel XPU / Gaudi, AWS
Neuron), and a base that depends on an `ARG` with no value. Each finding is at the package
word.

## Why is this bad?
GPU packages that load the system CUDA libraries fail or silently fall back to the CPU
on a plain base: `onnxruntime-gpu` logs that `libcublasLt.so` or `libcudnn.so` cannot
be loaded and runs on the `CPUExecutionProvider`, CuPy cannot find the CUDA runtime, and
source builds such as `flash-attn` stop because `nvcc` and `CUDA_HOME` are missing. The
CUDA images also set `NVIDIA_REQUIRE_CUDA`, so the NVIDIA container runtime refuses to
start the container on a host whose driver is too old, instead of failing at the first
CUDA call in production.

## Example
```dockerfile
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN pip install --no-cache-dir onnxruntime-gpu==1.18.0
USER 1000
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir onnxruntime-gpu==1.18.0
USER 1000
```

## When to ignore
When CUDA reaches the image in a way this rule does not see (a tarball unpacked by a
script, a base image built elsewhere whose name does not say CUDA).

## Fix
None: build `FROM` a CUDA image (`nvidia/cuda:<version>-runtime-<os>`, or the
framework's GPU image) whose CUDA version matches the wheels.

## Options
None.
"""

from mldocklint.knowledge import accelerators as acc
from mldocklint.model import Problem
from mldocklint.rules._gpu import assignments, conditional, cpu_image, expand, stacks, variables
from mldocklint.syntax.requirements import canonical, requirement
from mldocklint.target import known_root_base

ID = "ML401"
SLUG = "gpu-without-cuda-base"
CATEGORY = "gpu"
SEVERITY = "error"
SUMMARY = "A package needs a CUDA the image does not provide"
FIX = "none"
USES_CONTEXT = True  # reads the requirements files the image installs when the build context was read

_ADVICE = "build FROM a CUDA image (nvidia/cuda:<version>-runtime-<os>, -devel to compile, or the framework's GPU image)"


def _need(word: str, env: dict[str, str]) -> tuple[str, str] | None:
    """(package, "runtime" or "toolkit") when a requirement needs a CUDA the image must provide."""
    req = requirement(word)
    if req is None:
        return None
    name = canonical(req.name)
    if name in acc.CUDA_BUILD_PACKAGES and acc.CUDA_BUILD_FLAGS.search(env.get("CMAKE_ARGS", "")):
        return req.name, "toolkit"
    if name == "deepspeed" and any(acc.DEEPSPEED_PREBUILD.fullmatch(k) and v == "1" for k, v in env.items()):
        return req.name, "toolkit"
    row = acc.python_cuda(name, frozenset(e.lower() for e in req.extras))
    if row is None or row.cuda == "bundled":
        return None
    return req.name, row.cuda


def _needs(target):
    """(pip install, word index, need) for the commands and (requirements source, entry, need) for the files."""
    for p in target.pip_installs(target.built_stages()):
        if conditional(p.instr):
            continue
        values = variables(target, p.stage, p.instr)
        env = {**values, **assignments(p.instr)}
        for k, word in p.requirements:
            found = _need(expand(word, values), env)
            if found is not None:
                yield p, k, found
    seen = set()
    for _, src in target.shipped_requirements():
        for e in src.entries:
            found = _need(e.text, {}) if e.kind == "pip" and not conditional(src.instruction) else None
            if found is not None and (e.path, e.line, e.column) not in seen:
                seen.add((e.path, e.line, e.column))
                yield src, e, found


def check(target, options):
    found = stacks(target)
    if found is None or not cpu_image(target) or any(s.name != "cuda" for s in found):
        return  # unknown base (an ARG, or a third-party image that may carry CUDA), or another accelerator stack
    if any(s.how != "wheels" for s in found):
        return  # CUDA from the base image or set up by the Dockerfile
    for where, at, (name, kind) in _needs(target):
        what = "loads the CUDA and cuDNN libraries" if kind == "runtime" else "compiles against the CUDA toolkit (nvcc, headers)"
        base = known_root_base(target.dockerfile, target.final)
        message = f"`{name}` {what}, and nothing in the image provides them (base image `{base}`); {_ADVICE}"
        if at is None or isinstance(at, int):
            yield target.problem_at_word(where.instr, where.command, at, message, stage=where.stage.label)
        else:
            yield Problem(at.line, at.column, message, end_line=at.line, end_column=at.end_column, path=target.context.shown(at.path), stage=target.final.label)
