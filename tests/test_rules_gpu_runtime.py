"""Runtime and GPU rules: ML106, ML301, ML304, ML401-ML404."""

import re

from helpers import catches, does_not_catch, findings, lint_text

from mldocklint.rules import all_rules
from mldocklint.knowledge.accelerators import cuda_version, image_cuda_version, is_gpu_image
from mldocklint.syntax.shell import package_command

# -- shared helpers ----------------------------------------------------------------------


def test_cuda_version_forms():
    assert cuda_version("https://download.pytorch.org/whl/cu118") == (11, 8)
    assert cuda_version("torch==2.3.0+cu121") == (12, 1)
    assert cuda_version("2.3.0-cuda12.1-cudnn8-runtime") == (12, 1)
    assert cuda_version("cupy-cuda12x") == (12, None)
    assert cuda_version("nvidia-cublas-cu11") == (11, None)
    assert cuda_version("cudnn8-runtime") is None
    assert cuda_version("https://download.pytorch.org/whl/cpu") is None


def test_gpu_images():
    assert image_cuda_version("nvidia/cuda:12.4.1-runtime-ubuntu22.04") == (12, 4)
    assert image_cuda_version("docker.io/nvidia/cuda:11.8.0-base-ubuntu22.04") == (11, 8)
    assert image_cuda_version("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime") == (12, 1)
    assert image_cuda_version("tensorflow/tensorflow:2.15.0-gpu") is None
    for gpu in ("tensorflow/tensorflow:2.15.0-gpu", "nvcr.io/nvidia/pytorch:24.01-py3", "vllm/vllm-openai:v0.4.2", "rapidsai/base:24.04-cuda12.2-py3.11"):
        assert is_gpu_image(gpu), gpu
    for cpu in ("python:3.11-slim", "pytorch/pytorch:2.3.0", "continuumio/miniconda3:24.1.2-0", "localhost:5000/app:1"):
        assert not is_gpu_image(cpu), cpu


def test_package_command():
    assert package_command(["apt-get", "-y", "install", "-o", "X=1", "gcc", "libpq-dev"]) == ("apt-get", "install", [(5, "gcc"), (6, "libpq-dev")])
    assert package_command(["apk", "add", "--virtual", ".deps", "gcc"]) == ("apk", "install", [(4, "gcc")])
    assert package_command(["conda", "install", "-c", "nvidia", "-y", "pytorch-cuda=12.1"]) == ("conda", "install", [(5, "pytorch-cuda=12.1")])
    assert package_command(["apt-get", "purge", "-y", "--auto-remove", "gcc"]) == ("apt-get", "remove", [(4, "gcc")])
    assert package_command(["apt-get", "update"]) is None
    assert package_command(["pip", "install", "x"]) is None


# -- ML301 missing-python-env -------------------------------------------------------------


def test_ml301_catches_missing_both_at_final_from():
    catches("ML301", """
        FROM python:3.11 AS builder
        ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
        FROM python:3.11-slim
        CMD ["python", "app.py"]
    """, (3, 1))


def test_ml301_names_the_missing_variable():
    found = [f for f in _findings("""
        FROM python:3.11-slim
        ENV PYTHONUNBUFFERED=1
        CMD ["python", "app.py"]
    """, "ML301")]
    assert [(f.line, f.column) for f in found] == [(1, 1)]
    assert "PYTHONDONTWRITEBYTECODE" in found[0].message and "PYTHONUNBUFFERED" not in found[0].message


def test_ml301_inherits_env_from_parent_stage():
    does_not_catch("ML301", """
        FROM python:3.11-slim AS base
        ENV PYTHONUNBUFFERED=1 \\
            PYTHONDONTWRITEBYTECODE=1
        FROM base AS runtime
        CMD ["gunicorn", "app:app"]
    """)


def test_ml301_any_non_empty_value_and_interpreter_flags_count():
    does_not_catch("ML301", """
        FROM python:3.11-slim
        ENV PYTHONUNBUFFERED=0 PYTHONDONTWRITEBYTECODE=yes
    """)
    does_not_catch("ML301", """
        FROM ubuntu:22.04
        CMD ["python3", "-uB", "app.py"]
    """)
    catches("ML301", """
        FROM python:3.11-slim
        ENV PYTHONUNBUFFERED=""
        ENV PYTHONDONTWRITEBYTECODE=1
    """, (1, 1))


def test_ml301_not_python():
    does_not_catch("ML301", """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        CMD ["tritonserver", "--model-repository=/models"]
    """)


def test_ml301_arg_driven_python_base():
    src = """
        ARG BASE=ubuntu:22.04
        FROM ${BASE}
        CMD ["./serve"]
    """
    does_not_catch("ML301", src)
    catches("ML301", src, (2, 1), build_args={"BASE": "python:3.12-slim"})


# -- ML304 missing-healthcheck ------------------------------------------------------------


def test_ml304_server_in_cmd():
    catches("ML304", """
        FROM python:3.11-slim
        ENV PORT=8000
        CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]
    """, (3, 1))


def test_ml304_expose_without_cmd_points_at_expose():
    catches("ML304", """
        FROM python:3.11-slim
        EXPOSE 5000
    """, (2, 1))


def test_ml304_python_app_with_expose_points_at_cmd():
    catches("ML304", """
        FROM python:3.11-slim
        EXPOSE 5000
        CMD ["python", "app.py"]
    """, (3, 1))


def test_ml304_server_inside_shell_and_modules():
    for cmd in (
        'CMD ["sh", "-c", "exec gunicorn -b 0.0.0.0:$PORT app:app"]',
        'CMD ["python", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"]',
        'ENTRYPOINT ["text-generation-launcher"]',
        'CMD ["bentoml", "serve", "service:svc"]',
        'CMD ["mlflow", "models", "serve", "-m", "/model"]',
        'CMD ["flask", "run", "--host=0.0.0.0"]',
    ):
        catches("ML304", "FROM python:3.11-slim\n" + cmd + "\n", (2, 1))


def test_ml304_healthcheck_inherited_or_none():
    does_not_catch("ML304", """
        FROM python:3.11-slim AS base
        HEALTHCHECK CMD python -c "import urllib.request as u; u.urlopen('http://localhost:8000/health')"
        FROM base
        EXPOSE 8000
        CMD ["uvicorn", "app:app"]
    """)
    does_not_catch("ML304", """
        FROM python:3.11-slim
        HEALTHCHECK NONE
        CMD ["uvicorn", "app:app"]
    """)


def test_ml304_batch_job_is_not_a_server():
    does_not_catch("ML304", """
        FROM python:3.11-slim
        CMD ["python", "train.py", "--epochs", "3"]
    """)
    does_not_catch("ML304", """
        FROM python:3.11-slim
        CMD ["flask", "db", "upgrade"]
    """)


def test_ml304_builder_expose_does_not_count():
    does_not_catch("ML304", """
        FROM python:3.11 AS docs
        EXPOSE 8000
        FROM python:3.11-slim
        CMD ["python", "batch.py"]
    """)


# -- ML401 gpu-without-cuda-base ----------------------------------------------------------


def test_ml401_gpu_packages_at_their_words():
    catches("ML401", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir numpy==1.26.4 onnxruntime-gpu==1.18.0 \\
            "tensorflow[and-cuda]==2.16.1" cupy-cuda12x==13.1.0
    """, (2, 46), (3, 36))


def test_ml401_cuda_index_and_env_are_not_findings():
    # torch from a CUDA index brings its own CUDA libraries; NVIDIA_VISIBLE_DEVICES is NVIDIA's switch
    does_not_catch("ML401", """
        FROM python:3.11-slim
        ENV NVIDIA_VISIBLE_DEVICES=all
        RUN pip install --index-url https://download.pytorch.org/whl/cu121 torch==2.3.1
    """)


def test_ml401_builder_stage_copied_into_final_counts():
    catches("ML401", """
        FROM python:3.11 AS builder
        RUN pip install --prefix=/install onnxruntime-gpu==1.18.0
        FROM python:3.11-slim
        COPY --from=builder /install /usr/local
    """, (2, 35))


def test_ml401_unused_stage_does_not_count():
    does_not_catch("ML401", """
        FROM python:3.11 AS experiments
        RUN pip install vllm==0.4.2
        FROM python:3.11-slim
        RUN pip install flask==3.0.3
    """)


def test_ml401_cuda_bases_including_arg_and_parent_stage():
    for base in ("nvidia/cuda:12.1.1-runtime-ubuntu22.04", "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
                 "tensorflow/tensorflow:2.16.1-gpu", "nvcr.io/nvidia/pytorch:24.01-py3"):
        does_not_catch("ML401", f"FROM {base}\nRUN pip install flash-attn==2.5.8\n")
    src = """
        ARG CUDA=12.1.1
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS base
        FROM base
        RUN pip install xformers==0.0.26
    """
    does_not_catch("ML401", src)


def test_ml401_build_arg_override_to_cpu_base():
    src = """
        ARG BASE=nvidia/cuda:12.1.1-runtime-ubuntu22.04
        FROM ${BASE}
        RUN pip install onnxruntime-gpu==1.18.0
    """
    does_not_catch("ML401", src)
    catches("ML401", src, (3, 17), build_args={"BASE": "ubuntu:22.04"})


def test_ml401_unknown_base_and_cuda_installed_by_conda():
    does_not_catch("ML401", """
        ARG BASE
        FROM ${BASE}
        RUN pip install vllm==0.4.2
    """)
    does_not_catch("ML401", """
        FROM continuumio/miniconda3:24.1.2-0
        RUN conda install -y -c nvidia pytorch-cuda=12.1
        RUN pip install xformers==0.0.26
    """)


def test_ml401_cpu_packages_are_fine():
    does_not_catch("ML401", """
        FROM python:3.11-slim
        ENV NVIDIA_VISIBLE_DEVICES=void
        RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.3.1 onnxruntime==1.18.0
    """)


# -- ML402 cuda-wheels-on-cpu-image -------------------------------------------------------


def test_ml402_default_torch_at_torch_word():
    catches("ML402", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir torchvision==0.18.1 torch==2.3.1 torchaudio==2.3.1
    """, (2, 52))


def test_ml402_torchvision_alone_and_parent_stage():
    catches("ML402", """
        FROM python:3.11-slim AS deps
        RUN pip3 install torchvision==0.18.1
        FROM deps
    """, (2, 18))


def test_ml402_cpu_index_or_local_version():
    for install in (
        "pip install --index-url https://download.pytorch.org/whl/cpu torch==2.3.1",
        "pip install --extra-index-url=https://download.pytorch.org/whl/cpu torch==2.3.1",
        "pip install -f https://download.pytorch.org/whl/torch_stable.html torch==2.0.1+cpu",
        "pip install torch==2.3.1+cu121",
    ):
        does_not_catch("ML402", f"FROM python:3.11-slim\nRUN {install}\n")
    does_not_catch("ML402", """
        FROM python:3.11-slim
        ENV PIP_INDEX_URL=https://download.pytorch.org/whl/cpu
        RUN pip install torch==2.3.1
    """)


def test_ml402_gpu_base_arm64_or_other_packages():
    does_not_catch("ML402", "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1\n")
    does_not_catch("ML402", "FROM --platform=linux/arm64 python:3.11-slim\nRUN pip install torch==2.3.1\n")
    does_not_catch("ML402", "FROM python:3.11-slim\nRUN pip install torchmetrics==1.4.0\n")


def test_ml402_build_arg_makes_it_a_cpu_image():
    src = """
        ARG BASE=pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
        FROM $BASE
        RUN pip install torch==2.3.1
    """
    does_not_catch("ML402", src)
    catches("ML402", src, (3, 17), build_args={"BASE": "python:3.11-slim"})


# -- ML403 devel-image-in-final-stage -----------------------------------------------------


def test_ml403_devel_final_at_image_word():
    catches("ML403", """
        FROM --platform=linux/amd64 nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04
        CMD ["python3", "serve.py"]
    """, (1, 29))


def test_ml403_devel_through_arg_and_parent_stage():
    src = """
        ARG CUDA=12.1.1
        ARG FLAVOR=devel
        FROM nvidia/cuda:${CUDA}-${FLAVOR}-ubuntu22.04 AS base
        RUN apt-get update
        FROM base AS runtime
        CMD ["python3", "serve.py"]
    """
    catches("ML403", src, (3, 6))
    does_not_catch("ML403", src, build_args={"FLAVOR": "runtime"})


def test_ml403_devel_only_in_builder():
    does_not_catch("ML403", """
        FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS builder
        RUN pip wheel -w /wheels flash-attn==2.5.8
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        COPY --from=builder /wheels /wheels
    """)
    does_not_catch("ML403", "FROM python:3.11-slim\nLABEL devel=true\n")
    does_not_catch("ML403", "FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\n")


# -- ML404 cuda-version-mismatch ----------------------------------------------------------


def test_ml404_different_major_index():
    catches("ML404", """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN pip install --index-url https://download.pytorch.org/whl/cu118 torch==2.3.1
    """, (2, 29))


def test_ml404_newer_minor_local_version_and_conda():
    catches("ML404", """
        FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime
        RUN pip install torch==2.4.0+cu124 && conda install -y -c nvidia pytorch-cuda=11.8
    """, (2, 17), (2, 66))


def test_ml404_older_minor_same_major_is_fine():
    does_not_catch("ML404", """
        FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
        RUN pip install --extra-index-url https://download.pytorch.org/whl/cu121 torch==2.3.1 nvidia-cudnn-cu12==8.9.2.26
    """)


def test_ml404_arg_driven_base_and_build_arg():
    src = """
        ARG CUDA=12.1.1
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS runtime
        RUN pip install --index-url https://download.pytorch.org/whl/cu121 torch==2.3.1
    """
    does_not_catch("ML404", src)
    catches("ML404", src, (3, 29), build_args={"CUDA": "11.8.0"})


def test_ml404_unknown_base_version():
    does_not_catch("ML404", """
        FROM nvcr.io/nvidia/pytorch:24.01-py3
        RUN pip install cupy-cuda11x==13.1.0
    """)


# -- ML106 build-tools-in-final -----------------------------------------------------------


def test_ml106_build_tools_at_package_words():
    catches("ML106", """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y --no-install-recommends \\
            build-essential libpq-dev libgomp1 curl \\
            && rm -rf /var/lib/apt/lists/*
        CMD ["gunicorn", "app:app"]
    """, (2, 1))


def test_ml106_builder_stage_is_fine_final_lineage_is_not():
    does_not_catch("ML106", """
        FROM python:3.11 AS builder
        RUN apt-get update && apt-get install -y --no-install-recommends build-essential
        FROM python:3.11-slim
        COPY --from=builder /install /usr/local
    """)
    catches("ML106", """
        FROM python:3.11-slim AS base
        RUN apk add --no-cache gcc=12.2.1-r4 musl-dev
        FROM base
        CMD ["torchrun", "train.py"]
    """, (2, 1))


def test_ml106_purged_in_same_run():
    does_not_catch("ML106", """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y --no-install-recommends gcc \\
            && pip install --no-cache-dir psutil==5.9.8 \\
            && apt-get purge -y --auto-remove gcc && rm -rf /var/lib/apt/lists/*
    """)
    does_not_catch("ML106", """
        FROM python:3.11-alpine
        RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\
            && pip install --no-cache-dir psutil==5.9.8 && apk del .build-deps
    """)


def test_ml106_purge_in_later_run_does_not_help():
    catches("ML106", """
        FROM python:3.11-slim
        RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
        RUN apt-get purge -y gcc
        CMD ["python", "train.py"]
    """, (2, 1))


def test_ml106_conda_and_cuda_compiler():
    catches("ML106", """
        FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
        RUN apt-get update && apt-get install -y --no-install-recommends cuda-nvcc-12-1 \\
            && rm -rf /var/lib/apt/lists/*
        RUN conda install -y -c conda-forge gxx_linux-64=12 cmake numpy
        CMD ["python", "serve.py"]
    """, (2, 1), (4, 1))


def _findings(src, rule):
    return findings(src, [rule])


def test_all_rules_quiet_on_good_cuda_serving_image():
    src = """
        ARG CUDA=12.1.1
        FROM nvidia/cuda:${CUDA}-devel-ubuntu22.04 AS builder
        RUN apt-get update && apt-get install -y --no-install-recommends python3-pip python3-dev build-essential \\
            && rm -rf /var/lib/apt/lists/*
        RUN pip wheel --no-cache-dir --wheel-dir /wheels flash-attn==2.5.8
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04
        ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
        RUN apt-get update && apt-get install -y --no-install-recommends python3-pip curl \\
            && rm -rf /var/lib/apt/lists/*
        COPY --from=builder /wheels /wheels
        RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cu121 torch==2.3.1 \\
            && pip install --no-cache-dir /wheels/*.whl
        USER 1000
        EXPOSE 8000
        HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
        CMD ["python3", "-m", "uvicorn", "app:app", "--host", "0.0.0.0"]
    """
    assert [f for f in lint_text(src, ["ML106", "ML301", "ML304", "ML401", "ML402", "ML403", "ML404"])] == []


# -- documentation ------------------------------------------------------------------------

_SECTIONS = ["What it does", "Why is this bad?", "Example", "Use instead", "When to ignore", "Fix", "Options"]


def _block(doc, section):
    return re.search(rf"## {re.escape(section)}\n```dockerfile\n(.*?)```", doc, re.S).group(1)


def test_docs_examples_trigger_exactly_their_rule():
    for rid in ("ML106", "ML301", "ML304", "ML401", "ML402", "ML403", "ML404"):
        rule = all_rules()[rid]
        assert re.findall(r"^## (.+)$", rule.doc, re.M) == _SECTIONS, rid
        assert {r for r, _, _ in lint_text(_block(rule.doc, "Example"))} == {rid}, rid
        assert lint_text(_block(rule.doc, "Use instead")) == [], rid
