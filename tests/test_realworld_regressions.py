"""Regressions found by linting Dockerfiles of public ML projects.

Each case is a minimal reproduction of a pattern seen in a real Dockerfile that a rule
got wrong; the name says which rule and what it used to do.
"""

from helpers import catches, does_not_catch, findings

# -- ML202: option values of `uv pip install` and pip are not requirements ------------------


def test_ml202_uv_pip_option_values_are_not_packages():
    does_not_catch("ML202", """
        FROM python:3.11-slim
        RUN uv pip install --system --no-cache --index-strategy unsafe-best-match \\
            --torch-backend cpu -r requirements.txt
    """)


def test_ml202_pip_timeout_value_is_not_a_package():
    does_not_catch("ML202", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir --timeout 120 --retries 5 flask==3.0.3
    """)


def test_ml202_still_catches_the_package_after_valued_options():
    catches("ML202", """
        FROM python:3.11-slim
        RUN uv pip install --system --index-strategy unsafe-best-match --link-mode copy flask
    """, (2, 1))


# -- ML402: indexes that do not serve CUDA builds ----------------------------------------------


def test_ml402_xpu_and_rocm_indexes_are_not_cuda_builds():
    does_not_catch("ML402", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir torch==2.8.0 --index-url https://download.pytorch.org/whl/xpu
        RUN pip install --no-cache-dir torch==2.5.1 --index-url https://download.pytorch.org/whl/rocm6.2
        RUN pip install --no-cache-dir torch==2.6.0 --extra-index-url https://download.pytorch.org/whl/test/cpu
    """)


def test_ml402_index_from_a_build_arg_is_not_guessed():
    does_not_catch("ML402", """
        FROM python:3.11-slim
        ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
        ARG TORCH_VERSION=2.6.0
        RUN uv pip install --no-cache --extra-index-url ${TORCH_INDEX} \\
            torch==${TORCH_VERSION}+cpu torchvision torchaudio
    """)


def test_ml402_local_version_with_a_variable_counts_as_chosen_build():
    does_not_catch("ML402", """
        FROM python:3.11-slim
        ARG TORCH_VERSION=2.6.0
        RUN pip install --no-cache-dir torch==${TORCH_VERSION}+cpu torchvision
    """)


def test_ml402_plain_pypi_torch_still_caught():
    catches("ML402", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir torch==2.6.0 torchvision==0.21.0
    """, (2, 32))


# -- ML102: a Python package called `models` is code, not weights ------------------------------


def test_ml102_python_file_in_models_package_is_not_a_model():
    does_not_catch("ML102", """
        FROM python:3.11-slim
        COPY backends backends
        COPY backends/server/embeddings/models/__init__.py backends/server/embeddings/models/__init__.py
    """)


def test_ml102_models_directory_after_code_still_caught():
    catches("ML102", """
        FROM python:3.11-slim
        COPY app /app/app
        COPY models /app/models
    """, (3, 1))


# -- ML104: `find ... -delete` on the lists removes them --------------------------------------


def test_ml104_find_delete_removes_the_lists():
    does_not_catch("ML104", """
        FROM ubuntu:24.04
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends libgomp1 curl \\
            && apt clean -y \\
            && find /var/cache/apt/archives /var/lib/apt/lists -not -name lock -type f -delete
    """)


def test_ml104_find_without_delete_still_caught():
    catches("ML104", """
        FROM ubuntu:24.04
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
            && find /var/lib/apt/lists -type f
    """, (2, 13))


# -- ML401: a final stage that copies a CUDA stage's whole filesystem has CUDA ------------------


def test_ml401_flattened_cuda_stage_has_cuda():
    does_not_catch("ML401", """
        FROM nvcr.io/nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 AS base
        RUN pip3 install --no-cache-dir --index-url https://download.pytorch.org/whl/cu124 torch==2.6.0+cu124
        FROM scratch
        COPY --from=base / /
        CMD ["python3", "-m", "app"]
    """)


def test_ml401_copying_part_of_a_cuda_stage_does_not_bring_cuda():
    catches("ML401", """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS base
        RUN pip3 install --no-cache-dir onnxruntime-gpu==1.18.0
        FROM python:3.11-slim
        COPY --from=base /usr/local/lib/python3.10 /usr/local/lib/python3.10
    """, (2, 33))


# -- ML101: a Makefile is build tooling, not application code ----------------------------------


def test_ml101_makefile_is_not_application_code():
    does_not_catch("ML101", """
        FROM python:3.11-slim
        COPY server/Makefile-vllm Makefile
        RUN pip install --no-cache-dir -r requirements.txt
    """)


# -- flattened images: a stage copied whole (COPY --from=x / /) is part of the image ---------------

FLATTENED = """
    FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS build
    RUN apt-get update && apt-get install -y --no-install-recommends python3-pip gcc
    RUN pip install torch==2.3.0
    FROM build AS tools
    RUN apt-get install -y --no-install-recommends curl
    FROM scratch
    COPY --from=tools / /
    ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
    USER 1000
    HEALTHCHECK CMD curl -f http://localhost:8000/health
    CMD ["python3", "-m", "app"]
"""


def test_flattened_stage_keeps_its_apt_lists_pip_cache_and_compilers():
    catches("ML104", FLATTENED, (2, 13))
    catches("ML105", FLATTENED, (3, 9))
    catches("ML106", FLATTENED, (2, 1))


def test_flattened_devel_stage_is_a_devel_final_image():
    catches("ML403", FLATTENED, (1, 6))
    found = findings(FLATTENED, ["ML403"])
    assert found[0].message.startswith("this serving image copies the whole file system of stage build, the CUDA development image ")


def test_flattened_stage_provides_the_healthcheck_tool():
    does_not_catch("ML308", FLATTENED)
    # a slim base copied whole still lacks curl, and scratch adds nothing
    catches("ML308", """
        FROM python:3.11-slim AS app
        FROM scratch
        COPY --from=app / /
        HEALTHCHECK CMD curl -f http://localhost:8000/
    """, (4, 17))
    # a full base image copied whole brings curl
    does_not_catch("ML308", """
        FROM python:3.11 AS app
        FROM scratch
        COPY --from=app / /
        HEALTHCHECK CMD curl -f http://localhost:8000/
    """)


def test_copying_some_paths_or_by_index_is_told_apart():
    # only /opt is copied: the builder's apt lists stay behind
    does_not_catch("ML104", """
        FROM debian:12 AS builder
        RUN apt-get update && apt-get install -y --no-install-recommends gcc
        FROM debian:12-slim
        COPY --from=builder /opt /opt
    """)
    # --from by stage index is followed like a name
    catches("ML104", """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends gcc
        FROM scratch
        COPY --from=0 / /
    """, (2, 13))
