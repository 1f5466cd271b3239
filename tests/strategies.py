"""Hypothesis strategies that generate valid Dockerfile text shaped like real ML images.

``dockerfiles()`` draws whole files that BuildKit's parser accepts, mixing the features that
make Dockerfile parsing hard:

- parser directives: ``# syntax=...`` and ``# escape=``` (backtick escape, Windows paths);
- global ``ARG BASE=...`` before the first FROM, used as ``${BASE}``, ``$BASE`` or
  ``${BASE:-python:3.11}``; ``FROM ... AS name`` stages and later ``FROM name``;
- keywords in upper, lower or mixed case;
- builder flags: ``--from``, ``--chown``, ``--link``, ``--platform``,
  ``--mount=type=cache,target=/root/.cache/pip``;
- exec (JSON) and shell forms of RUN, CMD, ENTRYPOINT, COPY and HEALTHCHECK;
- RUN and COPY heredocs: ``<<EOF``, ``<<-EOT`` with tab-indented bodies, quoted
  ``<<'EOF'``, several heredocs opened on one line;
- long RUN chains of pip, apt-get and conda commands split by continuations, with comment
  lines, blank lines and trailing whitespace after the escape character inside them;
- ENV, ARG and LABEL values in quotes, with unicode;
- LF or CRLF line endings, an optional UTF-8 BOM, an optional final newline.

Each instruction is drawn as a list of physical lines (without line endings) by a small
strategy below; ``dockerfiles()`` joins them.
"""

from __future__ import annotations

from hypothesis import strategies as st

BASES = (
    "python:3.11-slim",
    "python:3.12-slim-bookworm",
    "nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04",
    "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
    "continuumio/miniconda3:24.1.2-0",
    "ubuntu:22.04",
    "mcr.microsoft.com/windows/servercore:ltsc2022",
)
STAGE_NAMES = ("builder", "deps", "Build", "runtime", "final")
SHELL_COMMANDS = (
    "pip install --no-cache-dir -r requirements.txt",
    "pip install --no-cache-dir torch==2.3.0 --index-url https://download.pytorch.org/whl/cpu",
    "python -m pip install --upgrade pip==24.0",
    "pip install 'transformers>=4.40,<5' \"accelerate==0.30.1\"",
    "apt-get update",
    "apt-get install -y --no-install-recommends build-essential curl git",
    "rm -rf /var/lib/apt/lists/*",
    "conda env create -f environment.yml",
    "conda clean -afy",
    "python -c 'import torch; print(torch.__version__)'",
    "useradd --create-home --uid 1000 app",
    "echo \"done: ✓ modèle prêt\"",
    "mkdir -p /models /data",
    "huggingface-cli download bert-base-uncased --local-dir /models/bert",
)
UNICODE_VALUES = ("héllo wörld", "模型服务", "naïve café", "Ünïcödé ✓", "données d'entraînement")
HEREDOC_BODIES = (
    ("set -eux", "pip install --no-cache-dir numpy==1.26.4", "python -c 'import numpy'"),
    ("#!/usr/bin/env python3", "import torch", "", "print(torch.cuda.is_available())"),
    ("apt-get update", "apt-get install -y curl  # keep it small", "rm -rf /var/lib/apt/lists/*"),
    ("[server]", "host = 0.0.0.0", "port = 8080"),
)
HEREDOC_NAMES = ("EOF", "EOT", "SCRIPT", "END_OF_FILE", "CONFIG")


def _keyword(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from((name, name.lower(), name.capitalize()))


@st.composite
def _continued(draw, head: str, pieces: list[str], esc: str) -> list[str]:
    """``head`` then ``pieces`` joined by ``&&``, each physical line but the last ending
    with the escape character; comment and blank lines may sit inside the continuation."""
    lines = [head]
    for piece in pieces:
        trailing = draw(st.sampled_from(("", "", " ", "\t", "  ")))
        lines[-1] = lines[-1] + " " + esc + trailing
        for _ in range(draw(st.integers(0, 2))):
            lines.append(draw(st.sampled_from(("", "   ", "# a comment inside the command", "    # indented comment"))))
        lines.append("    && " + piece)
    return lines


@st.composite
def _run(draw, esc: str, stages: list[str]) -> list[str]:
    kw = draw(_keyword("RUN"))
    flags = draw(st.sampled_from(("", "--mount=type=cache,target=/root/.cache/pip ", "--mount=type=cache,target=/var/cache/apt,sharing=locked ", "--network=host ")))
    form = draw(st.sampled_from(("shell", "chain", "exec", "heredoc", "heredocs")))
    if form == "exec":
        return [f'{kw} {flags}["python", "-m", "pip", "install", "--no-cache-dir", "scikit-learn==1.5.0"]']
    if form == "shell":
        return [f"{kw} {flags}{draw(st.sampled_from(SHELL_COMMANDS))}"]
    if form == "chain":
        cmds = draw(st.lists(st.sampled_from(SHELL_COMMANDS), min_size=1, max_size=8))
        return draw(_continued(f"{kw} {flags}{cmds[0]}", cmds[1:], esc))
    names = draw(st.lists(st.sampled_from(HEREDOC_NAMES), min_size=1, max_size=1 if form == "heredoc" else 3, unique=True))
    opened, bodies = [], []
    for name in names:
        dash = draw(st.sampled_from(("", "-")))
        quoted = draw(st.sampled_from((name, f"'{name}'", f'"{name}"')))
        opened.append(f"<<{dash}{quoted} {draw(st.sampled_from(('bash', 'python3', 'sh -e')))}")
        indent = "\t" if dash else ""
        body = list(draw(st.sampled_from(HEREDOC_BODIES)))
        bodies += [indent + b if b else b for b in body] + [indent + name]
    return [f"{kw} {flags}" + " && ".join(opened)] + bodies


@st.composite
def _copy(draw, esc: str, stages: list[str]) -> list[str]:
    kw = draw(_keyword(draw(st.sampled_from(("COPY", "COPY", "ADD")))))
    flags = []
    if stages and draw(st.booleans()):
        flags.append("--from=" + draw(st.sampled_from(stages)))
    if draw(st.booleans()):
        flags.append(draw(st.sampled_from(("--chown=1000:1000", "--chown=app:app", "--chmod=0644"))))
    if draw(st.booleans()):
        flags.append("--link")
    head = kw + " " + "".join(f + " " for f in flags)
    form = draw(st.sampled_from(("plain", "json", "heredoc", "many")))
    if form == "json":
        return [head + '["requirements.txt", "environment.yml", "/app/"]']
    if form == "heredoc":
        name = draw(st.sampled_from(HEREDOC_NAMES))
        return [head + f"<<{name} /app/config.toml", "[model]", 'path = "/models/bert"', name]
    if form == "many":
        return [head + "<<A <<B /app/", "first file", "A", "second file ✓", "B"]
    src = draw(st.sampled_from(("requirements.txt", ".", "src/ models/", "app.py serve.py", "C:\\app\\model.onnx" if esc == "`" else "model.pt")))
    dest = "C:\\app\\" if esc == "`" else draw(st.sampled_from(("/app/", ".", "/opt/models/")))
    return [head + src + " " + dest]


@st.composite
def _env_like(draw, esc: str, stages: list[str]) -> list[str]:
    kind = draw(st.sampled_from(("ENV", "ARG", "LABEL")))
    kw = draw(_keyword(kind))
    value = draw(st.sampled_from(UNICODE_VALUES))
    if kind == "ENV":
        return [draw(st.sampled_from((
            f"{kw} PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1",
            f'{kw} MESSAGE="{value}"',
            f"{kw} PIP_NO_CACHE_DIR=1 HF_HOME='/models/hf cache'",
            f"{kw} MODEL_DIR /models/{value}",
            f'{kw} PATH="/opt/venv/bin:$PATH"',
        )))]
    if kind == "ARG":
        return [draw(st.sampled_from((f"{kw} TORCH_VERSION=2.3.0", f"{kw} MODEL_NAME", f'{kw} GREETING="{value}"')))]
    head = f'{kw} org.opencontainers.image.title="ML service" description="{value}"'
    if draw(st.booleans()):
        return [f'{kw} maintainer="ml-team@example.com" {esc}', '    version="1.0"']
    return [head]


@st.composite
def _other(draw, esc: str, stages: list[str]) -> list[str]:
    kind = draw(st.sampled_from(("WORKDIR", "USER", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "SHELL", "VOLUME", "STOPSIGNAL", "ONBUILD")))
    kw = draw(_keyword(kind))
    workdir = "C:\\app" if esc == "`" else "/app"
    choices = {
        "WORKDIR": (f"{kw} {workdir}", f"{kw} /srv/$MODEL_NAME"),
        "USER": (f"{kw} app", f"{kw} 1000:1000"),
        "EXPOSE": (f"{kw} 8000", f"{kw} 8080/tcp 9090"),
        "CMD": (f'{kw} ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]', f"{kw} python serve.py --port 8080", f"{kw} []"),
        "ENTRYPOINT": (f'{kw} ["python", "-m", "serve"]', f"{kw} exec gunicorn -b 0.0.0.0:8000 app:app"),
        "HEALTHCHECK": (f"{kw} --interval=30s --timeout=3s CMD curl -f http://localhost:8000/health || exit 1", f'{kw} CMD ["python", "-c", "print(1)"]', f"{kw} NONE"),
        "SHELL": (f'{kw} ["/bin/bash", "-o", "pipefail", "-c"]',),
        "VOLUME": (f"{kw} /data /models", f'{kw} ["/data"]'),
        "STOPSIGNAL": (f"{kw} SIGTERM",),
        "ONBUILD": (f"{kw} COPY . /app", f"{kw} RUN pip install -r requirements.txt"),
    }
    return [draw(st.sampled_from(choices[kind]))]


@st.composite
def _from(draw, stages: list[str], has_base_arg: bool, name: str | None) -> str:
    kw = draw(_keyword("FROM"))
    options = [draw(st.sampled_from(BASES)), "${BASE:-python:3.11}"]
    if has_base_arg:
        options += ["${BASE}", "$BASE"]
    if stages:
        options += list(stages)
    base = draw(st.sampled_from(options))
    platform = draw(st.sampled_from(("", "", "--platform=$BUILDPLATFORM ", "--platform=linux/amd64 ")))
    alias = f" {draw(st.sampled_from(('AS', 'as')))} {name}" if name else ""
    return f"{kw} {platform}{base}{alias}"


@st.composite
def dockerfiles(draw) -> str:
    """Text of a valid Dockerfile (see the module docstring for what it mixes)."""
    esc = draw(st.sampled_from(("\\", "\\", "`")))
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(("# syntax=docker/dockerfile:1", "# syntax=docker/dockerfile:1.7-labs", "#syntax = docker/dockerfile:1"))))
    if esc == "`":
        lines.append("# escape=`")
    if draw(st.booleans()):
        lines.append("# An ML service image")
    has_base_arg = draw(st.booleans())
    if has_base_arg:
        lines.append(draw(st.sampled_from(("ARG BASE=python:3.11-slim", 'ARG BASE="pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime"', "arg BASE"))))
    if draw(st.booleans()):
        lines.append("ARG CUDA_VERSION=12.1.1")
    stages: list[str] = []
    names = draw(st.lists(st.sampled_from(STAGE_NAMES), min_size=1, max_size=3, unique_by=str.lower))
    for k, name in enumerate(names):
        alias = name if k < len(names) - 1 or draw(st.booleans()) else None
        lines.append(draw(_from(stages, has_base_arg, alias)))
        for _ in range(draw(st.integers(0, 8))):
            if draw(st.integers(0, 5)) == 0:
                lines.append(draw(st.sampled_from(("", "# install dependencies first", "  # indented comment"))))
            part = draw(st.sampled_from((_run, _run, _copy, _env_like, _other)))
            lines += draw(part(esc, stages))
        if alias:
            stages.append(alias)
    eol = draw(st.sampled_from(("\n", "\n", "\r\n")))
    text = eol.join(lines)
    if draw(st.integers(0, 3)) > 0:
        text += eol
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text
    return text
