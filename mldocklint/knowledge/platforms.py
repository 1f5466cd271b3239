"""Base images published for one CPU architecture only: pinning `--platform` to it is the
only way to build them, not a mistake (ML015)."""

from __future__ import annotations

from mldocklint.syntax.image_ref import image_parts

# (repository prefix, architecture, source)
SINGLE_ARCH: tuple[tuple[str, str, str], ...] = (
    ("nvcr.io/nvidia/l4t-", "arm64", "NVIDIA NGC: L4T containers run on Jetson (aarch64) devices only, catalog.ngc.nvidia.com/containers (l4t-base, l4t-pytorch, l4t-jetpack)"),
    ("dustynv/", "arm64", "jetson-containers (dusty-nv): images built for Jetson/L4T, github.com/dusty-nv/jetson-containers"),
    ("rocm/", "amd64", "AMD ROCm Docker images: x86_64 only (ROCm supports x86_64 hosts), rocm.docs.amd.com/projects/install-on-linux/en/latest/install/3rd-party/pytorch-install.html"),
    ("intel/intel-extension-for-pytorch", "amd64", "Intel Extension for PyTorch images: x86_64 (Intel CPUs and GPUs), hub.docker.com/r/intel/intel-extension-for-pytorch"),
    ("public.ecr.aws/neuron/", "amd64", "AWS Neuron deep learning containers: x86_64 (Inf/Trn instances), github.com/aws-neuron/deep-learning-containers"),
)


def single_architecture(image: str) -> str | None:
    """The only architecture ``image`` is published for, when the table knows it."""
    repo, _ = image_parts(image)
    for prefix, arch, _source in SINGLE_ARCH:
        if repo.startswith(prefix):
            return arch
    return None
