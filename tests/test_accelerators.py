"""Accelerator knowledge (ML401-ML404) and base image provenance (ML203), with exact findings."""

from __future__ import annotations

import pytest

from helpers import catches, does_not_catch, findings
from mldocklint.knowledge.accelerators import IMAGE_FAMILIES, PYTHON_PACKAGES, image_stack, python_cuda, runtime_tag
from mldocklint.knowledge.official_images import OFFICIAL_IMAGES


def test_every_table_row_cites_a_source():
    for row in IMAGE_FAMILIES + PYTHON_PACKAGES:
        assert row.source.startswith("https://"), row


@pytest.mark.parametrize(
    "image, stack",
    [
        ("nvidia/cuda:12.4.1-runtime-ubuntu22.04", "cuda"),
        ("nvcr.io/nvidia/pytorch:24.01-py3", "cuda"),
        ("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime", "cuda"),
        ("tensorflow/tensorflow:2.16.1-gpu", "cuda"),
        ("ghcr.io/huggingface/text-generation-inference:2.0.4", "cuda"),
        ("ghcr.io/huggingface/text-generation-inference:2.0.4-rocm", "rocm"),
        ("rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.1.2", "rocm"),
        ("ascendai/cann:8.0.rc1-910b-ubuntu22.04", "ascend"),
        ("quay.io/ascend/vllm-ascend:v0.7.3", "ascend"),
        ("intel/intel-extension-for-pytorch:2.1.30-xpu", "intel"),
        ("vault.habana.ai/gaudi-docker/1.16.0/ubuntu22.04/habanalabs/pytorch-installer-2.2.2:latest", "intel"),
        ("public.ecr.aws/neuron/pytorch-inference-neuronx:2.1.2-neuronx-py310-sdk2.19.1-ubuntu20.04", "neuron"),
        ("python:3.11-slim", None),
        ("pytorch/pytorch:2.3.0", None),
        ("tensorflow/tensorflow:2.16.1", None),
    ],
)
def test_image_stack(image, stack):
    assert image_stack(image) == stack


def test_runtime_tag_only_where_the_family_publishes_one():
    assert runtime_tag("nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04") == "nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04"
    assert runtime_tag("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-devel") == "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime"
    assert runtime_tag("tensorflow/tensorflow:2.15.0-devel-gpu") is None
    assert runtime_tag("someone/cuda-devel:12.1-devel") is None


def test_python_packages_bundled_or_needing_cuda():
    assert python_cuda("torch").cuda == "bundled"
    assert python_cuda("nvidia-cudnn-cu12").cuda == "bundled"
    assert python_cuda("tensorflow", frozenset({"and-cuda"})).cuda == "bundled"
    assert python_cuda("tensorflow") is None
    assert python_cuda("jax", frozenset({"cuda12"})).cuda == "bundled"
    assert python_cuda("jax", frozenset({"cuda12_local"})).cuda == "runtime"
    assert python_cuda("cupy-cuda12x").cuda == "runtime"
    assert python_cuda("cupy-cuda12x", frozenset({"ctk"})).cuda == "bundled"
    assert python_cuda("onnxruntime-gpu").cuda == "runtime"
    assert python_cuda("flash-attn").cuda == "toolkit"


def test_official_images_table():
    assert {"python", "ubuntu", "debian", "alpine", "centos", "scratch"} <= OFFICIAL_IMAGES
    assert "pytorch" not in OFFICIAL_IMAGES and "nvidia" not in OFFICIAL_IMAGES


# -- ML401 -------------------------------------------------------------------------------------


def test_ml401_needs_a_system_cuda():
    catches("ML401", "FROM python:3.11-slim\nRUN pip install --no-cache-dir onnxruntime-gpu==1.18.0\n", (2, 32))
    catches("ML401", 'FROM python:3.11-slim\nRUN pip install --no-cache-dir "jax[cuda12_local]==0.4.30"\n', (2, 33))
    catches("ML401", "FROM python:3.11-slim\nRUN pip install --no-cache-dir flash-attn==2.5.8\n", (2, 32))


def test_ml401_wheels_that_bring_their_cuda_are_not_findings():
    for req in ("torch==2.3.1", '"tensorflow[and-cuda]==2.16.1"', '"jax[cuda12]==0.4.30"', "nvidia-cublas-cu12==12.1.3.1", '"cupy-cuda12x[ctk]==13.2.0"', "vllm==0.5.0"):
        does_not_catch("ML401", f"FROM python:3.11-slim\nRUN pip install --no-cache-dir {req}\n")


def test_ml401_llama_cpp_and_deepspeed_builds_need_the_toolkit():
    catches("ML401", 'FROM python:3.11-slim\nRUN CMAKE_ARGS="-DGGML_CUDA=on" pip install --no-cache-dir llama-cpp-python==0.2.77\n', (2, 60))
    does_not_catch("ML401", "FROM python:3.11-slim\nRUN pip install --no-cache-dir llama-cpp-python==0.2.77\n")
    catches("ML401", "FROM python:3.11-slim\nENV DS_BUILD_OPS=1\nRUN pip install --no-cache-dir deepspeed==0.14.2\n", (3, 32))
    does_not_catch("ML401", "FROM python:3.11-slim\nRUN pip install --no-cache-dir deepspeed==0.14.2\n")


def test_ml401_nvidia_visible_devices_alone_is_never_a_finding():
    does_not_catch("ML401", "FROM python:3.11-slim\nENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility\n")


@pytest.mark.parametrize(
    "setup",
    [
        "RUN apt-get update && apt-get install -y --no-install-recommends cuda-cudart-12-4 libcudnn9-cuda-12\n",
        "ENV CUDA_PKG=cuda-toolkit-12-4\nRUN apt-get update && apt-get install -y --no-install-recommends ${CUDA_PKG}\n",
        "ARG CUDA_MAJOR=12\nRUN apt-get update && apt-get install -y --no-install-recommends cuda-libraries-${CUDA_MAJOR}-4\n",
        "COPY --from=nvidia/cuda:12.4.1-runtime-ubuntu22.04 /usr/local/cuda /usr/local/cuda\n",
        "ENV CUDA_VERSION=12.4.1 NVIDIA_REQUIRE_CUDA=cuda>=12.4\n",
        "RUN conda install -y -c nvidia cuda-toolkit=12.4\n",
        "RUN sh cuda_12.4.1_550.54.15_linux.run --silent --toolkit\n",
    ],
)
def test_ml401_cuda_set_up_inside_the_dockerfile(setup):
    does_not_catch("ML401", "FROM ubuntu:22.04\n" + setup + "RUN pip install --no-cache-dir onnxruntime-gpu==1.18.0\n")


def test_ml401_cuda_set_up_in_a_base_stage():
    does_not_catch("ML401", """
        FROM ubuntu:22.04 AS cuda
        ENV NVIDIA_REQUIRE_CUDA="cuda>=12.1"
        FROM cuda
        RUN pip install --no-cache-dir onnxruntime-gpu==1.18.0
    """)


@pytest.mark.parametrize(
    "base",
    ["rocm/pytorch:rocm6.1_ubuntu22.04_py3.10_pytorch_2.1.2", "ascendai/cann:8.0.rc1-910b-ubuntu22.04", "public.ecr.aws/neuron/pytorch-training-neuronx:2.1.2"],
)
def test_ml401_non_nvidia_bases_are_never_told_to_use_an_nvidia_image(base):
    does_not_catch("ML401", f"FROM {base}\nRUN pip install --no-cache-dir onnxruntime-gpu==1.18.0 flash-attn==2.5.8\n")


def test_ml401_reads_installed_requirements_files(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==1.26.4\nonnxruntime-gpu==1.18.0\n")
    src = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    found = findings(src, ["ML401"], context_dir=str(tmp_path))
    assert [(f.rule, f.path, f.line, f.column) for f in found] == [("ML401", f"{_shown(tmp_path)}/requirements.txt", 2, 1)]
    does_not_catch("ML401", src.replace("python:3.11-slim", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04"), context_dir=str(tmp_path))


def _shown(path) -> str:
    from mldocklint.paths import display_path

    return display_path(str(path))


# -- ML402 -------------------------------------------------------------------------------------

TORCH = "RUN pip install --no-cache-dir torch==2.3.1\n"


def test_ml402_default_torch_on_a_plain_image():
    catches("ML402", "FROM python:3.11-slim\n" + TORCH, (2, 32))


@pytest.mark.parametrize(
    "before",
    [
        "ENV PIP_INDEX_URL=https://download.pytorch.org/whl/cpu\n",
        "ARG PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu\n",
        "ENV UV_INDEX_URL=https://download.pytorch.org/whl/cpu\n",
        "ENV UV_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu\n",
        "RUN pip config set global.index-url https://download.pytorch.org/whl/cpu\n",
        "RUN printf '[global]\\nextra-index-url = https://download.pytorch.org/whl/cpu\\n' > /etc/pip.conf\n",
        "RUN <<EOF cat > /etc/pip.conf\n[global]\nindex-url = https://download.pytorch.org/whl/cpu\nEOF\n",
        "COPY pip.conf /etc/pip.conf\n",
        "ARG PIP_INDEX_URL\n",
    ],
)
def test_ml402_every_place_an_index_comes_from(before):
    does_not_catch("ML402", "FROM python:3.11-slim\n" + before + TORCH)


def test_ml402_index_configured_after_the_install_does_not_count():
    catches("ML402", "FROM python:3.11-slim\n" + TORCH + "RUN pip config set global.index-url https://download.pytorch.org/whl/cpu\n", (2, 32))


def test_ml402_arm64_platform_and_other_backends():
    does_not_catch("ML402", "FROM --platform=linux/arm64 python:3.11-slim\n" + TORCH)
    does_not_catch("ML402", "FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.1.0 torch-npu==2.1.0\n")
    does_not_catch("ML402", "FROM ascendai/cann:8.0.rc1-910b-ubuntu22.04\n" + TORCH)
    does_not_catch("ML402", "FROM python:3.11-slim\nRUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/rocm6.0 torch==2.3.1\n")


def test_ml402_reads_installed_requirements_files(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==1.26.4\ntorch==2.3.1\n")
    src = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    found = findings(src, ["ML402"], context_dir=str(tmp_path))
    assert [(f.rule, f.path, f.line, f.column) for f in found] == [("ML402", f"{_shown(tmp_path)}/requirements.txt", 2, 1)]
    # an index line in the file, or on the command, says CPU
    (tmp_path / "requirements.txt").write_text("--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.3.1\n")
    assert findings(src, ["ML402"], context_dir=str(tmp_path)) == []
    (tmp_path / "requirements.txt").write_text("torch==2.3.1\n")
    cpu = src.replace("-r requirements.txt", "--index-url https://download.pytorch.org/whl/cpu -r requirements.txt")
    assert findings(cpu, ["ML402"], context_dir=str(tmp_path)) == []
    (tmp_path / "requirements.txt").write_text("torch==2.3.1+cpu\n")
    assert findings(src, ["ML402"], context_dir=str(tmp_path)) == []


# -- ML404 -------------------------------------------------------------------------------------


def test_ml404_reads_versions_from_requirements_files(tmp_path):
    (tmp_path / "requirements.txt").write_text("--extra-index-url https://download.pytorch.org/whl/cu118\ntorch==2.1.2+cu118\nnumpy==1.26.4\n")
    src = "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    found = findings(src, ["ML404"], context_dir=str(tmp_path))
    req = f"{_shown(tmp_path)}/requirements.txt"
    assert [(f.rule, f.path, f.line, f.column) for f in found] == [("ML404", req, 1, 19), ("ML404", req, 2, 1)]
    (tmp_path / "requirements.txt").write_text("--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.2+cu121\n")
    assert findings(src, ["ML404"], context_dir=str(tmp_path)) == []


# -- ML203 -------------------------------------------------------------------------------------


def test_ml203_local_images_are_not_moving_targets():
    does_not_catch("ML203", "FROM myproject-base\nCMD [\"python\", \"main.py\"]\n")
    does_not_catch("ML203", "FROM app:latest\n")
    catches("ML203", "FROM ubuntu:latest\n", (1, 6))
    catches("ML203", "FROM centos\n", (1, 6))
    catches("ML203", "FROM pytorch/pytorch\n", (1, 6))
    catches("ML203", "FROM ghcr.io/acme/model:latest\n", (1, 6))


def test_ml203_stages_that_never_ship_are_skipped():
    does_not_catch("ML203", "FROM ubuntu AS scratchpad\nRUN echo hi\nFROM python:3.11-slim\n")
    catches("ML203", "FROM ubuntu AS assets\nRUN echo hi > /x\nFROM python:3.11-slim\nRUN --mount=type=bind,from=assets,source=/x,target=/x cat /x\n", (1, 6))


@pytest.mark.parametrize("base", ["{base_image}", "{{ base_image }}", "{{base}}:latest", "${BASE_IMAGE}"])
def test_ml203_templates_and_args_without_value_are_not_findings(base):
    does_not_catch("ML203", f"ARG BASE_IMAGE\nFROM {base}\n")


def test_ml203_build_arg_gives_the_value():
    catches("ML203", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n", (2, 6), build_args={"BASE_IMAGE": "python"})


# -- patterns found in the real-world review (bench/realworld/review-roles.md) -----------------


def test_review_ml203_version_in_the_repository_path():
    does_not_catch("ML203", "FROM vault.habana.ai/gaudi-docker/1.22.0/ubuntu22.04/habanalabs/pytorch-installer-2.7.1:latest\n")
    catches("ML203", "FROM registry.example.com/team/tools:latest\n", (1, 6))


def test_review_ml401_third_party_base_may_carry_cuda():
    does_not_catch("ML401", "FROM verlai/verl:app-verl0.4-vllm0.8.5-mcore0.12.2\nRUN pip install --no-cache-dir onnxruntime-gpu==1.18.0\n")


def test_review_ml401_install_that_tests_for_a_gpu_first():
    does_not_catch("ML401", """
        ARG BASE_IMAGE=ubuntu:24.04
        FROM ${BASE_IMAGE}
        RUN if [[ "$BASE_IMAGE" =~ ^nvidia/cuda: ]]; then pip install onnxruntime-gpu==1.18.0; fi
    """)


def test_review_ml401_cuda_from_conda_in_a_stage_the_image_copies_from():
    does_not_catch("ML401", """
        FROM debian:bookworm-slim AS conda
        RUN conda install -y -c nvidia pytorch-cuda=12.1
        FROM debian:bookworm-slim
        COPY --from=conda /opt/conda /opt/conda
        RUN /opt/conda/bin/pip install --no-cache-dir flash-attn==2.5.8
    """)


def test_review_ml402_index_given_on_the_run_line():
    does_not_catch("ML402", 'FROM ubuntu:22.04\nRUN PIP_EXTRA_INDEX_URL="https://download.pytorch.org/whl/cpu" pip install --no-cache-dir torch==2.3.1\n')


def test_review_ml402_cpu_pin_and_markers_in_a_requirements_file(tmp_path):
    src = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    (tmp_path / "requirements.txt").write_text("torch == 2.4.0+cpu\ntorchvision==0.19.0\n")
    assert findings(src, ["ML402"], context_dir=str(tmp_path)) == []
    (tmp_path / "requirements.txt").write_text('torch==2.4.0; platform_machine == "x86_64"\n')
    assert findings(src, ["ML402"], context_dir=str(tmp_path)) == []
