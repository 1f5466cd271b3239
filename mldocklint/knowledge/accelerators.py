"""Accelerator stacks as data: which base images carry CUDA (or another accelerator stack),
how CUDA is set up inside a Dockerfile, which Python and conda packages bring their own CUDA
user-space libraries and which need a CUDA the image must provide, and how a CUDA version
is written. Every row cites where the fact comes from.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mldocklint import lazyre
from mldocklint.records import NamedTuple
from mldocklint.syntax.image_ref import image_parts

_CUDA = lazyre.compile(r"(?<![a-z0-9])cu(?:da)?(\d{2,3})(?:\.(\d+))?(?![0-9])")


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


# -- base images ---------------------------------------------------------------------


class ImageFamily(NamedTuple):
    repo: str  # repository, or a prefix ending in "/" (a namespace or registry path)
    tag: str | None  # regex a tag must contain (re.search) to carry the stack; None: every tag
    stack: str  # "cuda", "rocm", "ascend", "intel", "neuron"
    runtime_tag: bool  # the family publishes a -runtime tag next to each -devel one (ML403)
    source: str


IMAGE_FAMILIES = (
    ImageFamily("nvidia/cuda", None, "cuda", True, "https://hub.docker.com/r/nvidia/cuda (base, runtime and devel flavours of every version)"),
    ImageFamily("nvcr.io/nvidia/cuda", None, "cuda", True, "https://catalog.ngc.nvidia.com/orgs/nvidia/containers/cuda (same flavours as Docker Hub's nvidia/cuda)"),
    ImageFamily("nvidia/cudagl", None, "cuda", True, "https://hub.docker.com/r/nvidia/cudagl (base, runtime, devel)"),
    ImageFamily("nvcr.io/nvidia/", None, "cuda", False, "https://catalog.ngc.nvidia.com/containers (NGC framework images are built on CUDA, one flavour each)"),
    ImageFamily("pytorch/pytorch", r"cuda|^latest$|^$", "cuda", True, "https://hub.docker.com/r/pytorch/pytorch/tags (<v>-cuda<X.Y>-cudnn<N>-runtime and -devel)"),
    ImageFamily("tensorflow/tensorflow", r"gpu", "cuda", False, "https://www.tensorflow.org/install/docker (`-gpu` tags carry CUDA; `devel-gpu` has no runtime twin)"),
    ImageFamily("vllm/vllm-openai", None, "cuda", False, "https://docs.vllm.ai/en/latest/deployment/docker.html (built FROM nvidia/cuda)"),
    ImageFamily("ghcr.io/huggingface/text-generation-inference", r"^(?!.*(rocm|intel|gaudi|neuron)).*$", "cuda", False, "https://huggingface.co/docs/text-generation-inference/installation_nvidia"),
    ImageFamily("ghcr.io/huggingface/text-generation-inference", r"rocm", "rocm", False, "https://huggingface.co/docs/text-generation-inference/installation_amd"),
    ImageFamily("ghcr.io/huggingface/text-generation-inference", r"intel", "intel", False, "https://huggingface.co/docs/text-generation-inference/installation_intel"),
    ImageFamily("ghcr.io/huggingface/text-generation-inference", r"gaudi", "intel", False, "https://huggingface.co/docs/text-generation-inference/installation_gaudi"),
    ImageFamily("ghcr.io/huggingface/text-generation-inference", r"neuron", "neuron", False, "https://huggingface.co/docs/text-generation-inference/installation_inferentia"),
    ImageFamily("openmmlab/lmdeploy", None, "cuda", False, "https://lmdeploy.readthedocs.io/en/latest/get_started/installation.html (images built FROM nvidia/cuda)"),
    ImageFamily("rapidsai/", None, "cuda", False, "https://docs.rapids.ai/install (RAPIDS images are CUDA images)"),
    ImageFamily("rocm/", None, "rocm", False, "https://rocm.docs.amd.com/projects/install-on-linux/en/latest/how-to/docker.html (rocm/pytorch, rocm/dev-ubuntu-*)"),
    ImageFamily("ascendai/", None, "ascend", False, "https://hub.docker.com/u/ascendai (CANN and torch-npu images for Huawei Ascend)"),
    ImageFamily("swr.cn-south-1.myhuaweicloud.com/ascendhub/", None, "ascend", False, "https://www.hiascend.com/developer/ascendhub (Ascend images)"),
    ImageFamily("quay.io/ascend/", None, "ascend", False, "https://quay.io/organization/ascend (vllm-ascend, CANN images)"),
    ImageFamily("intel/intel-extension-for-pytorch", r"xpu|gpu", "intel", False, "https://hub.docker.com/r/intel/intel-extension-for-pytorch (XPU tags)"),
    ImageFamily("intel/oneapi", None, "intel", False, "https://hub.docker.com/r/intel/oneapi (oneAPI toolkits for Intel GPUs)"),
    ImageFamily("vault.habana.ai/gaudi-docker/", None, "intel", False, "https://docs.habana.ai/en/latest/Installation_Guide/Additional_Installation/Docker_Installation.html"),
    ImageFamily("public.ecr.aws/neuron/", None, "neuron", False, "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/containers/ (AWS Neuron DLC images)"),
)
# Other images are judged by their names (a vendor convention, not a guarantee): these words in a
# repository or tag name the stack: `cuda`/`cuNNN`/`gpu` NVIDIA, `rocm` AMD, `cann`/`ascend`/`npu`
# Huawei, `xpu`/`gaudi`/`habana` Intel, `neuron`/`inferentia`/`trainium` AWS.
_NAMED_STACKS = (
    ("rocm", lazyre.compile(r"rocm")),
    ("ascend", lazyre.compile(r"ascend|(?<![a-z])cann|(?<![a-z])npu(?![a-z])")),
    ("intel", lazyre.compile(r"(?<![a-z])xpu(?![a-z])|gaudi|habana")),
    ("neuron", lazyre.compile(r"neuron|inferentia|trainium")),
    ("cuda", lazyre.compile(r"cuda|(?<![a-z])gpu(?![a-z])")),
)


# Images known to carry no accelerator stack: Docker Official Images (python, ubuntu, debian, ...:
# knowledge/official_images.py) and these families. Only on them can a linter know that nothing
# in the base provides CUDA; a third-party image may be built on anything.
CPU_BASES = (
    ("continuumio/", "https://hub.docker.com/u/continuumio (miniconda3, anaconda3 on Debian)"),
    ("mambaorg/micromamba", "https://hub.docker.com/r/mambaorg/micromamba (Debian/Ubuntu with micromamba)"),
    ("condaforge/", "https://hub.docker.com/u/condaforge (miniforge3 on Ubuntu)"),
    ("ghcr.io/astral-sh/uv", "https://docs.astral.sh/uv/guides/integration/docker/ (uv on Debian/Alpine/python images)"),
    ("gcr.io/distroless/", "https://github.com/GoogleContainerTools/distroless (no accelerator libraries)"),
    ("cgr.dev/chainguard/python", "https://images.chainguard.dev/directory/image/python/overview"),
    ("tensorflow/tensorflow", "https://www.tensorflow.org/install/docker (tags without `gpu` are CPU images)"),
    ("jupyter/", "https://jupyter-docker-stacks.readthedocs.io/en/latest/using/selecting.html (CUDA only in `cuda` tags)"),
    ("quay.io/jupyter/", "https://jupyter-docker-stacks.readthedocs.io/en/latest/using/selecting.html"),
)


def known_cpu_base(image: str) -> bool:
    """A base image known to carry no accelerator stack (an Official Image or a CPU family)."""
    from mldocklint.knowledge.official_images import OFFICIAL_IMAGES

    if image_stack(image) is not None:
        return False
    repo, _ = image_parts(image)
    return ("/" not in repo and repo in OFFICIAL_IMAGES) or any(repo == p or (p.endswith("/") and repo.startswith(p)) for p, _ in CPU_BASES)


def _family(repo: str, tag: str) -> ImageFamily | None:
    for f in IMAGE_FAMILIES:
        if (repo == f.repo or (f.repo.endswith("/") and repo.startswith(f.repo))) and (f.tag is None or re.search(f.tag, tag)):
            return f
    return None


@lru_cache(maxsize=1024)
def image_stack(image: str) -> str | None:
    """The accelerator stack a base image carries: "cuda", "rocm", "ascend", "intel", "neuron", or None."""
    repo, tag = image_parts(image)
    family = _family(repo, tag)
    if family is not None:
        return family.stack
    ref = repo + ":" + tag
    for stack, pattern in _NAMED_STACKS:
        if pattern.search(ref):
            return stack
    return "cuda" if cuda_version(tag) is not None else None


def is_gpu_image(image: str) -> bool:
    """A base image that carries CUDA (``image_stack`` is "cuda")."""
    return image_stack(image) == "cuda"


def runtime_tag(image: str) -> str | None:
    """The ``-runtime`` twin of a CUDA ``-devel`` image, when its family publishes one; else None."""
    repo, tag = image_parts(image)
    family = _family(repo, tag)
    if family is None or not family.runtime_tag or "devel" not in re.split(r"[-_.]", tag):
        return None
    return image[: len(image) - len(tag)] + tag.replace("devel", "runtime") if image.lower().endswith(":" + tag) else None


def image_cuda_version(image: str) -> tuple[int, int | None] | None:
    """CUDA version of a GPU image when its tag says it: ``nvidia/cuda:12.4.1-...`` -> (12, 4),
    ``pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime`` -> (12, 1)."""
    repo, tag = image_parts(image)
    if repo == "cuda" or repo.endswith("/cuda"):
        m = re.match(r"(\d+)\.(\d+)", tag)
        return (int(m.group(1)), int(m.group(2))) if m else None
    return cuda_version(tag)


# -- CUDA set up inside a Dockerfile ---------------------------------------------------------

# apt/yum packages from NVIDIA's CUDA repository that put CUDA libraries into an image, as
# NVIDIA's own Dockerfiles install them (cuda-cudart-12-4, cuda-libraries-12-4, cuda-toolkit-12-4,
# libcudnn9-cuda-12): https://gitlab.com/nvidia/container-images/cuda/-/tree/master/dist ;
# Debian/Ubuntu's own toolkit package is nvidia-cuda-toolkit: https://packages.debian.org/nvidia-cuda-toolkit
SYSTEM_CUDA_PACKAGES = lazyre.compile(r"(cuda(-(runtime|toolkit|libraries|cudart|compat|nvcc|compiler))?-\d[\w.-]*|cuda-(runtime|toolkit|libraries|cudart|nvcc)\b.*|cuda|libcudnn\d*(-cuda-\d+)?|nvidia-cuda-toolkit)")
# conda packages that bring CUDA libraries into the environment:
# https://docs.nvidia.com/cuda/cuda-installation-guide-linux/#conda-installation (cuda-toolkit, cuda-runtime, cuda-cudart),
# https://pytorch.org/get-started/previous-versions/ (pytorch-cuda=12.1 with -c nvidia),
# https://anaconda.org/anaconda/cudatoolkit
CONDA_CUDA_PACKAGES = lazyre.compile(r"(cudatoolkit|cuda-toolkit|cuda-runtime|cuda-cudart|cuda-libraries|pytorch-cuda|cudnn)\b.*")
# NVIDIA's CUDA images set these variables; a stage that sets them itself is rebuilding one:
# https://gitlab.com/nvidia/container-images/cuda/-/blob/master/dist/12.4.1/ubuntu2204/base/Dockerfile
CUDA_ENV = ("CUDA_VERSION", "NVIDIA_REQUIRE_CUDA")
# Where the toolkit lives; copying it in (COPY --from=nvidia/cuda:... /usr/local/cuda ...) or running
# NVIDIA's runfile installer (cuda_12.4.1_550.54.15_linux.run) installs CUDA:
# https://docs.nvidia.com/cuda/cuda-installation-guide-linux/#runfile-installation
CUDA_PATH = lazyre.compile(r"/usr/local/cuda(-[\d.]+)?(/|\b)")
CUDA_RUNFILE = lazyre.compile(r"cuda_[\d.]+_[\d.]+_linux\.run")


# -- Python packages and CUDA ------------------------------------------------------------------


class PythonPackage(NamedTuple):
    name: str  # canonical project name, or a regex (fullmatch) when it starts with "^"
    extras: str | None  # regex an extra must fullmatch; None: the package itself
    cuda: str  # "bundled": brings its CUDA user-space libraries as wheels; "runtime": loads a CUDA
    #            (and cuDNN) the image must provide; "toolkit": compiles against nvcc and the headers
    source: str


PYTHON_PACKAGES = (
    PythonPackage("torch", None, "bundled", "https://pypi.org/project/torch/ (Linux x86_64 wheels require nvidia-*-cu12 wheels); https://pytorch.org/get-started/locally/ (whl/cuXXX)"),
    PythonPackage("^nvidia-.*-cu\\d+$", None, "bundled", "https://pypi.org/project/nvidia-cuda-runtime-cu12/ (CUDA libraries as wheels)"),
    PythonPackage("tensorflow", r"and-cuda", "bundled", "https://www.tensorflow.org/install/pip (`pip install tensorflow[and-cuda]` installs the NVIDIA libraries)"),
    PythonPackage("jax", r"cuda\d+(_pip)?", "bundled", "https://docs.jax.dev/en/latest/installation.html (jax[cuda12] installs CUDA and cuDNN from pip wheels)"),
    PythonPackage("jax", r"cuda\d+_local", "runtime", "https://docs.jax.dev/en/latest/installation.html (jax[cuda12_local] uses a locally installed CUDA)"),
    PythonPackage("^cupy-cuda\\d+x?$", r"ctk", "bundled", "https://docs.cupy.dev/en/stable/install.html (the [ctk] extra installs the CUDA components from PyPI)"),
    PythonPackage("^cupy-cuda\\d+x?$", None, "runtime", "https://docs.cupy.dev/en/stable/install.html (CuPy wheels need the CUDA Toolkit installed)"),
    PythonPackage("onnxruntime-gpu", None, "runtime", "https://onnxruntime.ai/docs/install/ (the GPU package requires CUDA and cuDNN installed; 1.19+ can preload them from torch's nvidia-* wheels)"),
    PythonPackage("jaxlib", r"cuda.*", "runtime", "https://docs.jax.dev/en/latest/installation.html"),
    PythonPackage("pycuda", None, "toolkit", "https://pypi.org/project/pycuda/ (built against the CUDA toolkit: nvcc, headers)"),
    PythonPackage("flash-attn", None, "toolkit", "https://github.com/Dao-AILab/flash-attention#installation-and-features (requires the CUDA toolkit, CUDA 12.0+)"),
    PythonPackage("apex", None, "toolkit", "https://github.com/NVIDIA/apex#linux (CUDA extensions compiled with nvcc)"),
)
# llama-cpp-python builds llama.cpp from source; with these CMake flags it compiles CUDA kernels (nvcc):
# https://github.com/abetlen/llama-cpp-python#supported-backends (CMAKE_ARGS="-DGGML_CUDA=on")
CUDA_BUILD_FLAGS = lazyre.compile(r"-D(GGML_CUDA|LLAMA_CUBLAS|GGML_CUBLAS|LLAMA_CUDA)=(on|1|true)", re.IGNORECASE)
CUDA_BUILD_PACKAGES = ("llama-cpp-python",)
# DeepSpeed compiles its CUDA ops at install time with DS_BUILD_OPS=1 (or DS_BUILD_<OP>=1):
# https://www.deepspeed.ai/tutorials/advanced-install/#pre-install-deepspeed-ops
DEEPSPEED_PREBUILD = lazyre.compile(r"DS_BUILD_\w+")

# Packages that pair torch with a non-NVIDIA backend: with them, torch is not the CUDA build that matters.
# https://github.com/Ascend/pytorch (torch-npu), https://intel.github.io/intel-extension-for-pytorch/ ,
# https://awsdocs-neuron.readthedocs-hosted.com/en/latest/frameworks/torch/ (torch-neuronx),
# https://docs.habana.ai/en/latest/PyTorch/ (habana-torch-plugin)
OTHER_BACKENDS = {
    "torch-npu": "ascend",
    "intel-extension-for-pytorch": "intel",
    "torch-neuronx": "neuron",
    "torch-neuron": "neuron",
    "neuronx-cc": "neuron",
    "habana-torch-plugin": "intel",
    "optimum-habana": "intel",
}


@lru_cache(maxsize=4096)
def python_cuda(name: str, extras: frozenset[str] = frozenset()) -> PythonPackage | None:
    """The row for a canonical project name with its extras, or None when CUDA does not concern it."""
    found = None
    for row in PYTHON_PACKAGES:
        named = re.fullmatch(row.name[1:], name) if row.name.startswith("^") else row.name == name
        if not named:
            continue
        if row.extras is None:
            found = found or row
        elif any(re.fullmatch(row.extras, e) for e in extras):
            return row
    return found


# -- package indexes -------------------------------------------------------------------------

# PyTorch's wheel indexes: whl/cpu and whl/xpu and whl/rocmX.Y carry no CUDA libraries, whl/cuXXX do:
# https://pytorch.org/get-started/locally/
TORCH_CPU_INDEX = lazyre.compile(r"/whl/(nightly/|test/)?(cpu|xpu|rocm[\d.]*)(\b|/)")
# Indexes that serve CUDA wheels: PyTorch's cuXXX, NVIDIA's PyPI mirror, JAX's CUDA releases
# https://pytorch.org/get-started/locally/, https://pypi.nvidia.com, https://docs.jax.dev/en/latest/installation.html
CUDA_INDEX = lazyre.compile(r"pypi\.nvidia\.com|jax_cuda_releases|/whl/(nightly/|test/)?cu\d+")
# Variables pip and uv read an index from:
# https://pip.pypa.io/en/stable/topics/configuration/#environment-variables (PIP_<OPTION>),
# https://docs.astral.sh/uv/reference/environment/ (UV_INDEX_URL, UV_EXTRA_INDEX_URL, UV_INDEX, UV_DEFAULT_INDEX, UV_FIND_LINKS)
INDEX_VARIABLES = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX", "UV_DEFAULT_INDEX", "UV_FIND_LINKS")
# pip's configuration keys for the same: https://pip.pypa.io/en/stable/topics/configuration/
INDEX_CONFIG_KEYS = lazyre.compile(r"(?:^|[\s\"'])(global\.|install\.)?(index-url|extra-index-url|find-links)\s*=\s*([^\s\"']+)", re.MULTILINE)
