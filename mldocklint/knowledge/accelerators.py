"""Accelerator stacks: which base images carry CUDA, and how a CUDA version is written."""

from __future__ import annotations

import re

from mldocklint.syntax.image_ref import image_parts

_CUDA = re.compile(r"(?<![a-z0-9])cu(?:da)?(\d{2,3})(?:\.(\d+))?(?![0-9])")
_GPU_REPOS = ("nvidia/", "nvcr.io/", "rapidsai/", "vllm/vllm-openai", "ghcr.io/huggingface/text-generation-inference")


def cuda_version(text: str) -> tuple[int, int | None] | None:
    """CUDA (major, minor) named in a tag, wheel, index URL or package name: ``cu121`` -> (12, 1),
    ``cuda12.1`` -> (12, 1), ``cu12`` / ``cuda12x`` -> (12, None); None when there is none."""
    m = _CUDA.search(text.lower())
    if m is None:
        return None
    digits, minor = m.group(1), m.group(2)
    if minor is not None:
        return int(digits), int(minor)
    return (int(digits[:2]), int(digits[2])) if len(digits) == 3 else (int(digits), None)


def is_gpu_image(image: str) -> bool:
    """A CUDA / GPU image: nvidia/cuda, NGC (nvcr.io), RAPIDS, vLLM, TGI, or `cuda`/`gpu`/`cuNNN` in the name."""
    repo, tag = image_parts(image)
    ref = repo + ":" + tag
    return "cuda" in ref or "gpu" in ref or repo.startswith(_GPU_REPOS) or cuda_version(tag) is not None


def image_cuda_version(image: str) -> tuple[int, int | None] | None:
    """CUDA version of a GPU image when its tag says it: ``nvidia/cuda:12.4.1-...`` -> (12, 4),
    ``pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime`` -> (12, 1)."""
    repo, tag = image_parts(image)
    if repo == "cuda" or repo.endswith("/cuda"):
        m = re.match(r"(\d+)\.(\d+)", tag)
        return (int(m.group(1)), int(m.group(2))) if m else None
    return cuda_version(tag)


# apt / conda packages that put the CUDA runtime into an image
CUDA_RUNTIME_PACKAGES = re.compile(r"(cuda-(runtime|toolkit|libraries|cudart)|cudatoolkit|pytorch-cuda|cuda-version|libcudnn\d*|nvidia-cuda-toolkit)\b")
