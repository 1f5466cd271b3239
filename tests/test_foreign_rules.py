"""Other linters' names for mldocklint's rules (aliases) and their pragmas (hadolint, BuildKit)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import findings

from mldocklint.cli import main
from mldocklint.rules import UnknownRule, aliases, all_rules, get, resolve


@pytest.mark.parametrize(
    ("name", "rule"),
    [("DL3002", "ML302"), ("dl3024", "ML005"), ("WorkdirRelativePath", "ML009"), ("workdirrelativepath", "ML009"), ("DL4006", "ML019"), ("JSONArgsRecommended", "ML303")],
)
def test_an_alias_names_its_rule_in_selections_and_explain(name, rule):
    assert resolve([name]) == {rule}
    assert get(name).id == rule


def test_an_unmapped_foreign_code_is_an_unknown_rule_on_the_command_line():
    with pytest.raises(UnknownRule, match="DL3008"):
        resolve(["DL3008"])


def test_each_alias_belongs_to_one_rule_but_a_split_check_and_is_no_rule_id_or_slug():
    shared = {name: rules for name, rules in aliases().items() if len(rules) > 1}
    assert shared == {"SECRETSUSEDINARGORENV": ("ML309", "ML310")}
    taken = {r.id for r in all_rules().values()} | {r.slug.upper() for r in all_rules().values()}
    assert not taken & set(aliases())


def test_a_split_check_selects_and_suppresses_every_rule_it_became():
    assert resolve(["SecretsUsedInArgOrEnv"]) == {"ML309", "ML310"}
    assert get("SecretsUsedInArgOrEnv").id == "ML309"


def test_select_and_ignore_by_alias_on_the_command_line(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nWORKDIR app\nUSER root\n")
    run = CliRunner().invoke(main, ["check", "--isolated", "--select", "DL3000,DL3002", "--ignore", "DL3002", "-f", "json", str(tmp_path / "Dockerfile")])
    assert [(f["rule"], f["line"]) for f in json.loads(run.stdout)["findings"]] == [("ML009", 2)]


def test_config_selects_by_alias(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nWORKDIR app\nUSER root\n")
    (tmp_path / "pyproject.toml").write_text('[tool.mldocklint]\nselect = ["WorkdirRelativePath"]\n')
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["check", "-f", "json", "Dockerfile"])
    assert [(f["rule"], f["line"]) for f in json.loads(run.stdout)["findings"]] == [("ML009", 2)]


def test_rules_json_lists_each_rules_aliases():
    run = CliRunner().invoke(main, ["rules", "--format", "json"])
    listed = {r["id"]: r["aliases"] for r in json.loads(run.stdout)}
    assert listed["ML019"] == ["DL4006"]
    assert listed["ML005"] == ["DuplicateStageName", "DL3024"]
    assert listed["ML101"] == []


def test_explain_by_alias_shows_the_aliases():
    run = CliRunner().invoke(main, ["explain", "DL3024"])
    assert run.exit_code == 0
    assert run.stdout.startswith("# ML005 duplicate-stage-name\n")
    assert "- **Aliases:** `DuplicateStageName` (BuildKit), `DL3024` (hadolint)\n" in run.stdout


def found(src, rules=("ML001", "ML009", "ML202", "ML302", "ML900", "SC")):
    """(rule, line, suppressed) of every finding, suppressed ones included; ShellCheck at every level."""
    shellcheck = {"SC": {"min-level": "style"}}
    return [(f.rule, f.line, f.suppressed) for f in findings(src, list(rules), inline_suppressions=True, rule_options=shellcheck)]


def test_hadolint_ignore_covers_the_instruction_on_the_next_line_only():
    assert found("""
        FROM python:3.11-slim
        # hadolint ignore=DL3002,DL3008
        USER root
        WORKDIR app
        # hadolint ignore=DL3000

        WORKDIR other
        CMD ["python", "serve.py"]
    """) == [
        ("ML302", 3, "# hadolint ignore=DL3002,DL3008"),
        ("ML009", 4, None),
    ]


def test_hadolint_ignore_of_a_shellcheck_code_and_with_a_trailing_comment():
    assert found("""
        FROM python:3.11-slim
        USER 1000
        # hadolint ignore=SC2086, DL3013 # the flags are split on purpose
        RUN pip install flask $FLAGS && \\
            echo $FLAGS
        RUN echo $FLAGS
    """) == [
        ("ML202", 4, "# hadolint ignore=SC2086, DL3013 # the flags are split on purpose"),
        ("SC2086", 4, "# hadolint ignore=SC2086, DL3013 # the flags are split on purpose"),
        ("SC2086", 5, "# hadolint ignore=SC2086, DL3013 # the flags are split on purpose"),
        ("SC2086", 6, None),
    ]


def test_hadolint_global_ignore_covers_the_file():
    assert found("""
        FROM python:3.11-slim
        WORKDIR app
        USER root
        CMD ["python", "serve.py"]
        # hadolint global ignore=DL3000
    """) == [("ML009", 2, "# hadolint global ignore=DL3000"), ("ML302", 3, None)]


def test_foreign_pragmas_that_map_to_nothing_or_suppress_nothing_are_not_ml900():
    assert found("""
        FROM python:3.11-slim
        # hadolint ignore=DL3008,DL3000
        USER 1000
        # check=skip=NoSuchCheck,StageNameCasing
        # hadolint global ignore=DL9999
        CMD ["python"]
        # mldocklint: ignore=ML009
        USER 1000
    """) == [("ML900", 7, None)]


def test_buildkit_check_directive_at_the_top_covers_the_file():
    assert found("""
        # check=skip=StageNameCasing,WorkdirRelativePath;error=true
        FROM python:3.11-slim AS Base
        WORKDIR app
        USER root
        CMD ["python", "serve.py"]
    """) == [
        ("ML001", 2, "# check=skip=StageNameCasing,WorkdirRelativePath;error=true"),
        ("ML009", 3, "# check=skip=StageNameCasing,WorkdirRelativePath;error=true"),
        ("ML302", 4, None),
    ]


def test_buildkit_skip_all_covers_every_buildkit_check_and_no_other_rule():
    assert found("""
        # check=skip=all
        FROM python:3.11-slim AS Base
        WORKDIR app
        USER root
        CMD ["python", "serve.py"]
    """) == [("ML001", 2, "# check=skip=all"), ("ML009", 3, "# check=skip=all"), ("ML302", 4, None)]


def test_buildkit_check_comment_above_an_instruction_covers_that_instruction():
    assert found("""
        FROM python:3.11-slim AS Base
        # check=skip=StageNameCasing
        FROM python:3.11-slim AS Other
        WORKDIR app
        USER 1000
    """) == [
        ("ML001", 1, None),
        ("ML001", 3, "# check=skip=StageNameCasing"),
        ("ML009", 4, None),
    ]


def test_mldocklint_pragmas_take_aliases():
    assert found("""
        FROM python:3.11-slim
        # mldocklint: ignore=DL3002 -- a sandboxed runtime
        USER root
        # mldocklint: ignore=WorkdirRelativePath
        WORKDIR app
        CMD ["python", "serve.py"]
    """) == [("ML302", 3, "a sandboxed runtime"), ("ML009", 5, "")]
