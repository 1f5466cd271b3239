"""Build-correctness rules (ML0xx): BuildKit's checks and hadolint's bug-catchers, at exact
positions, each with the cases that must not fire."""

from __future__ import annotations

from helpers import catches, does_not_catch, lint_text

EXAMPLE = """\
FROM python:3.11-slim AS base
FROM python:3.11-slim AS base
FROM python:${PYVER}-slim as Runtime
ENV PATH=$PAHT:/opt/bin
WORKDIR app
COPY --from=bulder /x /x
RUN pip install -r requirements.txt | tee log
"""


def test_the_issue_example_gives_one_finding_per_bug():
    assert lint_text(EXAMPLE, "ML0") == [
        ("ML005", 2, 26),  # the second `base`
        ("ML008", 3, 15),  # ${PYVER}
        ("ML002", 3, 27),  # as
        ("ML001", 3, 30),  # Runtime
        ("ML010", 4, 11),  # $PAHT
        ("ML009", 5, 9),  # app
        ("ML018", 6, 13),  # bulder
        ("ML019", 7, 37),  # |
    ]


def test_stage_name_casing():
    catches("ML001", "FROM python:3.11-slim AS Build\n", (1, 26))
    does_not_catch("ML001", "FROM python:3.11-slim AS build\nFROM build\n")


def test_from_as_casing():
    catches("ML002", "FROM python:3.11-slim as build\n", (1, 23))
    catches("ML002", "from python:3.11-slim AS build\n", (1, 23))
    does_not_catch("ML002", "from python:3.11-slim as build\nFROM python:3.11-slim AS b\nFrom python:3.11-slim as c\n")


def test_no_empty_continuation():
    catches("ML003", "FROM debian:12\nRUN apt-get update \\\n\n    && true\n", (3, 1))
    does_not_catch("ML003", "FROM debian:12\nRUN apt-get update \\\n    # a comment\n    && true\n\nRUN <<EOF\n\necho\nEOF\n")


def test_consistent_instruction_casing():
    catches("ML004", "FROM debian:12\nRun true\nrun true\nRUN true\nRUN true\n", (2, 1), (3, 1))
    catches("ML004", "from debian:12\nrun true\nRUN true\n", (3, 1))
    does_not_catch("ML004", "FROM debian:12\nRUN true\n")


def test_duplicate_and_reserved_stage_names():
    catches("ML005", "FROM debian:12 AS a\nFROM debian:12 AS A\n", (2, 19))
    does_not_catch("ML005", "FROM debian:12 AS a\nFROM a AS b\n")
    catches("ML006", "FROM debian:12 AS scratch\nFROM debian:12 AS context\n", (1, 19), (2, 19))
    does_not_catch("ML006", "FROM scratch\nFROM debian:12 AS scratchpad\n")


def test_maintainer_deprecated():
    catches("ML007", "FROM debian:12\nMAINTAINER me@example.com\n", (2, 1))
    does_not_catch("ML007", 'FROM debian:12\nLABEL org.opencontainers.image.authors="me"\n')


def test_undefined_arg_in_from():
    catches("ML008", "ARG BASE=debian\nFROM ${BASE}:${TAG}\nFROM --platform=$PLATFORM debian:12\n", (2, 16), (3, 18))
    does_not_catch("ML008", "ARG TAG\nFROM debian:${TAG:-12}\nFROM --platform=$BUILDPLATFORM debian:${TAG}\nFROM debian:${X:-12}\n")


def test_undefined_arg_in_from_suggests_a_declared_name():
    src = "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSON}-slim\n"
    assert [f for f in lint_text(src, "ML008")] == [("ML008", 2, 15)]
    from helpers import findings

    assert "did you mean `PYTHON_VERSION`?" in findings(src, "ML008")[0].message


def test_workdir_relative_path():
    catches("ML009", "FROM debian:12\nWORKDIR app\nWORKDIR src\nFROM debian:12\nWORKDIR b\n", (2, 9), (5, 9))
    does_not_catch("ML009", "FROM debian:12\nWORKDIR /app\nWORKDIR src\nWORKDIR $HOME/x\n")


def test_undefined_var():
    src = """\
        ARG VERSION=1.0
        ARG TOKENIZER=bpe
        FROM python:3.11-slim
        ENV PATH=$PATH:/opt/bin LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH
        COPY dist/app-${VERSION}.whl /tmp/
        ARG TOKENIZER
        ENV TOK=$TOKENIZER HOME_DIR=/home/app
        WORKDIR $HOME_DR
        LABEL v=${MISSING:-none}
        RUN echo $NOT_CHECKED_HERE
        FROM scratch
        ENV X=$Y
        """
    catches("ML010", src, (5, 17), (8, 10), (12, 8))


def test_multiple_instructions_disallowed():
    catches("ML011", 'FROM debian:12\nCMD ["a"]\nHEALTHCHECK NONE\nCMD ["b"]\nHEALTHCHECK CMD true\nFROM debian:12\nCMD ["c"]\n', (2, 1), (3, 1))
    does_not_catch("ML011", 'FROM debian:12\nCMD ["a"]\nENTRYPOINT ["b"]\nFROM debian:12\nCMD ["c"]\n')


def test_legacy_key_value_format():
    catches("ML012", "FROM debian:12\nENV A 1\nLABEL maintainer me\n", (2, 5), (3, 7))
    does_not_catch("ML012", 'FROM debian:12\nENV A=1 B="2 3"\nLABEL a=b\n')


def test_redundant_target_platform_and_constant_platform():
    catches("ML013", "FROM --platform=$TARGETPLATFORM debian:12\nFROM --platform=${TARGETPLATFORM} debian:12\n", (1, 17), (2, 17))
    does_not_catch("ML013", "FROM --platform=$BUILDPLATFORM debian:12\n")
    catches("ML015", "FROM --platform=linux/amd64 debian:12\n", (1, 17))
    does_not_catch("ML015", "FROM --platform=linux/amd64 debian:12 AS amd64-base\nFROM --platform=$BUILDPLATFORM debian:12\n")
    does_not_catch("ML015", "FROM --platform=linux/arm64 nvcr.io/nvidia/l4t-pytorch:r36.4.0 AS jetpack\nFROM --platform=linux/amd64 rocm/pytorch:latest AS gfx\n")
    catches("ML015", "FROM --platform=linux/amd64 nvcr.io/nvidia/l4t-pytorch:r36.4.0 AS jetpack\n", (1, 17))


def test_invalid_default_arg_in_from():
    catches("ML014", 'ARG TAG="3.11 slim"\nARG IMAGE=""\nFROM python:${TAG}\nFROM ${IMAGE}\n', (3, 6), (4, 6))
    does_not_catch("ML014", "ARG TAG=3.11-slim\nFROM python:${TAG}\nFROM python:${NOT_DECLARED}\n")
    does_not_catch("ML014", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nARG REGION\nFROM 1234.dkr.ecr.$REGION.amazonaws.com/x:1\n")
    does_not_catch("ML014", 'ARG TAG="3.11 slim"\nFROM python:${TAG}\n', build_args={"TAG": "3.11-slim"})
    does_not_catch("ML014", "ARG REGISTRY\nARG BASE=${REGISTRY}/base:1\nFROM ${BASE}\nARG FLAVOR=${TARGETARCH}\n")
    does_not_catch("ML014", "ARG FLAVOR=${TARGETARCH}\nFROM debian:12 AS amd64\nFROM ${FLAVOR} AS archive\n")
    does_not_catch("ML014", "ARG NAME=${NAME}\nARG TAG=${TAG}\nFROM ${NAME}:${TAG}\n")
    does_not_catch("ML014", 'ARG CUDA=12.1\nARG BASE=${CUDA:+"nvidia/cuda:${CUDA}-devel"}\nFROM ${BASE}\n')


def test_expose_rules():
    catches("ML016", "FROM debian:12\nEXPOSE 80/TCP 53/udp\n", (2, 8))
    catches("ML017", "FROM debian:12\nEXPOSE 127.0.0.1:80:8080 80:81 9000\n", (2, 8), (2, 26))
    does_not_catch("ML016", "FROM debian:12\nEXPOSE 80/tcp 8080\n")
    does_not_catch("ML017", "FROM debian:12\nEXPOSE 80/tcp 8000-8010\n")


def test_copy_from_unknown_stage():
    src = """\
        FROM python:3.11-slim AS builder
        COPY --from=builder /a /a
        FROM python:3.11-slim AS runtime
        COPY --from=bulder /a /a
        COPY --from=later /b /b
        COPY --from=2 /c /c
        RUN --mount=from=buildr,target=/w true
        COPY --from=builder /ok /ok
        COPY --from=0 /ok /ok
        COPY --from=nginx:1.27 /etc/nginx /etc/nginx
        COPY --from=ghcr.io/astral-sh/uv /uv /bin/uv
        FROM debian:12 AS later
        """
    catches("ML018", src, (2, 13), (4, 13), (5, 13), (6, 13), (7, 18))


def test_pipe_without_pipefail():
    src = """\
        FROM debian:12
        RUN curl -fsSL https://example.com/x.sh | sh
        RUN echo 'a|b' || true
        RUN set -o pipefail && curl -fsSL https://example.com/x.sh | sh
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN curl -fsSL https://example.com/x.sh | bash
        FROM debian:12
        RUN ls | wc -l
        RUN echo 'x y' | debconf-set-selections && V=$(python -V | cut -d' ' -f2) && echo `ls | head`
        RUN echo "deb x" > /etc/apt/sources.list && curl -fsSL https://x/key | gpg --dearmor
        RUN if echo "$BASE" | grep -qi tencent; then true; fi
        RUN ls -laR /app/model | head -50 && pip list | grep -q torch
        """
    catches("ML019", src, (2, 41), (8, 8), (10, 70))
