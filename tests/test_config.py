"""Configuration files: discovery, every key, validation errors and precedence."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from mldocklint import config
from mldocklint.engine import Options
from mldocklint.rules import all_rules
from mldocklint.rules.base import Rule

BAD = "FROM python:3.11-slim\nCMD python app.py\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def options_from(path) -> Options:
    opts = Options()
    config.apply(opts, str(path))
    return opts


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_find_walks_up_to_the_repository_root(repo):
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    assert config.find(start=str(deep)) is None
    write(repo / "pyproject.toml", "[project]\nname = 'x'\n")  # no [tool.mldocklint]: not ours
    assert config.find(start=str(deep)) is None
    write(repo / "pyproject.toml", "[tool.mldocklint]\nignore = ['ML303']\n")
    assert config.find(start=str(deep)) == str(repo / "pyproject.toml")
    write(repo / "a" / ".mldocklint.yaml", "ignore: [ML302]\n")
    assert config.find(start=str(deep)) == str(repo / "a" / ".mldocklint.yaml")
    assert config.find("other.toml", start=str(deep)) == "other.toml"


def test_find_keeps_each_directory_s_answer_for_the_next_file(repo):
    write(repo / "pyproject.toml", "[tool.mldocklint]\nignore = ['ML303']\n")
    write(repo / "svc" / ".mldocklint.yml", "ignore: [ML302]\n")
    for d in ("svc/a", "svc/b", "other/c"):
        (repo / d).mkdir(parents=True)
    known: dict = {}
    assert config.find(start=str(repo / "svc" / "a"), known=known) == str(repo / "svc" / ".mldocklint.yml")
    assert config.find(start=str(repo / "other" / "c"), known=known) == str(repo / "pyproject.toml")
    assert known == {str(repo / "svc" / "a"): str(repo / "svc" / ".mldocklint.yml"), str(repo / "svc"): str(repo / "svc" / ".mldocklint.yml"),
                     str(repo / "other" / "c"): str(repo / "pyproject.toml"), str(repo / "other"): str(repo / "pyproject.toml"), str(repo): str(repo / "pyproject.toml")}
    (repo / "svc" / ".mldocklint.yml").unlink()  # what is known is answered without looking again
    assert config.find(start=str(repo / "svc" / "b"), known=known) == str(repo / "svc" / ".mldocklint.yml")
    assert config.find(start=str(repo / "svc" / "b")) == str(repo / "pyproject.toml")


def test_find_stops_at_the_repository_root(tmp_path):
    write(tmp_path / ".mldocklint.yaml", "ignore: [ML302]\n")
    inner = tmp_path / "project"
    (inner / ".git").mkdir(parents=True)
    assert config.find(start=str(inner)) is None


def test_every_key_from_pyproject(repo):
    path = write(repo / "pyproject.toml", """
        [tool.mldocklint]
        select = ["ML3"]
        ignore = ["shell-form-cmd"]
        extend-select = ["ML900"]
        failure-threshold = "error"
        target = "serve"
        build-args = { BASE = "python:3.11-slim", DEBUG = false, N = 2 }
        per-file-ignores = { "legacy/*.Dockerfile" = ["ML302"], "Containerfile" = ["root-user"] }
        severity = { root-user = "warning", ML303 = "info" }
    """)
    opts = options_from(path)
    assert opts.select == ["ML3"]
    assert opts.ignore == ["shell-form-cmd"]
    assert opts.extend_select == ["ML900"]
    assert opts.failure_threshold == "error"
    assert opts.target == "serve"
    assert opts.build_args == {"BASE": "python:3.11-slim", "DEBUG": "false", "N": "2"}
    assert opts.per_file_ignores == {f"{repo.as_posix()}/legacy/*.Dockerfile": ["ML302"], "Containerfile": ["root-user"]}
    assert opts.severity == {"ML302": "warning", "ML303": "info"}


def test_yaml_config(repo):
    path = write(repo / ".mldocklint.yaml", """
        ignore: ML303
        severity:
          ML302: info
        failure-threshold: none
    """)
    opts = options_from(path)
    assert (opts.ignore, opts.severity, opts.failure_threshold) == (["ML303"], {"ML302": "info"}, "none")


@pytest.fixture
def optioned_rules(monkeypatch):
    """Two rules with options, as the context and image rules declare them."""
    rules = dict(all_rules())
    base = rules["ML302"]
    rules["ML503"] = Rule("ML503", "large-context", "context", "warning", "s", "", "none", {"max_mb": 500}, True, "dockerfile", base.check)
    rules["ML601"] = Rule("ML601", "image-too-large", "image", "warning", "s", "", "none", {"max-size-gb": 8.0, "max-size-gb-cuda": 20.0}, False, "image", base.check)
    rules["ML602"] = Rule("ML602", "too-many-layers", "image", "warning", "s", "", "none", {"max-layers": 40}, False, "image", base.check)
    import mldocklint.rules as registry

    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    return rules


def test_rule_options_dotted_nested_and_group(repo, optioned_rules):
    path = write(repo / "pyproject.toml", """
        [tool.mldocklint]
        large-context.max-mb = 600
        image.max-size-gb = 4

        [tool.mldocklint.ML602]
        max-layers = 30
    """)
    assert options_from(path).rule_options == {"ML503": {"max_mb": 600}, "ML601": {"max-size-gb": 4.0}, "ML602": {"max-layers": 30}}
    path = write(repo / ".mldocklint.yaml", """
        large-context.max-mb: 700
        image:
          max-layers: 50
    """)
    assert options_from(path).rule_options == {"ML503": {"max_mb": 700}, "ML602": {"max-layers": 50}}


@pytest.mark.parametrize(
    "body, message",
    [
        ("selct = ['ML302']", "pyproject.toml: selct: unknown key; did you mean `select`?"),
        ("colour = 1", "pyproject.toml: colour: unknown key; valid: select, ignore, extend-select, per-file-ignores, role, severity, failure-threshold, target, build-args, contexts, <rule>.<option>"),
        ("select = ['ML999']", "pyproject.toml: select: unknown rule `ML999`; `mldocklint rules` lists them"),
        ("failure_threshold = 'error'", "pyproject.toml: failure_threshold: unknown key; did you mean `failure-threshold`?"),
        ("failure-threshold = 'eror'", "pyproject.toml: failure-threshold: invalid value 'eror'; did you mean `error`?"),
        ("large-context.max_mbb = 1", "pyproject.toml: large-context.max_mbb: unknown option; did you mean `max-mb`?"),
        ("large-contxt.max-mb = 1", "pyproject.toml: large-contxt.max-mb: unknown rule `large-contxt`; did you mean `large-context`?"),
        ("ignore = ['rot-user']", "pyproject.toml: ignore: unknown rule `rot-user`; did you mean `root-user`?"),
        ("ignore = 'no-such-rule'", "pyproject.toml: ignore: unknown rule `no-such-rule`; `mldocklint rules` lists them"),
        ("select = 3", "pyproject.toml: select: expected a list of rule ids or slugs, got an integer"),
        ("failure-threshold = 'high'", "pyproject.toml: failure-threshold: invalid value 'high'; valid: error, warning, info, none"),
        ("severity = { ML302 = 'fatal' }", "pyproject.toml: severity.ML302: invalid value 'fatal'; valid: error, warning, info"),
        ("severity = { ML999 = 'info' }", "pyproject.toml: severity.ML999: unknown rule `ML999`; `mldocklint rules` lists them"),
        ("per-file-ignores = ['x']", "pyproject.toml: per-file-ignores: expected a table, got a list"),
        ("build-args = { A = [1] }", "pyproject.toml: build-args.A: expected a string value"),
        ("large-context.max-mb = 'big'", "pyproject.toml: large-context.max-mb: expected an integer, got a string 'big'"),
        ("large-context.max-gb = 1", "pyproject.toml: large-context.max-gb: unknown option; did you mean `max-mb`?"),
        ("large-context.limit = 1", "pyproject.toml: large-context.limit: unknown option; valid: max-mb"),
        ("root-user.strict = true", "pyproject.toml: root-user.strict: root-user has no options"),
        ("nope.max-mb = 1", "pyproject.toml: nope.max-mb: unknown rule `nope`; `mldocklint rules` lists the rule ids and slugs; `image` names every image rule"),
        ("select = [", "pyproject.toml: invalid TOML"),
    ],
)
def test_invalid_config_names_file_key_and_choices(repo, optioned_rules, body, message):
    path = write(repo / "pyproject.toml", "[tool.mldocklint]\n" + body + "\n")
    with pytest.raises(ValueError) as e:
        options_from(path)
    assert str(e.value).startswith(str(repo / message.split(":")[0]) + ":" + message.split(":", 1)[1])


def test_invalid_yaml(repo):
    path = write(repo / ".mldocklint.yaml", "select: [ML302\n")
    with pytest.raises(ValueError, match=r"\.mldocklint\.yaml: invalid YAML"):
        options_from(path)
    write(repo / ".mldocklint.yaml", "- ML302\n")
    with pytest.raises(ValueError, match="must be a table of keys, got list"):
        options_from(path)


def cli(cwd, *args):
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([sys.executable, "-m", "mldocklint", "check", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_cli_reads_config_and_flags_win(repo):
    write(repo / "Dockerfile", BAD)
    write(repo / "pyproject.toml", """
        [tool.mldocklint]
        select = ["ML303"]
        failure-threshold = "error"
    """)
    sub = repo / "sub"
    sub.mkdir()
    proc = cli(sub, "../Dockerfile")
    assert proc.returncode == 0
    assert [line.split(" ")[1] for line in proc.stdout.splitlines()] == ["ML303"]
    proc = cli(repo, "--select", "ML302", "--failure-threshold", "warning", "Dockerfile")
    assert proc.returncode == 1
    assert [line.split(" ")[1] for line in proc.stdout.splitlines()] == ["ML302"]
    proc = cli(repo, "--isolated", "--select", "ML302,ML303", "Dockerfile")
    assert proc.returncode == 1  # the configured failure-threshold is not read
    assert [line.split(" ")[1] for line in proc.stdout.splitlines()] == ["ML302", "ML303"]


def test_cli_explicit_config_and_errors_exit_2(repo):
    write(repo / "Dockerfile", BAD)
    cfg = write(repo / "ci" / "lint.yaml", "select: [ML302, ML303]\nignore: [ML303]\n")
    proc = cli(repo, "--config", str(cfg), "Dockerfile")
    assert [line.split(" ")[1] for line in proc.stdout.splitlines()] == ["ML302"]
    write(repo / ".mldocklint.yaml", "severity: {ML302: fatal}\n")
    proc = cli(repo, "Dockerfile")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"mldocklint: error: {repo / '.mldocklint.yaml'}: severity.ML302: invalid value 'fatal'; valid: error, warning, info\n"


def test_no_config_imports_nothing_heavy(repo):
    write(repo / "Dockerfile", BAD)
    code = (
        "import sys; from mldocklint import cli\n"
        "try:\n    cli.main(['check', 'Dockerfile'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('yaml', 'tomllib', 'tomli', 'docker', 'rich') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=False)
    assert proc.stdout.splitlines()[-1] == "[]", proc.stderr
