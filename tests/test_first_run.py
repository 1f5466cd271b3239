"""What a first-time user meets on the command line (issue 20): mistyped commands, usage,
report pairing, flags that do nothing alone, targets that do not exist. Run through the real
entry point (``python -m mldocklint``), which has a fast path without click, and through click."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BAD = "FROM python:3.11-slim\nCOPY . /app\nCMD python app.py\n"


def mdl(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "GITHUB_ACTIONS")}
    return subprocess.run([sys.executable, "-m", "mldocklint", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(BAD)
    return tmp_path


@pytest.mark.parametrize(
    "args, message",
    [
        (["explian", "ML302"], "`explian` is neither a command nor a file; did you mean `explain`?"),
        (["chck", "Dockerfile"], "`chck` is neither a command nor a file; did you mean `check`?"),
        (["chck", "--isolated", "Dockerfile"], "`chck` is neither a command nor a file; did you mean `check`?"),
    ],
)
def test_mistyped_command_is_named_and_nothing_is_linted(project, args, message):
    proc = mdl(project, *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"mldocklint: error: {message}\n")


def test_a_file_named_like_a_command_is_linted(project):
    (project / "chck").mkdir()
    (project / "chck" / "Dockerfile").write_text(BAD)
    proc = mdl(project, "chck", "--select", "ML302")
    assert (proc.returncode, proc.stdout) == (1, "chck/Dockerfile:1:1: ML302 root-user no USER in the final stage: the container runs as root; add a non-root user and `USER` it\n")


def test_no_arguments_without_dockerfiles_prints_usage(tmp_path):
    (tmp_path / ".git").mkdir()
    for args in ([], ["check"], ["check", "--isolated"]):
        proc = mdl(tmp_path, *args)
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.startswith("No Dockerfile found in the current directory.\n\nUsage: mldocklint [check] [OPTIONS] [PATHS]...")


def test_check_help_says_paths_default_to_the_current_directory(project):
    proc = mdl(project, "check", "--help")
    assert "[default: .]" in " ".join(proc.stdout.split())


@pytest.mark.parametrize(
    "args, message",
    [
        (["-f", "json", "-f", "sarif"], "--format json and --format sarif would all write to standard output; give all but one an --output FILE"),
        (["-o", "a.json", "-f", "json", "-f", "sarif"], "--output a.json comes before any --format; write `--format FORMAT --output FILE` for each report"),
        (["-f", "json", "-o", "a.json", "-o", "b.json"], "--output b.json: the --format before it already has --output a.json; write `--format FORMAT --output FILE` for each report"),
    ],
)
def test_ambiguous_reports_are_refused(project, args, message):
    proc = mdl(project, "check", *args, "Dockerfile")
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"mldocklint: error: {message}\n")
    assert not (project / "a.json").exists()


def test_each_output_goes_with_the_format_before_it(project):
    proc = mdl(project, "check", "--select", "ML302", "-f", "text", "-fjson", "-o", "a.json", "Dockerfile")
    assert proc.returncode == 1
    assert proc.stdout.startswith("Dockerfile:1:1: ML302 root-user")
    assert (project / "a.json").read_text().startswith('{\n  "version"')


def test_fix_with_diff_and_unsafe_fixes_alone_are_explained(project):
    proc = mdl(project, "check", "--select", "ML303", "--fix", "--diff", "Dockerfile")
    assert proc.stderr.splitlines()[0] == "mldocklint: note: --diff prints the fixes and writes nothing: --fix is not applied"
    assert proc.stdout.startswith("--- a/Dockerfile\n") and (project / "Dockerfile").read_text() == BAD
    proc = mdl(project, "check", "--select", "ML303", "--unsafe-fixes", "Dockerfile")
    assert proc.stderr == "mldocklint: note: --unsafe-fixes only takes effect with --fix or --diff: nothing is fixed\n"
    assert (project / "Dockerfile").read_text() == BAD


def test_select_of_a_rule_the_configuration_ignores_is_noted_once(project):
    (project / "pyproject.toml").write_text('[tool.mldocklint]\nignore = ["ML302", "ML303"]\n')
    proc = mdl(project, "check", "--select", "ML302,root-user", "--select", "shell-form-cmd", "Dockerfile")
    assert proc.stderr == "mldocklint: note: --select ML302, ML303: ignored by the configuration's `ignore`, so not run; use --isolated or edit the configuration\n"
    assert proc.stdout == "" and proc.returncode == 0
    proc = mdl(project, "check", "--select", "ML3", "Dockerfile")  # a prefix names no rule one by one
    assert proc.stderr == "" and proc.stdout.startswith("Dockerfile:1:1: ML301 ")


def test_target_that_is_not_a_stage_is_an_error(project):
    (project / "two.Dockerfile").write_text("FROM python:3.11-slim AS build\nFROM python:3.11-slim AS serve\nCMD python app.py\n")
    proc = mdl(project, "check", "--isolated", "--select", "ML303", "--target", "srve", "two.Dockerfile", "Dockerfile")
    assert proc.returncode == 2
    assert proc.stderr == (
        "mldocklint: error: Dockerfile: target stage `srve` not found (stages: none named)\n"
        "mldocklint: error: two.Dockerfile: target stage `srve` not found (stages: build, serve); did you mean `serve`?\n"
    )


# --- configuration found from each Dockerfile ---------------------------------------------------


@pytest.fixture
def monorepo(tmp_path):
    """A repository whose root config selects ML302 and whose services/api project selects ML303."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.mldocklint]\nselect = ["ML302"]\n')
    (tmp_path / "Dockerfile").write_text(BAD)
    api = tmp_path / "services" / "api"
    api.mkdir(parents=True)
    (api / ".mldocklint.yaml").write_text("select: [ML303]\nfailure-threshold: none\n")
    (api / "Dockerfile").write_text(BAD)
    return tmp_path


ML302_LINE = ":1:1: ML302 root-user no USER in the final stage: the container runs as root; add a non-root user and `USER` it\n"
ML303_LINE = ':3:1: ML303 shell-form-cmd CMD in shell form runs under /bin/sh, which does not forward SIGTERM; use exec form: CMD ["...", "..."]\n'


def test_each_dockerfile_uses_the_configuration_found_from_its_folder(monorepo):
    proc = mdl(monorepo, ".")
    assert proc.stdout == "Dockerfile" + ML302_LINE + "services/api/Dockerfile" + ML303_LINE
    assert proc.returncode == 1  # the root file's ML302 fails; services/api's threshold is none


def test_configuration_is_found_from_the_file_not_the_current_directory(monorepo, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    target = monorepo / "services" / "api" / "Dockerfile"
    proc = mdl(elsewhere, "check", str(target))
    assert proc.stdout == str(target) + ML303_LINE and proc.returncode == 0
    proc = mdl(elsewhere, "check", "--config", str(monorepo / "pyproject.toml"), str(target))
    assert proc.stdout == str(target) + ML302_LINE and proc.returncode == 1  # --config wins


def test_a_broken_configuration_below_stops_the_run_before_any_report(monorepo):
    (monorepo / "services" / "api" / ".mldocklint.yaml").write_text("select: [rot-user]\n")
    proc = mdl(monorepo, ".")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"mldocklint: error: {monorepo}/services/api/.mldocklint.yaml: select: unknown rule `rot-user`; did you mean `root-user`?\n"


def test_per_file_ignores_match_the_reported_path_and_unmatched_patterns_are_named(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mldocklint]\nselect = ["ML201"]\n[tool.mldocklint.per-file-ignores]\n"requirements-dev.txt" = ["ML201"]\n"legacy/*" = ["ML201"]\n'
    )
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "requirements-dev.txt").write_text("pytest\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11-slim\nCOPY requirements.txt requirements-dev.txt ./\nRUN pip install -r requirements.txt -r requirements-dev.txt\n"
    )
    for extra in ([], ["--diff"]):
        proc = mdl(tmp_path, "Dockerfile", "--failure-threshold", "none", *extra)
        report = proc.stderr if extra else proc.stdout  # --diff: the report goes to stderr
        assert [line.split(" ")[:2] for line in report.splitlines() if ": ML" in line] == [["requirements.txt:1:1:", "ML201"]]
        assert [line for line in proc.stderr.splitlines() if "note" in line] == ["mldocklint: note: per-file-ignores: `legacy/*` matches no linted file"]


def test_pragmas_in_the_wrong_form_are_reported_with_the_right_one(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11-slim\n"
        "# mldocklint ignore=ML303 -- no colon\n"
        "CMD python app.py\n"
        "RUN pip install flask==3.0.0  # mldocklint: ignore=ML105 -- on the line\n"
    )
    proc = mdl(tmp_path, "check", "--isolated", "--select", "ML900,ML303,ML105", "Dockerfile")
    assert proc.stdout.splitlines() == [
        "Dockerfile:2:1: ML900 unused-suppression pragma without the colon, read as a plain comment; write `# mldocklint: ignore=ML303 -- no colon`",
        'Dockerfile:3:1: ML303 shell-form-cmd CMD in shell form runs under /bin/sh, which does not forward SIGTERM; use exec form: CMD ["...", "..."]',
        "Dockerfile:4:9: ML105 pip-cache-kept `pip install` keeps downloaded wheels in the layer; add --no-cache-dir or set ENV PIP_NO_CACHE_DIR=1",
        "Dockerfile:4:31: ML900 unused-suppression a pragma on an instruction's line is part of the instruction, not a comment; "
        "put `# mldocklint: ignore=ML105 -- on the line` on its own line above",
    ]


# --- gunicorn's own configuration ------------------------------------------------------------

GUNICORN = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nUSER 1000\nEXPOSE 5000\n{env}CMD ["gunicorn", "app:app"]\n'


@pytest.mark.parametrize(
    "conf, env, expected",
    [
        (None, "", ["Dockerfile:{line}:7: ML305", "Dockerfile:{line}:7: ML307"]),  # gunicorn's default, 127.0.0.1:8000
        ('bind = "0.0.0.0:5000"\n', "", []),
        ('bind = ["0.0.0.0:5000"]\nworkers = 2\n', "", []),
        ('import os\nbind = f"0.0.0.0:{os.environ[\'PORT\']}"\n', "", []),  # computed: not a default
        ('bind = "127.0.0.1:5000"\n', "", ["Dockerfile:{line}:7: ML305"]),
        ("workers = 2\n", 'ENV GUNICORN_CMD_ARGS="--bind=0.0.0.0:5000"\n', []),
        ('bind = "127.0.0.1:8000"\n', 'ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:5000"\n', []),  # the variable wins over the file
    ],
)
def test_gunicorn_conf_and_cmd_args_are_read_before_calling_a_bind_a_default(tmp_path, conf, env, expected):
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(GUNICORN.format(env=env))
    (tmp_path / "app.py").write_text("app = None\n")
    if conf is not None:
        (tmp_path / "gunicorn.conf.py").write_text(conf)
    proc = mdl(tmp_path, "check", "--isolated", "--select", "ML305,ML307", "Dockerfile")
    line = 7 if env else 6
    assert [" ".join(out.split(" ")[:2]) for out in proc.stdout.splitlines()] == [e.format(line=line) for e in expected], proc.stderr


def test_gunicorn_conf_that_the_context_excludes_is_not_in_the_image(tmp_path):
    (tmp_path / "Dockerfile").write_text(GUNICORN.format(env=""))
    (tmp_path / "gunicorn.conf.py").write_text('bind = "0.0.0.0:5000"\n')
    (tmp_path / ".dockerignore").write_text("gunicorn.conf.py\n")
    proc = mdl(tmp_path, "check", "--isolated", "--select", "ML305", "Dockerfile")
    assert proc.stdout.startswith("Dockerfile:6:7: ML305 localhost-binding `gunicorn` listens on 127.0.0.1 by default")


# --- pre-commit: a changed .dockerignore or requirements file relints its Dockerfiles --------------


def test_dependents_stand_for_the_dockerfiles_that_use_them(tmp_path):
    (tmp_path / ".git").mkdir()
    for name in ("Dockerfile", "svc/Dockerfile", "svc/api.Dockerfile", "svc/deep/Dockerfile", "other/Dockerfile"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BAD)
    for name in ("svc/.dockerignore", "svc/api.Dockerfile.dockerignore", "svc/requirements.txt", "notes.txt"):
        (tmp_path / name).write_text("x\n")
    lint = ("check", "--isolated", "--select", "ML302", "--dependents")
    linted = lambda proc: sorted(line.split(":", 1)[0] for line in proc.stdout.splitlines())  # noqa: E731
    # svc/api.Dockerfile has its own ignore file, so svc/.dockerignore is not its
    assert linted(mdl(tmp_path, *lint, "svc/.dockerignore")) == ["svc/Dockerfile"]
    assert linted(mdl(tmp_path, *lint, "svc/api.Dockerfile.dockerignore")) == ["svc/api.Dockerfile"]
    # a requirements file is in the build context of the Dockerfiles in its folder and above
    assert linted(mdl(tmp_path, *lint, "svc/requirements.txt")) == ["Dockerfile", "svc/Dockerfile", "svc/api.Dockerfile"]
    assert linted(mdl(tmp_path, *lint, "svc/requirements.txt", "svc/Dockerfile")) == ["Dockerfile", "svc/Dockerfile", "svc/api.Dockerfile"]
    (tmp_path / "other" / "Dockerfile").unlink()
    (tmp_path / "other" / "requirements.txt").write_text("x\n")
    proc = mdl(tmp_path / "other", *lint, "requirements.txt")  # only the root Dockerfile, found from below
    assert proc.stdout.startswith(f"{tmp_path}/Dockerfile:1:1: ML302") and len(proc.stdout.splitlines()) == 1  # outside: shown absolute


def test_hook_runs_on_ignore_and_requirements_files():
    import re

    import yaml

    [hook] = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    assert hook["entry"] == "mldocklint check --dependents" and "types" not in hook
    names = ["Dockerfile", "a/api.Dockerfile", "Containerfile", "Dockerfile.gpu", ".dockerignore", "a/Dockerfile.dockerignore",
             "requirements.txt", "a/requirements-dev.in", "constraints.txt", "environment.yml"]
    skipped = ["app.py", "Dockerfile.j2", "README.md", "requirements.md"]
    hit = lambda n: re.search(hook["files"], n) and not re.search(hook["exclude"], n)  # noqa: E731
    assert [n for n in names if not hit(n)] == [] and [n for n in skipped if hit(n)] == []


@pytest.mark.parametrize("args", [["chck", "Dockerfile"], ["explian"], []], ids=["mistyped-check", "mistyped-explain", "nothing-here"])
def test_fast_path_and_click_say_the_same(tmp_path, args):
    """``mldocklint [check] PATH...`` runs without click; an option sends the same run through click."""
    (tmp_path / ".git").mkdir()
    plain = mdl(tmp_path, *args)
    full = mdl(tmp_path, *(args[:1] or ["check"]), "--jobs", "0", *args[1:])
    assert (plain.returncode, plain.stdout, plain.stderr) == (full.returncode, full.stdout, full.stderr)
    assert plain.returncode == 2 and plain.stderr


def test_a_finding_its_rule_cannot_fix_says_why(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /app\n")
    (tmp_path / ".dockerignore").write_text(".git\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_bytes(bytes(2_000_000))
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS",)}
    proc = subprocess.run(
        [sys.executable, "-m", "mldocklint", "check", "--isolated", "--select", "ML502", "Dockerfile"],
        cwd=tmp_path, capture_output=True, text=True, env={**env, "FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "200"}, timeout=60,
    )
    lines = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout).splitlines()  # NO_COLOR keeps bold and dim
    assert lines[1] == "  1:1 warning ML502 dockerignore-gap  datasets sent with the build context but not excluded (2.0 MB): data (2.0 MB); add data to .dockerignore"
    assert "      not fixed automatically: datasets are not excluded automatically while a `COPY . .` may need them" in lines
    assert lines[-1] == "1 finding in 1 file (1 warning); 1 Dockerfile linted"
    data = json.loads(mdl(tmp_path, "check", "--isolated", "--select", "ML502", "-f", "json", "Dockerfile").stdout)
    assert [f["fix"] for f in data["findings"]] == [None]


def test_a_mistyped_option_value_gets_the_nearest_one(project):
    proc = mdl(project, "check", "--failure-threshold", "eror", "Dockerfile")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == "Error: Invalid value for '--failure-threshold': 'eror' is not one of 'error', 'warning', 'info', 'none'; did you mean `error`?"


GRADIO_IMAGE = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py .\nUSER 1000\nEXPOSE 7860\nCMD ["python", "app.py"]\n'


@pytest.mark.parametrize(
    "source, expected",
    [
        # the program's own class has a launch() that calls Gradio's with server_name set: not Gradio's default
        ("import gradio as gr\nclass App:\n    def launch(self):\n        gr.Blocks().launch(server_name=NAME)\n"
         "if __name__ == '__main__':\n    app = App()\n    app.launch()\n", []),
        ("import gradio as gr\ndemo = gr.Blocks()\nif __name__ == '__main__':\n    demo.launch()\n", ["app.py:4:5: ML305"]),
    ],
)
def test_ml305_tells_gradio_launch_from_a_programs_own_launch(tmp_path, source, expected):
    (tmp_path / "Dockerfile").write_text(GRADIO_IMAGE)
    (tmp_path / "app.py").write_text(source)
    proc = mdl(tmp_path, "check", "--isolated", "--select", "ML305", "Dockerfile")
    assert [" ".join(line.split(" ")[:2]) for line in proc.stdout.splitlines()] == expected, proc.stderr


def test_explain_of_a_mistyped_slug_names_the_nearest_rule(project):
    proc = mdl(project, "explain", "rot-user")
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", "mldocklint: error: unknown rule `rot-user`; did you mean `root-user`?\n")
