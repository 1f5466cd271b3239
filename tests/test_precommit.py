"""The pre-commit hook, run for real with ``pre-commit try-repo`` (installs from PyPI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

BAD = "FROM python:3.11-slim\nCOPY app.py .\nCMD python app.py\n"
GOOD = 'FROM python:3.11-slim\nRUN useradd --create-home --uid 1000 modeluser\nCOPY app.py .\nUSER modeluser\nCMD ["python", "app.py"]\n'


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def snapshot(dest: Path) -> Path:
    """This working tree (tracked and new, not ignored files) as a one-commit repository."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest


def test_manifest_is_valid():
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_fails_on_a_bad_dockerfile_and_passes_when_fixed(tmp_path):
    hooks = snapshot(tmp_path / "mldocklint")
    project = tmp_path / "project"
    project.mkdir()
    (project / "Dockerfile").write_text(BAD)
    (project / "svc.Dockerfile").write_text(GOOD)
    (project / "Containerfile").write_text(BAD.replace("app.py", "train.py"))
    (project / "Dockerfile.dockerignore").write_text("*.ckpt\n")  # tagged `dockerfile` by identify; must be skipped
    (project / "Dockerfile.j2").write_text("FROM {{ base }}\n")  # a template, also tagged; must be skipped
    (project / "app.py").write_text("print('hi')\n")
    (project / "train.py").write_text("print('hi')\n")
    # The rules this test is about; rules added later must not change its outcome.
    (project / ".mldocklint.yaml").write_text("select: [ML000, root-user, shell-form-cmd]\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    env.pop("GITHUB_ACTIONS", None)

    def try_repo():
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "mldocklint", "--all-files"],
            cwd=project, env=env, capture_output=True, text=True, timeout=900,
        )

    proc = try_repo()
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "mldocklint" in out and "Failed" in out
    lint_lines = sorted(line for line in out.splitlines() if ": ML" in line)
    assert [line.split(" ", 2)[:2] for line in lint_lines] == [
        ["Containerfile:1:1:", "ML302"],
        ["Containerfile:3:1:", "ML303"],
        ["Dockerfile:1:1:", "ML302"],
        ["Dockerfile:3:1:", "ML303"],
    ]
    assert "no USER in the final stage: the container runs as root" in out

    (project / "Dockerfile").write_text(GOOD)
    (project / "Containerfile").write_text(GOOD.replace("app.py", "train.py"))
    git(project, "add", "-A")
    proc = try_repo()
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out and ": ML" not in out
