r"""
## What it does
Flags an image that clearly wants an NVIDIA GPU but is built on a base image without
CUDA. The GPU signals are, in `pip install` commands of the stages that reach the final
image (the stage being built, the stages it is built `FROM` and the stages it copies
from):

- GPU-only packages: `onnxruntime-gpu`, `tensorflow[and-cuda]`, `jax[cuda12]`,
  `cupy-cuda12x`, `nvidia-*-cu12`, `cudf-cu12`, `vllm`, `flash-attn`, `xformers`,
  `bitsandbytes`, `tensorrt`, `pycuda`, any `*-gpu` package, and any wheel with a CUDA
  local version (`torch==2.3.0+cu121`);
- a CUDA package index: `--index-url`/`--extra-index-url`/`-f` pointing at
  `download.pytorch.org/whl/cu121` (any `cuNNN`), `pypi.nvidia.com` or JAX's CUDA releases;

and `ENV NVIDIA_VISIBLE_DEVICES` (other than `void` or `none`) in the final stage.

The base counts as a CUDA image when its root base (after `ARG` substitution and
`--build-arg`) is `nvidia/cuda`, an NGC image (`nvcr.io/...`), `pytorch/pytorch:*cuda*`,
`tensorflow/tensorflow:*-gpu`, `rapidsai/*`, `vllm/vllm-openai`, or any image whose name
or tag holds `cuda`, `gpu` or `cuNNN`; and when the final stage installs CUDA itself with
apt or conda (`cuda-runtime-*`, `cuda-toolkit`, `libcudnn*`, `cudatoolkit`,
`pytorch-cuda`), or copies the whole filesystem of a stage that has CUDA
(`FROM scratch` + `COPY --from=base / /`). A base that depends on an `ARG` with no value is not judged. Each signal
is reported at its word (the package, the index URL, the `ENV`).

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
Wheels that bundle their own CUDA runtime as `nvidia-*-cu12` dependencies (PyPI `torch`,
`vllm`, `xformers`, `tensorflow[and-cuda]`) do run on a plain base when the host's NVIDIA
Container Toolkit provides the driver (`docker run --gpus all`). If you build such images
on purpose, suppress the finding with a reason.

## Fix
None: build `FROM` a CUDA image (`nvidia/cuda:<version>-runtime-<os>`, or the
framework's GPU image) whose CUDA version matches the wheels.

## Options
None.
"""

import re

from mldocklint.knowledge.accelerators import cuda_version
from mldocklint.rules._gpu import final_has_cuda
from mldocklint.syntax.requirements import requirement
from mldocklint.target import known_root_base, problem_at

ID = "ML401"
SLUG = "gpu-without-cuda-base"
CATEGORY = "gpu"
SEVERITY = "error"
SUMMARY = "GPU packages on a base image without CUDA"
FIX = "none"

_GPU_ONLY = frozenset(
    "onnxruntime-gpu vllm flash-attn xformers bitsandbytes tensorrt tensorrt-llm pycuda cupy cuda-python "
    "auto-gptq exllamav2 triton-model-analyzer".split()
)
_GPU_EXTRAS = re.compile(r"and-cuda|cuda.*|gpu")
_GPU_INDEX = re.compile(r"pypi\.nvidia\.com|jax_cuda_releases|/whl/(nightly/)?cu\d+")


def gpu_requirement(word: str) -> str | None:
    """The package name when a pip requirement word is GPU-only, else None."""
    req = requirement(word)
    if req is None:
        return None
    name = re.sub(r"[-_.]+", "-", req.name.lower())
    if name in _GPU_ONLY or name.endswith("-gpu") or cuda_version(word) is not None:
        return req.name
    if any(_GPU_EXTRAS.fullmatch(e.lower()) for e in req.extras):
        return word
    return None


def check(target, options):
    if final_has_cuda(target) is not False:
        return
    stage = target.final
    base = known_root_base(target.dockerfile, stage)
    advice = f"but the base image `{base}` has no CUDA; build FROM a CUDA image (nvidia/cuda:<version>-runtime-<os> or the framework's GPU image)"
    for p in target.pip_installs(target.built_stages()):
        for k, url in p.indexes():
            if _GPU_INDEX.search(url.lower()):
                yield target.problem_at_word(p.instr, p.command, k, f"`{url}` serves CUDA wheels {advice}", stage=p.stage.label)
        for k, word in p.requirements:
            name = gpu_requirement(word)
            if name is not None:
                yield target.problem_at_word(p.instr, p.command, k, f"`{name}` needs an NVIDIA GPU {advice}", stage=p.stage.label)
    env = target.env(stage)
    if "NVIDIA_VISIBLE_DEVICES" in env and env["NVIDIA_VISIBLE_DEVICES"][0].lower() not in ("", "void", "none"):
        yield problem_at(target.dockerfile, env["NVIDIA_VISIBLE_DEVICES"][1], "NVIDIA_VISIBLE_DEVICES", f"`NVIDIA_VISIBLE_DEVICES` asks for a GPU {advice}", stage=stage.label)
