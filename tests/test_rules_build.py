"""Build-order and dependency rules: ML101-ML105, ML202, ML203."""

import pytest
from helpers import catches, does_not_catch, findings, lint_text

# -- the textbook chapter's Dockerfiles ------------------------------------------------

CHAPTER_FLASK = """
    FROM python:3.11-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY model.joblib .
    COPY app.py .
    EXPOSE 5000
    CMD ["python", "app.py"]
"""

CHAPTER_POORLY_ORDERED = """
    # Every code change forces a full pip reinstall
    FROM python:3.11-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["python", "src/app.py"]
"""

CHAPTER_WELL_ORDERED = """
    FROM python:3.11-slim
    ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
    WORKDIR /app
    # System dependencies (rarely change)
    RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \\
    && rm -rf /var/lib/apt/lists/*
    # Python dependencies (change occasionally)
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    # Model file (changes when retrained)
    COPY models/ ./models/
    # Application code (changes frequently)
    COPY src/ ./src/
    CMD ["python", "src/app.py"]
"""

CHAPTER_GPU = """
    FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
    RUN apt-get update && apt-get install -y python3.11 python3-pip \\
    && rm -rf /var/lib/apt/lists/*
    WORKDIR /app
    COPY requirements.txt .
    RUN pip3 install --no-cache-dir -r requirements.txt
    COPY models/ ./models/
    COPY src/ ./src/
    CMD ["python3", "src/app.py"]
"""

CHAPTER_PRODUCTION = """
    # Stage 1: build
    FROM python:3.11 as builder
    ARG MODEL_VERSION=latest
    WORKDIR /build
    RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\
    && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install --prefix=/install --no-cache-dir -r requirements.txt
    # Stage 2: runtime
    FROM python:3.11-slim
    LABEL maintainer="ml-team@example.com" version="1.0" description="ML Model API"
    ENV PYTHONUNBUFFERED=1 \\
    PYTHONDONTWRITEBYTECODE=1
    RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 curl \\
    && rm -rf /var/lib/apt/lists/*
    WORKDIR /app
    COPY --from=builder /install /usr/local
    COPY models/ ./models/
    COPY src/ ./src/
    RUN useradd -m -u 1000 modeluser && chown -R modeluser:modeluser /app
    USER modeluser
    EXPOSE 5000
    HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \\
    CMD curl -f http://localhost:5000/health || exit 1
    CMD ["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]
"""

# The serving image the chapter's advice adds up to: PIP_NO_CACHE_DIR instead of the flag.
CHAPTER_ENV_PATTERN = """
    FROM python:3.11-slim
    ENV PYTHONUNBUFFERED=1 \\
        PYTHONDONTWRITEBYTECODE=1 \\
        PIP_NO_CACHE_DIR=1
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    COPY model.joblib .
    COPY app.py .
"""

CHAPTER_GOOD = [CHAPTER_FLASK, CHAPTER_WELL_ORDERED, CHAPTER_PRODUCTION, CHAPTER_ENV_PATTERN]
BUILD_RULES = ["ML101", "ML102", "ML103", "ML104", "ML105", "ML202", "ML203"]


@pytest.mark.parametrize("rule", BUILD_RULES)
@pytest.mark.parametrize("src", CHAPTER_GOOD, ids=["flask", "well-ordered", "production", "env-pattern"])
def test_chapter_good_examples_stay_clean(rule, src):
    does_not_catch(rule, src)


@pytest.mark.parametrize("rule", ["ML101", "ML102", "ML104", "ML105", "ML202", "ML203"])
def test_chapter_gpu_example_clean_except_recommends(rule):
    does_not_catch(rule, CHAPTER_GPU)


def test_chapter_gpu_example_misses_no_install_recommends():
    # the chapter's GPU example does not follow its own --no-install-recommends advice
    catches("ML103", CHAPTER_GPU, (2, 31))


def test_chapter_poorly_ordered_example():
    catches("ML101", CHAPTER_POORLY_ORDERED, (4, 1))
    for rule in ["ML102", "ML103", "ML104", "ML105", "ML202", "ML203"]:
        does_not_catch(rule, CHAPTER_POORLY_ORDERED)


# -- ML101 copy-before-install ---------------------------------------------------------


def test_ml101_whole_context_before_install():
    catches("ML101", """
        FROM python:3.11-slim
        ADD . /app
        RUN pip install --no-cache-dir -r /app/requirements.txt
    """, (2, 1))


def test_ml101_each_code_copy_before_first_install():
    catches("ML101", """
        FROM python:3.11-slim
        COPY requirements.txt .
        COPY src/ ./src/
          COPY *.py ./
        RUN python -m pip install .
    """, (3, 1), (4, 3))


@pytest.mark.parametrize("install", [
    "poetry install --no-interaction",
    "uv sync --locked",
    "conda env create -f environment.yml",
    "mamba env update --file environment.yml",
    "pipenv install --deploy",
    "pip3 install -e .",
    "uv pip install --system -r requirements.txt",
    "conda run -n ml pip install -r requirements.txt",
])
def test_ml101_installers(install):
    catches("ML101", f"""
        FROM python:3.11-slim
        COPY . .
        RUN {install}
    """, (2, 1))


def test_ml101_manifests_first_is_fine():
    does_not_catch("ML101", """
        FROM python:3.11-slim
        COPY pyproject.toml poetry.lock ./
        COPY requirements/ ./requirements/
        COPY models/ ./models/
        RUN pip install poetry==1.8.3 && poetry install --no-root
        COPY . .
        RUN poetry install --only-root
    """)


def test_ml101_project_install_after_dependencies_is_fine():
    does_not_catch("ML101", """
        FROM python:3.11-slim
        COPY requirements.txt .
        RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
        COPY . .
        RUN pip install --no-deps .
    """)
    does_not_catch("ML101", """
        FROM python:3.11-slim
        COPY . .
        RUN pip install --no-deps .
    """)


def test_ml101_tooling_upgrade_is_not_the_dependency_install():
    catches("ML101", """
        FROM python:3.11-slim
        COPY . /app
        RUN pip install --upgrade pip setuptools wheel
        RUN pip install -r /app/requirements.txt
    """, (2, 1))
    does_not_catch("ML101", """
        FROM python:3.11-slim
        COPY . /app
        RUN pip install --upgrade pip
    """)


def test_ml101_same_stage_only():
    does_not_catch("ML101", """
        FROM python:3.11-slim AS src
        COPY . /app
        FROM python:3.11-slim
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        COPY --from=src /app /app
    """)
    catches("ML101", """
        FROM python:3.11 AS builder
        COPY . /build
        RUN pip wheel --wheel-dir /wheels /build && \\
            pip install --no-cache-dir /wheels/*.whl
        FROM python:3.11-slim
        COPY --from=builder /wheels /wheels
    """, (2, 1))


def test_ml101_heredoc_install():
    catches("ML101", """
        FROM python:3.11-slim
        COPY app/ /app/
        RUN <<EOF
        set -e
        pip install -r /app/requirements.txt
        EOF
    """, (2, 1))


# -- ML102 model-after-code ------------------------------------------------------------


def test_ml102_model_after_code():
    catches("ML102", """
        FROM python:3.11-slim
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY src/ ./src/
        COPY models/ ./models/
        COPY weights/encoder.safetensors ./weights/
        COPY model.joblib .
    """, (5, 1), (6, 1), (7, 1))


@pytest.mark.parametrize("artifact", ["model.pt", "best.ckpt", "net.onnx", "clf.pkl", "m.h5", "m.keras", "checkpoints/", "models/pytorch_model.bin"])
def test_ml102_artifact_kinds(artifact):
    catches("ML102", f"""
        FROM python:3.11-slim
        COPY app.py .
        COPY {artifact} /srv/
    """, (3, 1))


def test_ml102_model_from_stage_or_url_after_code():
    catches("ML102", """
        FROM python:3.11-slim AS fetch
        RUN echo fetch
        FROM python:3.11-slim
        COPY . /app
        COPY --from=fetch /models /app/models
        ADD https://example.com/files/model.safetensors /app/
    """, (5, 1), (6, 1))


def test_ml102_textbook_order_and_other_stages():
    does_not_catch("ML102", """
        FROM python:3.11-slim AS base
        COPY src/ ./src/
        FROM python:3.11-slim
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY models/model.joblib ./models/
        COPY src/ ./src/
        COPY config.yaml .
    """)


def test_ml102_code_and_model_in_one_copy():
    does_not_catch("ML102", """
        FROM python:3.11-slim
        COPY app.py model.joblib ./
    """)


# -- ML103 apt-install-recommends ------------------------------------------------------


def test_ml103_points_at_install_word():
    catches("ML103", """
        FROM debian:12
        RUN apt-get update && apt-get install -y curl
        RUN apt install -y git
    """, (2, 31), (3, 9))


def test_ml103_continuation_line_and_second_command():
    catches("ML103", """
        FROM debian:12
        RUN apt-get update \\
            && apt-get install -y --no-install-recommends curl \\
            && apt-get -y install \\
               git
    """, (4, 19))


def test_ml103_heredoc_and_cache_mount():
    catches("ML103", """
        FROM debian:12
        RUN --mount=type=cache,target=/var/cache/apt <<EOF
        apt-get update
          sudo apt-get install -y curl
        EOF
    """, (4, 16))


def test_ml103_exec_form_and_sh_c():
    catches("ML103", """
        FROM debian:12
        RUN ["apt-get", "install", "-y", "curl"]
        RUN ["/bin/sh", "-c", "apt-get install -y --no-install-recommends curl && apt-get install -y git"]
    """, (2, 18), (3, 83))


def test_ml103_accepted_spellings():
    does_not_catch("ML103", """
        FROM debian:12
        RUN apt-get install -y --no-install-recommends curl
        RUN apt-get -o APT::Install-Recommends=false install -y curl
        RUN apt-get install -y -o=APT::Install-Recommends=0 curl
        RUN apt-get update && echo "no install here"
    """)


def test_ml103_apt_config_written_earlier():
    does_not_catch("ML103", """
        FROM debian:12 AS base
        RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/00norecommends
        FROM base
        RUN apt-get install -y curl
    """)
    catches("ML103", """
        FROM debian:12
        RUN apt-get install -y curl
        RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/00norecommends
    """, (2, 13))


def test_ml103_every_stage_that_ships():
    catches("ML103", """
        FROM debian:12 AS builder
        RUN apt-get install -y build-essential
        FROM debian:12-slim
        COPY --from=builder /usr/local /usr/local
        RUN apt-get install -y --no-install-recommends libgomp1
    """, (2, 13))
    # a stage nothing depends on is never built
    does_not_catch("ML103", """
        FROM debian:12 AS experiments
        RUN apt-get install -y build-essential
        FROM debian:12-slim
        RUN apt-get install -y --no-install-recommends libgomp1
    """)


# -- ML104 apt-lists-kept --------------------------------------------------------------


def test_ml104_lists_kept_points_at_update():
    catches("ML104", """
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        RUN rm -rf /var/lib/apt/lists/*
    """, (2, 13))


def test_ml104_continuation_line():
    catches("ML104", """
        FROM debian:12
        RUN set -eux; \\
            apt-get -qq update; \\
            apt-get install -y --no-install-recommends curl
    """, (3, 17))


@pytest.mark.parametrize("clean", [
    "rm -rf /var/lib/apt/lists/*",
    "rm -rf /var/lib/apt/lists",
    "rm -rf /tmp/* /var/lib/apt/lists/",
    "sudo rm -fr /var/lib/apt/*",
])
def test_ml104_removal_variants(clean):
    does_not_catch("ML104", f"""
        FROM debian:12
        RUN apt-get update && apt-get install -y --no-install-recommends curl && {clean}
    """)


def test_ml104_cache_mount_counts_as_clean():
    does_not_catch("ML104", """
        FROM debian:12
        RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \\
            --mount=type=cache,target=/var/cache/apt \\
            apt-get update && apt-get install -y --no-install-recommends curl
        RUN --mount=type=cache,dst=/var/lib/apt/lists/ apt-get update
    """)
    catches("ML104", """
        FROM debian:12
        RUN --mount=type=cache,target=/var/cache/apt apt-get update
    """, (2, 54))


def test_ml104_heredoc():
    catches("ML104", """
        FROM debian:12
        RUN <<EOF
        apt-get update
        apt-get install -y --no-install-recommends curl
        EOF
    """, (3, 9))
    does_not_catch("ML104", """
        FROM debian:12
        RUN <<EOF
        apt-get update
        apt-get install -y --no-install-recommends curl
        rm -rf /var/lib/apt/lists/*
        EOF
    """)


def test_ml104_only_stages_in_the_image():
    # the builder's layers do not reach the image; the final stage's parent does
    catches("ML104", """
        FROM debian:12 AS builder
        RUN apt-get update && apt-get install -y --no-install-recommends gcc
        FROM debian:12-slim AS base
        RUN apt-get update && apt-get install -y --no-install-recommends curl
        FROM base
        COPY --from=builder /out /out
    """, (4, 13))
    does_not_catch("ML104", """
        FROM debian:12 AS builder
        RUN apt-get update
        FROM debian:12-slim
        RUN echo hi
    """)


def test_ml104_target_stage_is_checked():
    catches("ML104", """
        FROM debian:12 AS builder
        RUN apt-get update
        FROM debian:12-slim
        RUN echo hi
    """, (2, 13), target="builder")


# -- ML105 pip-cache-kept --------------------------------------------------------------


def test_ml105_points_at_install_word():
    catches("ML105", """
        FROM python:3.11-slim
        RUN pip install flask==3.0.3
        RUN python3 -m pip install -r requirements.txt
        RUN pip3 --disable-pip-version-check install torch==2.3.1
    """, (2, 9))
    for src, where in [("FROM python:3.11-slim\nRUN python3 -m pip install -r requirements.txt\n", (2, 20)), ("FROM python:3.11-slim\nRUN pip3 --disable-pip-version-check install torch==2.3.1\n", (2, 38))]:
        catches("ML105", src, where)


def test_ml105_continuation_uv_and_conda():
    catches("ML105", """
        FROM python:3.11-slim
        RUN set -e && \\
            uv pip install --system numpy==2.0.0 && \\
            conda run -n ml pip install -r requirements.txt
    """, (3, 12))
    catches("ML105", """
        FROM python:3.11-slim
        RUN conda run -n ml pip install -r requirements.txt
    """, (2, 25))


def test_ml105_clean_spellings():
    does_not_catch("ML105", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir -r requirements.txt
        RUN pip --no-cache-dir install -r requirements.txt
        RUN PIP_NO_CACHE_DIR=1 pip install -r requirements.txt
        RUN uv pip install --no-cache --system -r requirements.txt
        RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
        RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt
        RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install -r requirements.txt
        RUN --mount=type=cache,target=/root/.cache/uv uv pip install --system -r requirements.txt
        RUN --mount=type=cache,target=/pipcache pip install --cache-dir /pipcache -r requirements.txt
    """)


# pip disables the cache for any boolean value, false ones too
@pytest.mark.parametrize("value, fires", [("1", False), ("true", False), ("YES", False), ("on", False), ("0", False), ("false", False), ("maybe", True)])
def test_ml105_pip_no_cache_dir_env_values(value, fires):
    src = f"""
        FROM python:3.11-slim
        ENV PIP_NO_CACHE_DIR={value}
        RUN pip install -r requirements.txt
    """
    if fires:
        catches("ML105", src, (3, 9))
    else:
        does_not_catch("ML105", src)


def test_ml105_env_must_come_before_and_is_inherited():
    catches("ML105", """
        FROM python:3.11-slim
        RUN pip install -r requirements.txt
        ENV PIP_NO_CACHE_DIR=1
    """, (2, 9))
    does_not_catch("ML105", """
        FROM python:3.11-slim AS base
        ENV PIP_NO_CACHE_DIR=on
        FROM base
        RUN pip install -r requirements.txt
    """)


def test_ml105_cache_mount_elsewhere_does_not_count():
    catches("ML105", """
        FROM python:3.11-slim
        RUN --mount=type=cache,target=/var/cache/apt --mount=type=bind,target=/root/.cache/pip \\
            pip install -r requirements.txt
    """, (3, 9))


def test_ml105_only_stages_in_the_image():
    catches("ML105", """
        FROM python:3.11 AS builder
        RUN pip install --prefix=/install -r requirements.txt
        FROM python:3.11-slim AS base
        RUN pip install gunicorn==22.0.0
        FROM base
        COPY --from=builder /install /usr/local
    """, (4, 9))


def test_ml105_heredoc_and_exec_form():
    catches("ML105", """
        FROM python:3.11-slim
        RUN <<EOF
        pip install -r requirements.txt
        EOF
        RUN ["pip", "install", "-r", "requirements.txt"]
    """, (3, 5))


# -- ML202 unpinned-pip-install --------------------------------------------------------


def test_ml202_one_finding_per_run_listing_the_packages():
    src = """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir flask==3.0.3 scikit-learn 'numpy<2' "torch==2.*" Uvicorn[standard] && pip install rich
    """
    [f] = findings(src, "ML202")
    assert (f.line, f.column, f.end_line, f.end_column) == (2, 1, 2, 118)
    assert f.message == (
        "installs 5 packages without an exact version: `scikit-learn`, `numpy<2`, `torch==2.*` and 2 more; "
        "pin them (`scikit-learn==X.Y.Z`) or install from a pinned requirements or constraints file"
    )
    [one] = findings("FROM python:3.11-slim\nRUN pip install Uvicorn[standard]\n", "ML202")
    assert one.message == "installs a package without an exact version: `Uvicorn[standard]`; pin it (`Uvicorn[standard]==X.Y.Z`) or install from a pinned requirements or constraints file"


def test_ml202_continuation_line_and_variants():
    catches("ML202", """
        FROM python:3.11-slim
        RUN python -m pip install --no-cache-dir \\
              --extra-index-url https://download.pytorch.org/whl/cu121 \\
              torch \\
              transformers==4.44.0 && \\
            uv pip install --system "tensorflow[and-cuda]" && \\
            pip3 install -U vllm
    """, (2, 1))


def test_ml202_cache_mount_heredoc_and_exec_form():
    catches("ML202", """
        FROM python:3.11-slim
        RUN --mount=type=cache,target=/root/.cache/pip pip install gradio
        RUN <<EOF
        conda run -n ml pip install onnxruntime-gpu
        EOF
        RUN ["pip", "install", "--no-cache-dir", "uvicorn"]
    """, (2, 1), (3, 1), (6, 1))


def test_ml202_pinned_and_not_packages():
    does_not_catch("ML202", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir flask==3.0.3 "requests===2.32.3" "numpy==1.26.4; python_version<'3.12'"
        RUN pip install --no-cache-dir -r requirements.txt -e . ./libs/core /wheels/x-1.0-py3-none-any.whl dist/pkg.tar.gz .
        RUN pip install --no-cache-dir --upgrade pip setuptools wheel
        RUN pip install --no-cache-dir $EXTRA_PACKAGES "${MORE}"
        RUN pip install --no-cache-dir "mylib @ git+https://github.com/org/mylib.git@3f2a9c1d4e5b6a7980112233445566778899aabb"
        RUN pip install --no-cache-dir "other @ https://example.com/other-1.2.0-py3-none-any.whl"
        RUN pip install --no-cache-dir "bad name!!"
        RUN pip download flask
    """)


def test_ml202_unpinned_url_requirement():
    catches("ML202", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir "mylib @ git+https://github.com/org/mylib.git@main"
    """, (2, 1))


def test_ml202_constraints_pin_everything():
    does_not_catch("ML202", """
        FROM python:3.11-slim
        COPY constraints.txt .
        RUN pip install --no-cache-dir -c constraints.txt flask torch
        RUN pip install --no-cache-dir --constraint=constraints.txt gunicorn
    """)
    does_not_catch("ML202", """
        FROM python:3.11-slim
        ENV PIP_CONSTRAINT=/constraints.txt
        RUN pip install --no-cache-dir flask
    """)


def test_ml202_every_stage():
    catches("ML202", """
        FROM python:3.11 AS builder
        RUN pip wheel flask && pip install --no-cache-dir build
        FROM python:3.11-slim
        RUN echo done
    """, (2, 1))


# -- ML203 unpinned-base-image ---------------------------------------------------------


def test_ml203_untagged_and_latest():
    catches("ML203", """
        FROM python AS a
        FROM --platform=linux/amd64 ubuntu:latest AS build
        FROM registry.example.com:5000/team/image AS c
        FROM registry.example.com:5000/team/image:1.2
        COPY --from=a /a /a
        COPY --from=build /b /b
        RUN --mount=type=bind,from=c,target=/c cp /c/x /x
    """, (1, 6), (2, 29), (3, 6))


def test_ml203_pinned_digest_scratch_stage_refs():
    does_not_catch("ML203", """
        FROM python:3.11-slim AS base
        FROM python@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
        FROM nvidia/cuda:latest@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
        FROM scratch
        FROM base AS runtime
        FROM runtime
    """)


def test_ml203_after_arg_substitution():
    catches("ML203", """
        ARG BASE=pytorch/pytorch
        ARG TAG=latest
        ARG CUDA=12.1.0
        FROM ${BASE} AS a
        FROM ${BASE}:${TAG} AS b
        FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS c
        FROM ${IMAGE:-python}
        COPY --from=a /a /a
        COPY --from=b /b /b
        COPY --from=c /c /c
    """, (4, 6), (5, 6), (7, 6))


def test_ml203_arg_without_default_is_not_reported():
    does_not_catch("ML203", """
        ARG BASE
        ARG CUDA
        FROM $BASE
        FROM nvidia/cuda:${CUDA}-runtime
        FROM ${UNDECLARED}
    """)


def test_ml203_build_arg_overrides():
    catches("ML203", """
        ARG BASE=python:3.11-slim
        FROM $BASE
    """, (2, 6), build_args={"BASE": "python"})
    does_not_catch("ML203", """
        ARG BASE
        FROM $BASE
    """, build_args={"BASE": "python:3.12"})


def test_ml203_message_names_the_resolved_image():
    (f,) = findings("""
        ARG BASE=python
        FROM ${BASE}
    """, "ML203")
    assert f.message.startswith("base image `${BASE}` (`python`) has no tag")
    assert (f.line, f.column, f.end_line, f.end_column) == (2, 6, 2, 13)


# -- each rule's documentation examples ------------------------------------------------


def _doc_block(rule, section):
    from mldocklint.rules import all_rules

    doc = all_rules()[rule].doc
    start = doc.index(f"## {section}\n```dockerfile\n") + len(f"## {section}\n```dockerfile\n")
    return doc[start : doc.index("```", start)]


@pytest.mark.parametrize("rule", BUILD_RULES)
def test_doc_example_triggers_only_this_rule(rule):
    assert {r for r, _, _ in lint_text(_doc_block(rule, "Example"))} == {rule}
    assert lint_text(_doc_block(rule, "Use instead")) == []


@pytest.mark.parametrize("rule", BUILD_RULES)
def test_doc_sections_in_order(rule):
    from mldocklint.rules import all_rules

    doc = all_rules()[rule].doc
    heads = [line for line in doc.splitlines() if line.startswith("## ")]
    assert heads == ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## When to ignore", "## Fix", "## Options"]
