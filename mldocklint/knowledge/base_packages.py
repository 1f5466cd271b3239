"""Python packages a base image already holds at one version, when its tag names a release.

Each row: the image repository, how a tag names one release (a regular expression that a
tag matching names a fixed build, not ``latest`` or ``nightly``), the packages installed in
it, and where that is documented. ``pip install torch`` on such an image finds torch
installed and changes nothing (unless ``--upgrade``), so the bare name is not unpinned.
"""

from __future__ import annotations

from mldocklint import lazyre
from mldocklint.records import NamedTuple
from mldocklint.syntax.image_ref import image_parts


class BaseImage(NamedTuple):
    repository: str
    release_tag: lazyre.Pattern
    packages: frozenset[str]  # canonical names
    source: str


BASE_IMAGES = (
    BaseImage(
        "pytorch/pytorch",
        lazyre.compile(r"\d+\.\d+\.\d+-"),  # 2.3.1-cuda12.1-cudnn8-runtime
        frozenset(("torch", "torchvision", "torchaudio")),
        "https://github.com/pytorch/pytorch/blob/main/Dockerfile (installs torch, torchvision, torchaudio at the tagged release)",
    ),
    BaseImage(
        "nvcr.io/nvidia/pytorch",
        lazyre.compile(r"\d{2}\.\d{2}-py3"),  # 24.05-py3
        frozenset(("torch", "torchvision")),
        "https://docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes/ (the PyTorch and TorchVision versions of each monthly release)",
    ),
    BaseImage(
        "tensorflow/tensorflow",
        lazyre.compile(r"\d+\.\d+\.\d+(-|$)"),  # 2.15.0-gpu
        frozenset(("tensorflow",)),
        "https://hub.docker.com/r/tensorflow/tensorflow (tags name the TensorFlow release)",
    ),
    BaseImage(
        "nvcr.io/nvidia/tensorflow",
        lazyre.compile(r"\d{2}\.\d{2}-tf2-py3"),  # 24.02-tf2-py3
        frozenset(("tensorflow",)),
        "https://docs.nvidia.com/deeplearning/frameworks/tensorflow-release-notes/ (the TensorFlow version of each release)",
    ),
)


def provided_packages(image: str) -> frozenset[str]:
    """Canonical names of the packages ``image`` holds at one version (empty when its tag is not a release)."""
    repo, tag = image_parts(image)
    for row in BASE_IMAGES:
        if repo == row.repository and row.release_tag.match(tag):
            return row.packages
    return frozenset()
