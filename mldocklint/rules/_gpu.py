"""What the GPU rules (ML401-ML404) share: whether the image being built has CUDA."""

from __future__ import annotations

from mldocklint.knowledge.accelerators import CUDA_RUNTIME_PACKAGES, is_gpu_image
from mldocklint.model import Stage
from mldocklint.syntax import shell
from mldocklint.target import Target, known_root_base


def final_has_cuda(target: Target, stage: Stage | None = None) -> bool | None:
    """Whether the image being built has CUDA: a GPU base image, or CUDA installed with
    apt/conda, in the stages whose files make the image (``Target.image_stages``: the
    final stage, its parents and the stages it copies whole). None when the final stage's
    base image depends on an ARG with no value."""
    df = target.dockerfile
    stage = stage or target.final
    if known_root_base(df, stage) is None:
        return None
    for s in target.image_stages(stage):
        if s.parent is None and is_gpu_image(known_root_base(df, s) or ""):
            return True
        for _, words in target.runs(s):
            found = shell.package_command(words)
            if found and found[1] == "install" and any(CUDA_RUNTIME_PACKAGES.match(p.lower()) for _, p in found[2]):
                return True
    return False
