"""
## What it does
Compares the CUDA version of the final image's base with the CUDA version of the wheels
and conda packages installed in the stages that reach the final image. The base version
comes from the tag (`nvidia/cuda:12.4.1-runtime-ubuntu22.04` is 12.4,
`pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime` is 12.1, `cuNNN` in a tag), after `ARG`
substitution and `--build-arg`. The package version comes from a pip index URL
(`--index-url https://download.pytorch.org/whl/cu118` is 11.8), a local version
(`torch==2.3.0+cu121` is 12.1), a package name (`cupy-cuda11x`, `nvidia-cublas-cu11`: major
11), or a conda spec (`pytorch-cuda=11.8`, `cudatoolkit=11.8`, `cuda-version=12.1`); on the
command line and, when the build context is read, in the requirements files the image
installs (their `--index-url`/`--extra-index-url`/`-f` lines and their requirements, such
as `torch==2.1.2+cu121`), reported in the requirements file.

It flags:

- a different major version (11.x wheels on a 12.x base, or the reverse);
- a newer minor version than the base (`cu124` wheels on a 12.1 base).

It does not flag wheels built for an older minor of the same major (`cu121` wheels on a
12.4 base): CUDA's minor version compatibility guarantees that an application built
with 12.1 runs with any 12.x driver and runtime, so that is a normal setup. Bases whose
tag does not say the CUDA version (`nvcr.io/nvidia/pytorch:24.01-py3`,
`tensorflow/tensorflow:2.15.0-gpu`) are not judged.

## Why is this bad?
A different major means two CUDA stacks in one image (the base's libraries and the
`nvidia-*-cu11` wheels), gigabytes of duplicates, and extensions compiled against the
base's `nvcc` fail to build: PyTorch's `cpp_extension` stops with "The detected CUDA
version (12.4) mismatches the version that was used to compile PyTorch (11.8)". With a
newer minor in the wheels than in the base, the image's `NVIDIA_REQUIRE_CUDA` admits
hosts whose driver only knows the older CUDA release; the wheels start there, but
PTX compiled by the newer toolkit cannot be JIT-compiled by the older driver
(`CUDA_ERROR_UNSUPPORTED_PTX_VERSION`), so kernels fail on exactly the GPUs the prebuilt
binaries do not cover.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cu118 torch==2.3.1
USER 1000
```

## Use instead
```dockerfile
FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cu124 torch==2.4.0
USER 1000
```

## When to ignore
When the wheels bundle their CUDA runtime and nothing in the image uses the base's CUDA
libraries or compiler; then a plainer base (`nvidia/cuda:*-base-*`) of the same major is
the better fix.

## Fix
None: pick the wheel index (`cu118`, `cu121`, `cu124`, ...) that matches the base
image's CUDA, or the base image that matches the wheels.

## Options
None.
"""

from mldocklint import lazyre
from mldocklint.knowledge.accelerators import cuda_version, image_cuda_version
from mldocklint.model import Problem
from mldocklint.syntax.shell import package_command
from mldocklint.target import known_root_base

ID = "ML404"
SLUG = "cuda-version-mismatch"
CATEGORY = "gpu"
SEVERITY = "error"
SUMMARY = "CUDA version of the base image and of the installed wheels differ"
FIX = "none"
USES_CONTEXT = True  # reads the requirements files the image installs when the build context was read

_CONDA = ("conda", "mamba", "micromamba")
_CONDA_CUDA = lazyre.compile(r"(pytorch-cuda|cudatoolkit|cuda-version|cuda-toolkit|cuda-runtime)[=<>~!]*=?(\d+)\.(\d+)")


def _show(v) -> str:
    return f"{v[0]}.{v[1]}" if v[1] is not None else f"{v[0]}.x"


def _mismatch(base, used) -> str | None:
    if used[0] != base[0]:
        return "a different major version"
    if used[1] is not None and used[1] > base[1]:
        return "a newer version"
    return None


def _used_versions(target):
    """(stage, instruction, command, word index, text, (major, minor)) of every CUDA version a package install asks for."""
    stages = target.built_stages()
    for p in target.pip_installs(stages):
        for k, text in p.indexes() + p.requirements:
            v = cuda_version(text)
            if v is not None:
                yield p.stage, p.instr, p.command, k, text, v
    for stage in stages:
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            for ci, words in enumerate(target.commands(instr)):
                found = package_command(words)
                if not found or found[1] != "install":
                    continue
                for k, word in found[2]:
                    m = _CONDA_CUDA.match(word.lower()) if found[0] in _CONDA else None
                    if m:
                        yield stage, instr, ci, k, word, (int(m.group(2)), int(m.group(3)))


def _file_versions(target):
    """(stage, shown path, line, column, end column, text, (major, minor)) of every CUDA version
    the requirements files the image installs ask for (index lines and requirements)."""
    seen = set()
    for stage, src in target.shipped_requirements():
        found = [(i.path, i.line, i.column, i.end_column, i.url) for i in src.indexes]
        found += [(e.path, e.line, e.column, e.end_column, e.text) for e in src.entries if e.kind == "pip"]
        for path, line, column, end, text in found:
            v = cuda_version(text)
            if v is not None and (path, line, column) not in seen:
                seen.add((path, line, column))
                yield stage, target.context.shown(path), line, column, end, text, v


def check(target, options):
    base = known_root_base(target.dockerfile, target.final)
    base_v = image_cuda_version(base) if base else None
    if base_v is None or base_v[1] is None:
        return
    advice = "use the wheels that match the base's CUDA, or the base that matches the wheels"
    for stage, instr, ci, k, text, v in _used_versions(target):
        why = _mismatch(base_v, v)
        if why is not None:
            message = f"`{text}` asks for CUDA {_show(v)}, {why} than the base image `{base}` (CUDA {_show(base_v)}); {advice}"
            yield target.problem_at_word(instr, ci, k, message, stage=stage.label)
    for stage, path, line, column, end, text, v in _file_versions(target):
        why = _mismatch(base_v, v)
        if why is not None:
            message = f"`{text}` in {path} asks for CUDA {_show(v)}, {why} than the base image `{base}` (CUDA {_show(base_v)}); {advice}"
            yield Problem(line, column, message, end_line=line, end_column=end, path=path, stage=stage.label)
