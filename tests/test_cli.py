"""The ``mldocklint check`` command line: paths, stdin, rule selection, thresholds, exit codes,
text output piped and on a terminal, the JSON contract, bad input and import cost.

Most tests run the click command in-process (CliRunner); a few run the installed script,
``python -m mldocklint`` and a real pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import findings

from mldocklint import __version__
from mldocklint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("mldocklint")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "mldocklint"]

# ML302 (error) at 1:1, ML303 (warning) at 3:1
BAD = "FROM python:3.11-slim\nCOPY . /app\nCMD python app.py\n"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>ML\d{3}) (?P<slug>[a-z0-9-]+) (?P<message>\S.*)$")
SGR = re.compile(r"\x1b\[([0-9;]*)m")
_ENV_KEYS = ("FORCE_COLOR", "NO_COLOR", "GITHUB_ACTIONS", "COLUMNS", "LINES")


@pytest.fixture(autouse=True)
def plain_env(monkeypatch):
    for key in _ENV_KEYS:
        monkeypatch.delenv(key, raising=False)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def check(*args: str, input: bytes | None = None, env: dict | None = None):
    """``mldocklint check --isolated ARGS`` in-process, with separate stdout and stderr."""
    return CliRunner().invoke(main, ["check", "--isolated", *args], input=input, env=env)


def parsed(stdout: str) -> list[tuple[str, int, int, str, str]]:
    """(path, line, column, rule, slug) of each plain output line; every line must be a finding."""
    out = []
    for text in stdout.splitlines():
        m = LINE.match(text)
        assert m, f"not a finding line: {text!r}"
        out.append((m["path"], int(m["line"]), int(m["col"]), m["rule"], m["slug"]))
    return out


def subprocess_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_KEYS}
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, input: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, input=input, env=subprocess_env(**env), capture_output=True, check=False, timeout=120)


# --- paths -------------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A project with Dockerfiles under every supported name and some that must be skipped."""
    for name in ("Dockerfile", "Containerfile", "api.Dockerfile", "Dockerfile.prod", "docker/gpu/Dockerfile"):
        write(tmp_path / name, BAD)
    not_linted = "this is not a Dockerfile\x00"  # a binary file: an error if it were linted
    for name in (
        "Dockerfile.dockerignore",
        "api.Dockerfile.dockerignore",
        "README.md",
        ".git/Dockerfile",
        "node_modules/pkg/Dockerfile",
        ".venv/Dockerfile",
        "venv/Dockerfile",
        "envs/py311/Dockerfile",  # a virtualenv with a custom name
    ):
        write(tmp_path / name, not_linted)
    write(tmp_path / "envs/py311/pyvenv.cfg", "home = /usr/bin\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


FOUND = ["Containerfile", "Dockerfile", "Dockerfile.prod", "api.Dockerfile", "docker/gpu/Dockerfile"]


@pytest.mark.parametrize("args", [["."], [], ["./"]], ids=["dot", "no-path", "dot-slash"])
def test_directories_are_searched_recursively(tree, args):
    result = check("--select", "ML302", *args)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    assert parsed(result.stdout) == [(p, 1, 1, "ML302", "root-user") for p in FOUND]


def test_a_subdirectory_and_an_absolute_path_are_shown_relative(tree):
    result = check("--select", "ML302", "docker", str(tree / "Dockerfile.prod"))
    assert result.exit_code == 1, result.stderr
    assert parsed(result.stdout) == [("Dockerfile.prod", 1, 1, "ML302", "root-user"), ("docker/gpu/Dockerfile", 1, 1, "ML302", "root-user")]


def test_a_file_named_explicitly_is_linted_whatever_its_name(tree):
    write(tree / "build" / "prod.txt", BAD)
    result = check("--select", "ML302,ML303", "build/prod.txt", "Dockerfile", "./Dockerfile")
    assert result.exit_code == 1, result.stderr
    assert parsed(result.stdout) == [
        ("Dockerfile", 1, 1, "ML302", "root-user"),
        ("Dockerfile", 3, 1, "ML303", "shell-form-cmd"),
        ("build/prod.txt", 1, 1, "ML302", "root-user"),
        ("build/prod.txt", 3, 1, "ML303", "shell-form-cmd"),
    ]


def test_stdin_named_by_stdin_filename(tree):
    result = check("--select", "ML302,ML303", "--stdin-filename", "services/api/Dockerfile", "-", input=BAD.encode())
    assert result.exit_code == 1, result.stderr
    assert parsed(result.stdout) == [("services/api/Dockerfile", 1, 1, "ML302", "root-user"), ("services/api/Dockerfile", 3, 1, "ML303", "shell-form-cmd")]


def test_stdin_without_a_name_and_together_with_files(tree):
    fine = "FROM python:3.11-slim\nUSER app\nCMD python app.py\n"
    result = check("--select", "ML302,ML303", "-", "Dockerfile.prod", input=fine.encode())
    assert result.exit_code == 1, result.stderr
    assert parsed(result.stdout) == [
        ("-", 3, 1, "ML303", "shell-form-cmd"),
        ("Dockerfile.prod", 1, 1, "ML302", "root-user"),
        ("Dockerfile.prod", 3, 1, "ML303", "shell-form-cmd"),
    ]


def test_stdin_through_the_installed_script(tree):
    proc = run([*COMMAND, "check", "--isolated", "--select", "ML303", "--stdin-filename", "app/Dockerfile", "-"], tree, input=BAD.encode())
    assert proc.returncode == 1, proc.stderr
    assert parsed(proc.stdout.decode()) == [("app/Dockerfile", 3, 1, "ML303", "shell-form-cmd")]


def test_build_arg_overrides_the_arg_default_in_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "Dockerfile", "ARG BASE=python:3.11-slim\nFROM ${BASE}\nUSER app\n")
    assert check("--select", "ML203", "Dockerfile").exit_code == 0
    result = check("--select", "ML203", "--build-arg", "IGNORED=1", "--build-arg", "BASE=python", "Dockerfile")
    assert result.exit_code == 1, result.stderr
    assert [f[:4] for f in parsed(result.stdout)] == [("Dockerfile", 2, 6, "ML203")]  # at ${BASE}
    result = check("--build-arg", "=python", "Dockerfile")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "mldocklint: error: --build-arg expects NAME=VALUE, got '=python'\n"


def test_context_defaults_to_the_dockerfile_directory_and_context_overrides_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "app" / "Dockerfile", "FROM python:3.11-slim\nCOPY . /app\nUSER app\n")
    write(tmp_path / "ctx" / ".dockerignore", ".git\n")
    result = check("--select", "ML501", "app/Dockerfile")
    assert result.exit_code == 1, result.stderr
    assert [f[:4] for f in parsed(result.stdout)] == [("app/Dockerfile", 1, 1, "ML501")]
    result = check("--select", "ML501", "--context", "ctx", "app/Dockerfile")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


# --- rule selection ------------------------------------------------------------------------------


@pytest.fixture
def bad(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "Dockerfile", BAD)
    write(tmp_path / ".dockerignore", ".git\n")
    return tmp_path


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--select", "ML302"], [("ML302", 1, 1)]),
        (["--select", "ml302"], [("ML302", 1, 1)]),
        (["--select", "root-user"], [("ML302", 1, 1)]),
        (["--select", "ML302,shell-form-cmd"], [("ML302", 1, 1), ("ML303", 3, 1)]),
        (["--select", "ML302", "--select", "ML303"], [("ML302", 1, 1), ("ML303", 3, 1)]),
        (["--select", "ML3"], [("ML301", 1, 1), ("ML302", 1, 1), ("ML303", 3, 1)]),
        (["--select", "ML30"], [("ML301", 1, 1), ("ML302", 1, 1), ("ML303", 3, 1)]),
        (["--select", "ML3", "--ignore", "root-user"], [("ML301", 1, 1), ("ML303", 3, 1)]),
        (["--select", "ML3", "--ignore", "ML303", "--ignore", "ML301"], [("ML302", 1, 1)]),
        (["--select", "ML3", "--ignore", "ML30"], []),
        (["--ignore", "ML1,ML2,ML4,ML5,ML9,missing-python-env,ML303"], [("ML302", 1, 1)]),
    ],
)
def test_select_and_ignore_take_ids_slugs_and_prefixes(bad, args, expected):
    result = check(*args, "Dockerfile")
    assert result.stderr == ""
    assert [(rule, line, col) for _, line, col, rule, _ in parsed(result.stdout)] == expected
    assert result.exit_code == (1 if expected else 0)


@pytest.mark.parametrize("args, name", [(["--select", "ML999"], "ML999"), (["--ignore", "no-such-rule"], "no-such-rule"), (["--select", "ML302,ML7"], "ML7")])
def test_unknown_rule_is_a_usage_error(bad, args, name):
    result = check(*args, "Dockerfile")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"mldocklint: error: {args[0]}: unknown rule `{name}`; `mldocklint rules` lists them\n"


@pytest.mark.parametrize("args, hint", [(["--select", "rot-user"], "--select: unknown rule `rot-user`; did you mean `root-user`?"), (["--ignore", "shell-form-cnd"], "--ignore: unknown rule `shell-form-cnd`; did you mean `shell-form-cmd`?")])
def test_unknown_rule_gets_the_nearest_name(bad, args, hint):
    result = check(*args, "Dockerfile")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"mldocklint: error: {hint}\n")


# --- failure threshold and exit codes --------------------------------------------------------------

SEVERITY_FILES = {
    "clean": 'FROM python:3.11-slim\nUSER app\nCMD ["python", "app.py"]\n',
    "info": 'FROM python:3.11-slim\nUSER app\nEXPOSE 8000\nCMD ["python", "app.py"]\n',  # ML304 at 4:1 (the CMD of a serving image)
    "warning": "FROM python:3.11-slim\nUSER app\nCMD python app.py\n",  # ML303 at 3:1
    "error": 'FROM python:3.11-slim\nCMD ["python", "app.py"]\n',  # ML302 at 1:1
}
SEVERITY_FINDINGS = {"clean": [], "info": [("ML304", 4, 1)], "warning": [("ML303", 3, 1)], "error": [("ML302", 1, 1)]}


@pytest.mark.parametrize(
    "worst, threshold, code",
    [
        ("clean", "info", 0),
        ("info", "error", 0), ("info", "warning", 0), ("info", "info", 1), ("info", "none", 0), ("info", None, 0),
        ("warning", "error", 0), ("warning", "warning", 1), ("warning", "info", 1), ("warning", "none", 0), ("warning", None, 1),
        ("error", "error", 1), ("error", "warning", 1), ("error", "info", 1), ("error", "none", 0), ("error", None, 1),
    ],
)
def test_failure_threshold(tmp_path, monkeypatch, worst, threshold, code):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "Dockerfile", SEVERITY_FILES[worst])
    result = check("--select", "ML302,ML303,ML304", *(["--failure-threshold", threshold] if threshold else []), "Dockerfile")
    assert result.exit_code == code, result.stderr
    # findings under the threshold are still reported
    assert [(rule, line, col) for _, line, col, rule, _ in parsed(result.stdout)] == SEVERITY_FINDINGS[worst]


def test_unreadable_input_exits_2_even_with_threshold_none(bad):
    result = check("--failure-threshold", "none", "--select", "ML302", "Dockerfile", "missing")
    assert result.exit_code == 2
    assert parsed(result.stdout) == [("Dockerfile", 1, 1, "ML302", "root-user")]
    assert result.stderr == "mldocklint: error: missing: no such file or directory\n"


def test_bad_failure_threshold_is_a_usage_error(bad):
    result = check("--failure-threshold", "fatal", "Dockerfile")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Invalid value for '--failure-threshold': 'fatal' is not one of 'error', 'warning', 'info', 'none'." in result.stderr


def test_an_internal_error_exits_2_not_1(bad, monkeypatch, capsys):
    from mldocklint import __main__ as entry, engine

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "lint", crash)
    monkeypatch.setattr(sys, "argv", ["mldocklint", "check", "--isolated", "Dockerfile"])
    with pytest.raises(SystemExit) as exc:
        entry.run()
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "mldocklint: internal error: RuntimeError: boom\n")


def test_a_crashing_rule_exits_2_and_the_other_rules_still_report(bad, monkeypatch):
    from mldocklint.rules import all_rules

    def crash(target, options):
        raise KeyError("oops")
        yield  # a generator, like every rule

    monkeypatch.setitem(all_rules(), "ML303", all_rules()["ML303"]._replace(check=crash))
    result = check("--select", "ML302,ML303", "Dockerfile")
    assert result.exit_code == 2
    assert parsed(result.stdout) == [("Dockerfile", 1, 1, "ML302", "root-user")]
    assert result.stderr == "mldocklint: error: Dockerfile: internal error in rule ML303 (shell-form-cmd): KeyError: 'oops'\n"


# --- bad files among good ones -------------------------------------------------------------------


def test_bad_files_are_named_on_stderr_and_good_files_still_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "good" / "Dockerfile", BAD)
    write(tmp_path / "bin.Dockerfile", b"\x7fELF\x02\x01\x01\x00\x00\x00FROM x\n")
    write(tmp_path / "latin1.Dockerfile", "FROM python:3.11-slim\nLABEL author=\"Ren\xe9\"\n".encode("latin-1"))
    (tmp_path / "empty-dir").mkdir()
    result = check("--select", "ML302,ML303", "missing.Dockerfile", "bin.Dockerfile", "good", "latin1.Dockerfile", "empty-dir")
    assert result.exit_code == 2
    assert parsed(result.stdout) == [("good/Dockerfile", 1, 1, "ML302", "root-user"), ("good/Dockerfile", 3, 1, "ML303", "shell-form-cmd")]
    assert result.stderr.splitlines() == [
        "mldocklint: error: bin.Dockerfile: binary file (contains NUL bytes), not a Dockerfile",
        "mldocklint: error: empty-dir: no Dockerfile found in this directory",
        "mldocklint: error: latin1.Dockerfile: invalid UTF-8 at line 2 (byte 39)",
        "mldocklint: error: missing.Dockerfile: no such file or directory",
    ]


def test_bad_files_through_the_installed_script(tmp_path):
    write(tmp_path / "Dockerfile", BAD)
    write(tmp_path / "b.Dockerfile", b"FROM python\n\xff\n")
    proc = run([*COMMAND, "check", "--isolated", "--select", "ML302", "b.Dockerfile", "Dockerfile", "gone"], tmp_path)
    assert proc.returncode == 2
    assert parsed(proc.stdout.decode()) == [("Dockerfile", 1, 1, "ML302", "root-user")]
    assert proc.stderr.decode().splitlines() == [
        "mldocklint: error: b.Dockerfile: invalid UTF-8 at line 2 (byte 12)",
        "mldocklint: error: gone: no such file or directory",
    ]


# --- text output ----------------------------------------------------------------------------------


def test_piped_output_is_one_plain_line_per_finding(bad):
    result = check("--select", "ML302,ML303", "Dockerfile")
    assert result.stdout.splitlines() == [
        "Dockerfile:1:1: ML302 root-user " + _plain_message("ML302"),
        "Dockerfile:3:1: ML303 shell-form-cmd " + _plain_message("ML303"),
    ]
    assert "\x1b" not in result.stdout


MARKUP = 'FROM python:3.11-slim\nUSER app\nRUN pip install --no-cache-dir "transformers[bold]" torch[red]\n'


def test_user_text_is_never_read_as_markup(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "[red]svc" / "Dockerfile", MARKUP)
    result = check("--select", "ML202", "[red]svc")
    assert result.exit_code == 1, result.stderr
    assert parsed(result.stdout) == [("[red]svc/Dockerfile", 3, 1, "ML202", "unpinned-pip-install")]
    assert "`transformers[bold]`, `torch[red]`" in result.stdout.splitlines()[0]
    rich = check("--select", "ML202", "[red]svc", env={"FORCE_COLOR": "1"})
    assert rich.exit_code == 1, rich.stderr
    text = SGR.sub("", rich.stdout)
    assert text.splitlines()[0] == "[red]svc/Dockerfile  role unknown  context [red]svc (default)"
    joined = " ".join(text.split())  # messages wrap at word boundaries
    assert "`transformers[bold]`, `torch[red]`; pin them (`transformers[bold]==X.Y.Z`)" in joined
    assert '   3 | RUN pip install --no-cache-dir "transformers[bold]" torch[red]' in text


def test_control_characters_in_paths_and_source_are_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "d" / "a\nb.Dockerfile", 'FROM python:3.11-slim\nCMD ["python", "app.py"]\n')
    write(tmp_path / "d" / "c\x1b[31mred.Dockerfile", 'FROM python:3.11-slim\nCMD echo "\x1b[2J"\n')
    result = check("--select", "ML302,ML303", "d", "gone\nfile")
    assert result.exit_code == 2
    assert parsed(result.stdout) == [
        ("d/a\\nb.Dockerfile", 1, 1, "ML302", "root-user"),
        ("d/c\\x1b[31mred.Dockerfile", 1, 1, "ML302", "root-user"),
        ("d/c\\x1b[31mred.Dockerfile", 2, 1, "ML303", "shell-form-cmd"),
    ]
    assert result.stderr == "mldocklint: error: gone\\nfile: no such file or directory\n"
    rich = check("--select", "ML303", "d", env={"FORCE_COLOR": "1"})
    assert "\x1b[31mred" not in rich.stdout and "\x1b[2J" not in rich.stdout
    text = SGR.sub("", rich.stdout)
    assert "d/c\\x1b[31mred.Dockerfile  role unknown  context d (default)\n" in text
    assert '         2 | CMD echo "\\x1b[2J"\n' in text


def _colour_codes(text: str) -> list[str]:
    """SGR parameters that set a colour (30-49, 90-107); bold, dim and underline are not colour."""
    codes = [int(p) for params in SGR.findall(text) for p in params.split(";") if p]
    return [str(c) for c in codes if 30 <= c <= 49 or 90 <= c <= 107]


def _rich_view(path: str) -> str:
    """What the terminal view (80 columns) shows for BAD with ML302 and ML303 selected, colours removed:
    messages wrapped at word boundaries, fixable findings marked, fixable counts at the end."""
    return "\n".join([
        f"{path}  role unknown  context . (default)",
        "  1:1 error   ML302 root-user  [unsafe fix] no USER in the final stage:",
        "      the container runs as root; add a non-root user and `USER` it",
        "         1 | FROM python:3.11-slim",
        "             " + "^" * 21,
        "      see https://github.com/mldocklint/mldocklint/blob/main/rules/ML302.md",
        "  3:1 warning ML303 shell-form-cmd  [fix] CMD in shell form runs under",
        '      /bin/sh, which does not forward SIGTERM; use exec form: CMD ["...", "..."]',
        "         3 | CMD python app.py",
        "             " + "^" * 17,
        "      see https://github.com/mldocklint/mldocklint/blob/main/rules/ML303.md",
        "2 findings in 1 file (1 error, 1 warning); 1 Dockerfile linted",
        "1 fixable with `--fix` (1 more with `--unsafe-fixes`)",
        "",
    ])


def _plain_message(rule: str) -> str:
    [f] = findings(BAD, rule)
    return f.message


@pytest.mark.parametrize("no_color", [False, True], ids=["color", "no-color"])
def test_force_color_gives_the_rich_view_when_piped(bad, no_color):
    env = {"FORCE_COLOR": "1", **({"NO_COLOR": "1"} if no_color else {})}
    result = check("--select", "ML302,ML303", "Dockerfile", env=env)
    assert result.exit_code == 1, result.stderr
    assert SGR.sub("", result.stdout) == _rich_view("Dockerfile")
    assert bool(_colour_codes(result.stdout)) is not no_color


def _run_in_pty(args: list[str], cwd: Path, **env: str) -> tuple[int, str, str]:
    """Run with stdout on a pseudo-terminal; (exit code, terminal output, stderr)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=subprocess_env(TERM="xterm-256color", **env), stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    return proc.wait(timeout=120), b"".join(chunks).decode().replace("\r\n", "\n"), stderr


@pytest.mark.parametrize("no_color", [False, True], ids=["color", "no-color"])
def test_terminal_output_is_the_rich_view(bad, no_color):
    code, out, err = _run_in_pty([*COMMAND, "check", "--isolated", "--select", "ML302,ML303", "Dockerfile"], bad, **({"NO_COLOR": "1"} if no_color else {}))
    assert (code, err) == (1, "")
    assert SGR.sub("", out) == _rich_view("Dockerfile")
    assert bool(_colour_codes(out)) is not no_color


def test_no_color_alone_keeps_piped_output_plain(bad):
    result = check("--select", "ML302,ML303", "Dockerfile", env={"NO_COLOR": "1"})
    assert [f[:4] for f in parsed(result.stdout)] == [("Dockerfile", 1, 1, "ML302"), ("Dockerfile", 3, 1, "ML303")]
    assert "\x1b" not in result.stdout


# --- json -----------------------------------------------------------------------------------------

FINDING_TYPES = {
    "rule": str, "slug": str, "severity": str, "message": str, "path": str, "line": int, "column": int,
    "end_line": int, "end_column": int, "stage": str, "fingerprint": str, "fix": str,
}


def test_json_report_shape(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "services" / "api" / "Dockerfile", (
        "FROM python:3.11-slim AS build\n"
        "RUN pip install --no-cache-dir --prefix /install flask==3.0.0\n"
        "FROM python:3.11-slim AS runtime\n"
        "COPY --from=build /install /usr/local\n"
        "CMD flask run\n"
    ))
    write(tmp_path / "Dockerfile", BAD)
    result = check("--select", "ML302,ML303", "--format", "json", ".", "missing/Dockerfile")
    assert result.exit_code == 2
    assert result.stderr == "mldocklint: error: missing/Dockerfile: no such file or directory\n"
    doc = json.loads(result.stdout)
    assert list(doc) == ["version", "findings", "errors", "summary", "files"]
    assert doc["version"] == __version__
    assert doc["files"] == [
        {"path": "Dockerfile", "role": "unknown", "role_evidence": "nothing decisive", "context": ".", "context_source": "default"},
        {"path": "services/api/Dockerfile", "role": "serving", "role_evidence": "CMD starts a server (`flask`) (line 5)", "context": "services/api", "context_source": "default"},
    ]
    for f in doc["findings"]:
        assert {k: type(v) for k, v in f.items()} == FINDING_TYPES
        assert re.fullmatch(r"[0-9a-f]{16}", f["fingerprint"])
    assert [(f["path"], f["line"], f["column"], f["rule"], f["slug"], f["severity"], f["stage"]) for f in doc["findings"]] == [
        ("Dockerfile", 1, 1, "ML302", "root-user", "error", "0"),
        ("Dockerfile", 3, 1, "ML303", "shell-form-cmd", "warning", "0"),
        ("services/api/Dockerfile", 3, 1, "ML302", "root-user", "error", "runtime"),
        ("services/api/Dockerfile", 5, 1, "ML303", "shell-form-cmd", "warning", "runtime"),
    ]
    assert [(f["end_line"], f["end_column"]) for f in doc["findings"]] == [(1, 22), (3, 18), (3, 33), (5, 14)]
    assert len({f["fingerprint"] for f in doc["findings"]}) == 4
    assert doc["errors"] == [{"path": "missing/Dockerfile", "message": "no such file or directory"}]
    assert [f["fix"] for f in doc["findings"]] == ["unsafe", "safe", "unsafe", "safe"]
    assert doc["summary"] == {"files": 2, "files_with_findings": 2, "findings": 4, "fixable": {"safe": 2, "unsafe": 2}}


def test_json_findings_sorted_by_path_line_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("b/Dockerfile", "a/Dockerfile", "a.Dockerfile"):
        write(tmp_path / name, BAD)
    result = check("--select", "ML303,ML301,ML302", "--format", "json", "b", "a.Dockerfile", "a")
    doc = json.loads(result.stdout)
    keys = [(f["path"], f["line"], f["rule"]) for f in doc["findings"]]
    assert keys == sorted(keys)
    assert keys[:3] == [("a.Dockerfile", 1, "ML301"), ("a.Dockerfile", 1, "ML302"), ("a.Dockerfile", 3, "ML303")]
    assert [p for p, _, _ in keys[::3]] == ["a.Dockerfile", "a/Dockerfile", "b/Dockerfile"]
    assert doc["summary"] == {"files": 3, "files_with_findings": 3, "findings": 9, "fixable": {"safe": 6, "unsafe": 3}}


def test_output_file_gets_the_report_and_stdout_stays_empty(bad):
    out = bad / "reports" / "lint.json"
    out.parent.mkdir()
    result = check("--select", "ML302", "--format", "json", "--output", str(out), "Dockerfile")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")
    assert [(f["rule"], f["line"], f["column"]) for f in json.loads(out.read_text(encoding="utf-8"))["findings"]] == [("ML302", 1, 1)]
    result = check("--select", "ML302", "--output", str(bad / "nowhere" / "lint.txt"), "Dockerfile")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mldocklint: error: {bad / 'nowhere' / 'lint.txt'}: cannot write report: ")
    assert len(result.stderr.splitlines()) == 1


# --- entry points, imports, determinism ----------------------------------------------------------


def test_version_from_the_script_and_python_m(tmp_path):
    for command in (COMMAND, [sys.executable, "-m", "mldocklint"]):
        proc = run([*command, "--version"], tmp_path)
        assert (proc.returncode, proc.stdout.decode(), proc.stderr) == (0, f"mldocklint {__version__}\n", b"")


def test_python_m_and_the_script_give_the_same_report(bad):
    args = ["check", "--isolated", "--select", "ML302,ML303", "Dockerfile"]
    script = run([*COMMAND, *args], bad)
    module = run([sys.executable, "-m", "mldocklint", *args], bad)
    assert script.returncode == module.returncode == 1
    assert script.stdout == module.stdout
    assert parsed(module.stdout.decode()) == [("Dockerfile", 1, 1, "ML302", "root-user"), ("Dockerfile", 3, 1, "ML303", "shell-form-cmd")]


@pytest.mark.parametrize(
    "args",
    [["check", "Dockerfile"], ["Dockerfile"], ["check"], [], ["Dockerfile", "missing.Dockerfile"], ["-", "sub/Dockerfile"], ["check", "rules"]],
    ids=["check", "default-command", "no-paths", "nothing", "missing-file", "stdin", "path-named-like-a-command"],
)
def test_a_plain_check_reports_what_the_click_command_line_reports(bad, args):
    """``[check] PATH...`` starts without click; with any option (here the default ``--jobs 0``)
    the same run goes through click. Both read the configuration file."""
    write(bad / ".mldocklint.yaml", "ignore: [ML501]\nseverity:\n  ML303: error\n")
    write(bad / "sub" / "Dockerfile", "FROM python:3.11-slim\nUSER 1000\nCMD [\"python\", \"app.py\"]\n")
    write(bad / "rules", BAD)
    paths = args[1:] if args[:1] == ["check"] else args
    plain = run([*COMMAND, *args], bad, input=BAD.encode())
    full = run([*COMMAND, "check", "--jobs", "0", *paths], bad, input=BAD.encode())
    assert (plain.returncode, plain.stdout, plain.stderr) == (full.returncode, full.stdout, full.stderr)
    assert plain.returncode in (1, 2) and plain.stdout


def test_the_entry_point_knows_every_command():
    """A command missing from __main__'s list would be linted as a path named like it."""
    from mldocklint.commands import COMMANDS as _COMMANDS

    assert sorted(_COMMANDS) == sorted(main.commands)


def test_the_server_command_without_the_extra_says_what_to_install(tmp_path):
    code = "import sys; sys.modules['pygls'] = None; sys.argv = ['mldocklint', 'server']; from mldocklint.__main__ import run; run()"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "mldocklint: error: the language server needs pygls and lsprotocol: pip install 'mldocklint[server]'\n"


def test_plain_paths_are_recognised_only_without_options():
    from mldocklint.__main__ import _plain_paths

    assert _plain_paths(["check", "a", "-"]) == ["a", "-"]
    assert _plain_paths(["a", "b"]) == ["a", "b"]
    assert _plain_paths([]) == []
    assert _plain_paths(["check", "--isolated", "a"]) is None
    assert _plain_paths(["a", "-j2"]) is None
    assert _plain_paths(["--", "a"]) is None
    assert _plain_paths(["--help"]) is None
    assert [_plain_paths([c, "x"]) for c in ("image", "rules", "explain")] == [None, None, None]


_IMPORTS = """
import sys
sys.argv = ["mldocklint", *{args!r}]
import mldocklint.__main__
from mldocklint.__main__ import run
mldocklint.__main__._leave = sys.exit  # report the exit here instead of leaving at once
try:
    run()
except SystemExit as e:
    print("exit", e.code)
else:
    print("exit 0")
print(" ".join(sorted(m for m in ("click", "dataclasses", "docker", "rich", "yaml", "pygls", "lsprotocol") if m in sys.modules)))
"""


@pytest.mark.parametrize(
    "args, first, code, forbidden",
    [
        (["--version"], f"mldocklint {__version__}", "0", ("click", "dataclasses", "docker", "rich", "yaml", "pygls", "lsprotocol")),
        (["check", "--isolated", "--select", "ML302", "Dockerfile"], "Dockerfile:1:1: ML302 root-user ", "1", ("docker", "pygls", "lsprotocol")),
        (["check", "Dockerfile"], "Dockerfile:1:1: ML301 missing-python-env ", "1", ("click", "dataclasses", "docker", "rich", "yaml", "pygls", "lsprotocol")),
        (["Dockerfile"], "Dockerfile:1:1: ML301 missing-python-env ", "1", ("click", "dataclasses", "docker", "rich", "yaml", "pygls", "lsprotocol")),
    ],
    ids=["version", "check-with-options", "plain-check", "plain-default-command"],
)
def test_light_imports(bad, args, first, code, forbidden):
    proc = run([sys.executable, "-c", _IMPORTS.format(args=args)], bad)
    lines = proc.stdout.decode().splitlines()
    assert lines[0].startswith(first), proc.stderr
    assert lines[-2] == f"exit {code}"
    assert [m for m in forbidden if m in lines[-1].split()] == []


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "json"], []])
def test_check_leaves_with_its_exit_code_and_all_of_its_output(bad, args, tmp_path):
    """``check`` skips the interpreter's teardown: the exit code and the whole report still come out."""
    out = tmp_path / "out"
    with open(out, "wb") as fh:
        proc = subprocess.run([*COMMAND, *args, "Dockerfile"], cwd=bad, stdout=fh, stderr=subprocess.PIPE)
    assert proc.returncode == 1, proc.stderr
    text = out.read_text()
    if "json" in args:
        assert json.loads(text)["findings"][0]["rule"] == "ML301"
    else:
        assert text.startswith("Dockerfile:1:1: ML301 missing-python-env ") and text.endswith("\n")
    gone = subprocess.run([*COMMAND, *args, "missing.Dockerfile"], cwd=bad, capture_output=True)
    assert (gone.returncode, gone.stderr) == (2, b"mldocklint: error: missing.Dockerfile: no such file or directory\n")
    assert gone.stdout == b"" or json.loads(gone.stdout)["errors"] == [{"path": "missing.Dockerfile", "message": "no such file or directory"}]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_two_runs_give_byte_identical_output(fmt):
    """Every rule over the fixtures, under two different string hash seeds."""
    first, second = (run([*COMMAND, "check", "--isolated", "--format", fmt, "fixtures"], ROOT, PYTHONHASHSEED=seed) for seed in ("1", "2"))
    assert first.returncode == 1, first.stderr
    assert (first.stdout, first.stderr) == (second.stdout, second.stderr)
    if fmt == "json":
        paths = [f["path"] for f in json.loads(first.stdout)["findings"]]
        assert paths and all(p.startswith("fixtures/") and "\\" not in p for p in paths)


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "json"]])
def test_a_reader_that_goes_away_stops_the_run_quietly(bad, args):
    """`mldocklint check ... | head -0`: no traceback and no error line, the exit status of a closed pipe."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([*COMMAND, *args, "Dockerfile"], cwd=bad, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (141, b"")
