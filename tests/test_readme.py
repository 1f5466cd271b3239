"""The README's quick start runs as written and prints what the README shows."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_quick_start_output_is_what_the_readme_shows():
    first = _blocks("console")[0].splitlines()[0]
    assert first.startswith("$ pip install . && mldocklint check ")
    args = shlex.split(first.split("&& mldocklint ", 1)[1])
    proc = subprocess.run([sys.executable, "-m", "mldocklint", *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == _blocks("text")[0]


def test_readme_test_command_is_what_ci_runs():
    second = _blocks("console")[0].splitlines()[1]
    assert second == "$ pip install '.[test]' && python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pip install -q '.[test]'" in ci and "\npython -m pytest\n" in ci
