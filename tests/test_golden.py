"""Every output format on one rich fixture, byte for byte, through the real command line.

Regenerate after an intended change with
``MLDOCKLINT_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
FIXTURE = "tests/golden/rich.Dockerfile"
# Only the rules this fixture is written for, so that new rules do not change the files.
SELECT = "ML000,ML302,ML303,ML900"
FORMATS = {"text": "rich.txt", "json": "rich.json", "sarif": "rich.sarif", "github": "rich.github.txt", "gitlab": "rich.gitlab.json"}


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "mldocklint", "check", "--isolated", "--select", SELECT, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(fmt):
    proc = run("--format", fmt, FIXTURE)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    golden = GOLDEN / FORMATS[fmt]
    if os.environ.get("MLDOCKLINT_REGENERATE_GOLDEN") == "1":
        golden.write_text(proc.stdout, encoding="utf-8", newline="\n")
    assert proc.stdout == golden.read_text(encoding="utf-8")


def test_output_is_deterministic():
    assert run("--format", "sarif", FIXTURE).stdout == run("--format", "sarif", FIXTURE).stdout


def test_several_format_output_pairs_in_one_run(tmp_path):
    sarif, gitlab = tmp_path / "out.sarif", tmp_path / "cq.json"
    proc = run("--format", "text", "--format", "sarif", "--output", str(sarif), "-f", "gitlab", f"--output={gitlab}", FIXTURE)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == (GOLDEN / FORMATS["text"]).read_text(encoding="utf-8")
    assert sarif.read_text(encoding="utf-8") == (GOLDEN / FORMATS["sarif"]).read_text(encoding="utf-8")
    assert json.loads(gitlab.read_text(encoding="utf-8")) == json.loads((GOLDEN / FORMATS["gitlab"]).read_text(encoding="utf-8"))


def test_github_format_is_the_default_in_github_actions():
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    proc = subprocess.run(
        [sys.executable, "-m", "mldocklint", "check", "--isolated", "--select", SELECT, FIXTURE],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    assert proc.stdout == (GOLDEN / FORMATS["github"]).read_text(encoding="utf-8")


def test_no_inline_suppressions_reports_suppressed_findings():
    proc = run("--no-inline-suppressions", FIXTURE)
    assert [line.split(" ")[:2] for line in proc.stdout.splitlines()] == [
        ["tests/golden/rich.Dockerfile:9:1:", "ML303"],
        ["tests/golden/rich.Dockerfile:14:1:", "ML303"],
        ["tests/golden/rich.Dockerfile:15:1:", "ML303"],
        ["tests/golden/rich.Dockerfile:17:1:", "ML302"],
    ]
