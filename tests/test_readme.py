"""The README's examples, run against the real rules and command line.

Blocks are found by fence language anywhere in the README, so a new section's examples are
tested too: ``toml`` and ``yaml`` configuration is read by the real configuration reader
(YAML naming another tool's file in its first comment is checked against that tool's
contract), every ``mldocklint`` command in ``console`` blocks and CI snippets is parsed by
the real command line, and the quick start runs and prints what the README shows.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from mldocklint import config
from mldocklint.cli import main
from mldocklint.discover import is_dockerfile_name
from mldocklint.engine import Options

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[tuple[int, str]]:
    """(line number, text) of every fenced block of one language in the README."""
    return [(README.count("\n", 0, m.start()) + 1, m.group(1)) for m in re.finditer(rf"^```{lang}\n(.*?)^```", README, re.S | re.M)]


def _param(lang: str):
    return [pytest.param(text, id=f"line{line}") for line, text in blocks(lang)]


def _named(text: str) -> str | None:
    """The file a YAML block is, from its first line (``# .pre-commit-config.yaml``)."""
    m = re.match(r"#\s*(\S+\.ya?ml)\s*\n", text)
    return m.group(1) if m else None


@pytest.mark.parametrize("text", _param("toml"))
def test_toml_examples_are_valid_configuration(text, tmp_path):
    """Every TOML block parses; mldocklint's own configuration is read by the real reader."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    tomllib.loads(text)
    if "[tool.mldocklint" in text:
        path = tmp_path / "pyproject.toml"
        path.write_text(text, encoding="utf-8")
        config.apply(Options(), str(path))


@pytest.mark.parametrize("text", _param("yaml"))
def test_yaml_examples_are_valid(text, tmp_path):
    doc = yaml.safe_load(text)
    name = _named(text)
    if name == ".pre-commit-config.yaml":
        hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
        used = [h["id"] for repo in doc["repos"] for h in repo["hooks"]]
        assert used and set(used) <= hooks
    elif name is not None or isinstance(doc, list):  # a CI file or a fragment of one
        inputs = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
        for step in _steps(doc):
            if str(step.get("uses", "")).startswith("mldocklint/mldocklint@"):
                assert set(step.get("with", {})) <= set(inputs)
    else:  # .mldocklint.yaml
        path = tmp_path / ".mldocklint.yaml"
        path.write_text(text, encoding="utf-8")
        config.apply(Options(), str(path))


def _steps(doc) -> list[dict]:
    if isinstance(doc, list):
        return [s for s in doc if isinstance(s, dict)]
    out = []
    for value in doc.values() if isinstance(doc, dict) else ():
        if isinstance(value, dict):
            out += _steps(value.get("steps", [])) + [s for job in value.values() if isinstance(job, dict) for s in _steps(job.get("steps", []))]
    return out


def _commands() -> list:
    """Every ``mldocklint ...`` invocation in console blocks and CI snippets, as argument lists."""
    found = []
    sources = [(line, t) for line, t in blocks("console")] + [(line, t) for line, t in blocks("yaml")]
    for line, text in sources:
        for raw in text.splitlines():
            for part in re.split(r"&&|\|", raw):
                m = re.search(r"(?:^|\s)(?:mldocklint|python -m mldocklint)\s+(.*)$", part)
                if m and not re.search(r"docker (run|build)", part):
                    args = shlex.split(m.group(1), comments=True)
                    found.append(pytest.param(args, id=f"line{line}-{' '.join(args)[:40]}"))
    return found


@pytest.mark.parametrize("args", _commands())
def test_every_documented_command_parses(args):
    """Options, choices and report pairing as the real command line reads them (nothing is run)."""
    ctx = main.make_context("mldocklint", list(args), resilient_parsing=False)
    protected = getattr(ctx, "_protected_args", None)  # click 8.2 renamed it (protected_args is deprecated)
    name, cmd, rest = main.resolve_command(ctx, (ctx.protected_args if protected is None else protected) + ctx.args)
    cmd.make_context(name, rest, parent=ctx)


SANDBOX = "ARG BASE=python:3.11-slim\nFROM ${BASE} AS runtime\nCOPY . /app\nCMD python app.py\n"


@pytest.mark.parametrize("args", [p for p in _commands() if p.values[0][:1] != ["image"]])
def test_documented_commands_run(args, tmp_path):
    """Run for real in a project with one Dockerfile: findings or none, never a usage error."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(SANDBOX)
    (tmp_path / "services" / "api").mkdir(parents=True)  # the project the examples name
    for arg in args:  # and the Dockerfiles they name in folders
        if "/" in arg and not arg.startswith("-") and is_dockerfile_name(arg.rsplit("/", 1)[1]):
            (tmp_path / arg).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / arg).write_text(SANDBOX)
    if "fixtures/" in " ".join(args):  # the quick start, run from the repository below
        return
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")}
    proc = subprocess.run([sys.executable, "-m", "mldocklint", *args], cwd=tmp_path, input=SANDBOX, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    assert "error" not in proc.stderr


def test_documented_commands_were_found():
    names = {tuple(p.values[0][:1]) for p in _commands()}
    assert {("check",), ("image",), ("rules",), ("explain",)} <= names


def test_configuration_table_lists_every_key():
    section = README.split("<!-- section: configuration -->", 1)[1].split("<!-- section:", 1)[0]
    assert set(config.KEYS) <= set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))


def _blocks(kind: str) -> list[str]:
    return [text for _, text in blocks(kind)]


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


def test_a_broken_example_would_fail(tmp_path):
    """The configuration reader these tests use rejects what the old README showed."""
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.mldocklint.image]\nmax-size-gb = 12\n")
    with pytest.raises(ValueError, match="max-size-gb: unknown option; valid: .*max-gb, max-gb-cuda"):
        config.apply(Options(), str(path))
    with pytest.raises(click.UsageError):
        test_every_documented_command_parses(["check", "--formt", "json"])


@pytest.mark.parametrize("text", _param("json"))
def test_json_examples_have_the_keys_of_a_real_report(text, tmp_path):
    """Every JSON block parses; one that shows a report has the keys a real report has."""
    import json

    shown = json.loads(text)
    if "findings" not in shown:  # an editor's settings, not a report
        return
    (tmp_path / "Dockerfile").write_text(SANDBOX)
    proc = subprocess.run([sys.executable, "-m", "mldocklint", "check", "--isolated", "--format", "json", "Dockerfile"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    real = json.loads(proc.stdout)
    assert set(shown) == set(real)
    assert set(shown["findings"][0]) == set(real["findings"][0])
    assert set(shown["summary"]) == set(real["summary"]) and set(shown["summary"]["fixable"]) == set(real["summary"]["fixable"])
    assert set(shown["files"][0]) == set(real["files"][0])
