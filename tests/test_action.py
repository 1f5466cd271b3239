"""The composite GitHub Action: its inputs, the CLI flags it uses, and its run script executed for real."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from mldocklint.cli import check

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def step(step_id_or_name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if step_id_or_name in (s.get("id"), s.get("name")))


def test_inputs_and_flags():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "format", "config", "failure-threshold", "sarif-file", "python-version"}
    script = step("lint")["run"]
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", script))
    assert flags == {"--failure-threshold", "--format", "--output", "--config"}
    known = {opt for p in check.params for opt in p.opts}
    assert flags <= known
    assert "pip install" in step("Install mldocklint")["run"]
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.lint.outputs.sarif-file }}"
    # inputs reach the script only through the environment (no expression injection)
    assert "${{" not in script
    assert step("lint")["env"] == {
        "INPUT_PATHS": "${{ inputs.paths }}",
        "INPUT_FORMAT": "${{ inputs.format }}",
        "INPUT_CONFIG": "${{ inputs.config }}",
        "INPUT_FAILURE_THRESHOLD": "${{ inputs.failure-threshold }}",
        "INPUT_SARIF_FILE": "${{ inputs.sarif-file }}",
    }


def run_step(tmp_path, **inputs):
    values = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()} | inputs
    s = step("lint")
    env = {k: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m.group(1)], v) for k, v in s["env"].items()}
    out = tmp_path / "github_output"
    out.write_text("")
    env = {**os.environ, **env, "GITHUB_OUTPUT": str(out), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-eo", "pipefail", "-c", s["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    return proc, out.read_text()


def test_run_script_writes_sarif_and_fails_on_findings(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("FROM python:3.11-slim\nCMD python app.py\n")
    (tmp_path / "gpu.Dockerfile").write_text("FROM python:3.11-slim\nUSER 1000\nCMD python train.py\n")
    (tmp_path / "lint.yaml").write_text("select: [ML302, ML303]\n")
    proc, outputs = run_step(tmp_path, paths="svc\ngpu.Dockerfile", config="lint.yaml", **{"sarif-file": "out/x.sarif"})
    assert proc.returncode == 2, proc.stderr  # the report directory does not exist
    (tmp_path / "out").mkdir()
    proc, outputs = run_step(tmp_path, paths="svc\ngpu.Dockerfile", config="lint.yaml", **{"sarif-file": "out/x.sarif"})
    assert proc.returncode == 1, proc.stderr
    assert outputs == "sarif-file=out/x.sarif\n"
    assert [line.split(",")[0] for line in proc.stdout.splitlines()] == [
        "::warning file=gpu.Dockerfile", "::error file=svc/Dockerfile", "::warning file=svc/Dockerfile",
    ]
    results = json.loads((tmp_path / "out" / "x.sarif").read_text())["runs"][0]["results"]
    assert sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results) == [
        ("ML302", "svc/Dockerfile"), ("ML303", "gpu.Dockerfile"), ("ML303", "svc/Dockerfile"),
    ]
    proc, _ = run_step(tmp_path, paths="gpu.Dockerfile", config="lint.yaml", **{"failure-threshold": "error", "format": "text"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("gpu.Dockerfile:3:1: ML303 ")
