"""Bad inputs through the real command line: one clear error line or an ML000 finding, never
a crash or a hang, and the good Dockerfile given in the same run is still linted.

Every row runs ``mldocklint check --format json <bad input> good.Dockerfile`` in a fresh
directory and checks stderr, the findings (rule, path, line, column, message) and the exit code.
Errors in the run's own configuration (a broken config file, an unknown rule in --select) are
the exception: they stop the run before anything is linted, so that no report is produced
under a configuration the user did not ask for.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest
from click.testing import CliRunner

from mldocklint.cli import main
from mldocklint.engine import MAX_BYTES
from mldocklint.rules import all_rules

GOOD = "FROM python:3.11\nRUN pip install flask\n"
GOOD_FINDING = ("ML202", "good.Dockerfile", 2, 1, "installs a package without an exact version: `flask`; pin it (`flask==X.Y.Z`) or install from a pinned requirements or constraints file")
SELECT = ["--select", "ML000,ML201,ML202,ML204"]
TOO_BIG = f"larger than {MAX_BYTES >> 20} MiB: too big for a Dockerfile, not linted"


@dataclasses.dataclass
class Case:
    args: list[str]  # after the common options; good.Dockerfile is appended
    stderr: str = ""  # the whole of stderr
    findings: tuple = ()  # (rule, path, line, column, message) besides the good file's
    code: int = 2
    good_linted: bool = True
    unprivileged: bool = False  # run without the power to read any file (root's DAC override)


def write(path, data: str | bytes) -> str:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)
    return str(path)


def error(path: str, problem: str) -> str:
    return f"mldocklint: error: {path}: {problem}\n"


def ml000(path: str, line: int, column: int, message: str) -> tuple:
    return ("ML000", path, line, column, message)


# -- the rows: each builds its input in the current directory and says what a user sees ----------


def missing_path():
    return Case(["missing.Dockerfile"], error("missing.Dockerfile", "no such file or directory"))


def directory_without_dockerfile():
    os.makedirs("docs/img")
    write("docs/README.md", "# docs\n")
    return Case(["docs"], error("docs", "no Dockerfile found in this directory"))


def empty_file():
    write("empty.Dockerfile", "")
    return Case(["empty.Dockerfile"], findings=(ml000("empty.Dockerfile", 1, 1, "file with no instructions"),), code=1)


def only_comments():
    write("comments.Dockerfile", "# syntax=docker/dockerfile:1\n# nothing here yet\n")
    return Case(["comments.Dockerfile"], findings=(ml000("comments.Dockerfile", 2, 1, "file with no instructions"),), code=1)


def no_from():
    write("nofrom.Dockerfile", "RUN pip install flask\n")
    return Case(["nofrom.Dockerfile"], findings=(ml000("nofrom.Dockerfile", 1, 1, "no build stage in current context"),), code=1)


def binary_file():
    write("binary.Dockerfile", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    return Case(["binary.Dockerfile"], error("binary.Dockerfile", "binary file (contains NUL bytes), not a Dockerfile"))


def invalid_utf8():
    write("latin1.Dockerfile", "FROM python:3.11\nLABEL author=Jos\xe9\n".encode("latin-1"))
    return Case(["latin1.Dockerfile"], error("latin1.Dockerfile", "invalid UTF-8 at line 2 (byte 33)"))


def utf16_with_bom():
    write("utf16.Dockerfile", GOOD.encode("utf-16"))
    return Case(["utf16.Dockerfile"], error("utf16.Dockerfile", "file is UTF-16 encoded; Docker reads Dockerfiles as UTF-8"))


def crlf_line_endings():
    write("crlf.Dockerfile", GOOD.replace("\n", "\r\n"))
    return Case(["crlf.Dockerfile"], findings=(("ML202", "crlf.Dockerfile", *GOOD_FINDING[2:]),), code=1)


def dockerfile_of_50_mb():
    line = "RUN pip install --no-cache-dir numpy==1.26.4 && echo " + "x" * 200 + "\n"
    write("huge.Dockerfile", "FROM python:3.11\n" + line * (50 * 2**20 // len(line)))
    return Case(["huge.Dockerfile"], error("huge.Dockerfile", TOO_BIG))


def line_of_10_mb():
    write("longline.Dockerfile", "FROM python:3.11\nRUN echo " + "a" * (10 * 2**20) + "\n")
    return Case(["longline.Dockerfile"], error("longline.Dockerfile", TOO_BIG))


def unreadable_file():
    write("secret.Dockerfile", GOOD)
    os.chmod("secret.Dockerfile", 0)
    return Case(["secret.Dockerfile"], error("secret.Dockerfile", "cannot read: Permission denied"), unprivileged=True)


def symlink_loop():
    os.symlink("loop-b", "loop-a")
    os.symlink("loop-a", "loop-b")
    return Case(["loop-a"], error("loop-a", "too many levels of symbolic links"))


def symlink_loop_in_directory():
    os.makedirs("svc")
    write("svc/Dockerfile", GOOD)
    os.symlink("..", "svc/up")  # a walk that followed links would never end
    os.symlink("self", "svc/self")
    return Case(["svc"], findings=(("ML202", "svc/Dockerfile", *GOOD_FINDING[2:]),), code=1)


def fifo():
    os.mkfifo("fifo.Dockerfile")  # opening it for reading would block forever
    return Case(["fifo.Dockerfile"], error("fifo.Dockerfile", "not a regular file"))


def jinja_template():
    write("Dockerfile.j2", "FROM {{ base_image }}\n{% for pkg in packages %}\nRUN pip install {{ pkg }}\n{% endfor %}\n")
    return Case(["Dockerfile.j2"], error("Dockerfile.j2", "a template (.j2), not a Dockerfile; render it and lint the result"))


def tmpl_template_skipped_in_directory():
    os.makedirs("deploy")
    write("deploy/Dockerfile.tmpl", "FROM ${BASE}\n{{ range .Packages }}RUN pip install {{ . }}\n{{ end }}\n")
    write("deploy/Dockerfile", GOOD)
    return Case(["deploy"], findings=(("ML202", "deploy/Dockerfile", *GOOD_FINDING[2:]),), code=1)


def dockerignore_as_dockerfile():
    write(".dockerignore", ".git\n*.ckpt\n")
    return Case([".dockerignore"], error(".dockerignore", "a .dockerignore file, not a Dockerfile"))


def invalid_config_file():
    write("lint.toml", "[tool.mldocklint\nselect = [\n")
    problem = "invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 17)"
    return Case(["--config", "lint.toml"], error("lint.toml", problem), good_linted=False)


def config_file_is_a_fifo():
    os.mkfifo("lint.yaml")
    return Case(["--config", "lint.yaml"], error("lint.yaml", "cannot read configuration: not a regular file"), good_linted=False)


def unknown_rule_in_select():
    problem = "unknown rule `ML999`; `mldocklint rules` lists them"
    return Case(["--select", "ML202,ML999"], error("--select", problem), good_linted=False)


REQ_DOCKERFILE = "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"


def requirements_include_loop():
    write("app/Dockerfile", REQ_DOCKERFILE)
    write("app/requirements.txt", "-r base.txt\nflask==3.0.0\n")
    write("app/base.txt", "-r requirements.txt\nnumpy\n")
    loop = "`requirements.txt` includes itself through a loop (requirements.txt -> base.txt -> requirements.txt); pip would recurse forever"
    unpinned = "`numpy` in app/base.txt is not pinned to one version; pin it with `==`"
    return Case(["app/Dockerfile"], findings=(("ML204", "app/base.txt", 1, 4, loop), ("ML201", "app/base.txt", 2, 1, unpinned)), code=1)


def requirements_outside_context():
    write("secrets.txt", "unpinned-private-package\n")  # outside the context: never read
    write("app/Dockerfile", REQ_DOCKERFILE)
    write("app/requirements.txt", "-r ../secrets.txt\nflask==3.0.0\n")
    outside = "`../secrets.txt` included from requirements.txt points outside the assumed context app and is not read"
    return Case(["app/Dockerfile"], findings=(("ML204", "app/requirements.txt", 1, 4, outside),), code=1)


def requirements_file_is_a_fifo():
    write("app/Dockerfile", REQ_DOCKERFILE)
    os.mkfifo("app/requirements.txt")  # reading it would block forever
    special = "requirements.txt is not a regular file (a FIFO, socket or device): pip cannot read requirements from it; make it a regular file"
    return Case(["app/Dockerfile"], findings=(("ML204", "app/Dockerfile", 3, 35, special),), code=1)


def context_of_100k_files():
    # Created in memory when /dev/shm is there: 100k files on a busy disk take longer than the lint.
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    root = tempfile.mkdtemp(prefix="mldocklint-ctx-", dir=base)
    os.symlink(root, "big")  # removed with the test's directory; the context itself below
    write(f"{root}/Dockerfile", "FROM python:3.11\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n")
    write(f"{root}/requirements.txt", "torch\n")
    for d in range(100):
        os.mkdir(f"{root}/data{d:02}")
        for f in range(1000):
            os.mknod(f"{root}/data{d:02}/{f}.npy")
    dockerignore = "the build context {} has no .dockerignore (or {}.dockerignore) and a COPY of the whole context puts all of it in the image; add one"
    unpinned = "`torch` in big/requirements.txt is not pinned to one version; pin it with `==`"
    found = (("ML501", "big/Dockerfile", 1, 1, dockerignore.format("big", "Dockerfile")), ("ML201", "big/requirements.txt", 1, 1, unpinned))
    return Case(["--select", "ML201,ML202,ML501", "big/"], findings=found, code=1)


ROWS = [
    missing_path,
    directory_without_dockerfile,
    empty_file,
    only_comments,
    no_from,
    binary_file,
    invalid_utf8,
    utf16_with_bom,
    crlf_line_endings,
    dockerfile_of_50_mb,
    line_of_10_mb,
    unreadable_file,
    symlink_loop,
    symlink_loop_in_directory,
    fifo,
    jinja_template,
    tmpl_template_skipped_in_directory,
    dockerignore_as_dockerfile,
    invalid_config_file,
    config_file_is_a_fifo,
    unknown_rule_in_select,
    requirements_include_loop,
    requirements_outside_context,
    requirements_file_is_a_fifo,
    context_of_100k_files,
]


def unprivileged_prefix() -> list[str]:
    """A command prefix that takes away root's power to read any file, so permissions apply."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"]


def run(cwd, args: list[str], prefix: list[str] = (), timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
    isolated = [] if "--config" in args else ["--isolated"]  # --isolated ignores configuration files
    cmd = [*prefix, sys.executable, "-m", "mldocklint", "check", *isolated, *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def findings(stdout: str) -> list[tuple]:
    return [(f["rule"], f["path"], f["line"], f["column"], f["message"]) for f in json.loads(stdout)["findings"]]


@pytest.mark.parametrize("row", ROWS, ids=[r.__name__ for r in ROWS])
def test_bad_input(row, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write("good.Dockerfile", GOOD)
    case = row()
    try:
        options = [*SELECT, *case.args] if "--select" not in case.args else case.args
        proc = run(tmp_path, ["--format", "json", *options, "good.Dockerfile"], unprivileged_prefix() if case.unprivileged else [], timeout=120)  # a guard against hangs (a FIFO read), not a speed test
    finally:
        if os.path.islink("big"):
            shutil.rmtree(os.readlink("big"))
    assert proc.stderr == case.stderr
    assert proc.returncode == case.code
    if case.good_linted:
        assert sorted(findings(proc.stdout)) == sorted([*case.findings, GOOD_FINDING])
    else:
        assert proc.stdout == ""


def test_unreadable_file_really_is_unreadable_to_the_linter(tmp_path):
    """The prefix used above drops root's override: without it, root would read the file."""
    write(tmp_path / "secret.Dockerfile", GOOD)
    os.chmod(tmp_path / "secret.Dockerfile", 0)
    proc = run(tmp_path, ["--format", "json", "--select", "ML202", "secret.Dockerfile"], unprivileged_prefix())
    assert (proc.returncode, proc.stderr) == (2, error("secret.Dockerfile", "cannot read: Permission denied"))


def test_crlf_and_lf_give_the_same_findings(tmp_path):
    """Every rule, on a Dockerfile that exercises many of them, with LF and with CRLF."""
    src = (
        "# syntax=docker/dockerfile:1\n"
        "FROM python:3.11 AS build\n"
        "RUN apt-get update && apt-get install -y gcc \\\n"
        "    # a comment inside the continuation\n"
        "    && pip install torch\n"
        "COPY <<EOF /app/app.py\n"
        "print('hi')\n"
        "EOF\n"
        "FROM build\n"
        "ENV API_TOKEN=abc123\n"
        "CMD python /app/app.py\n"
    )
    write(tmp_path / "lf" / "Dockerfile", src)
    write(tmp_path / "crlf" / "Dockerfile", src.replace("\n", "\r\n"))
    lf = run(tmp_path, ["--format", "json", "lf/Dockerfile"])
    crlf = run(tmp_path, ["--format", "json", "crlf/Dockerfile"])
    assert lf.returncode == crlf.returncode == 1
    assert [(r, line, col) for r, _, line, col, _ in findings(lf.stdout)] == [
        ("ML202", 3, 1), ("ML104", 3, 13), ("ML103", 3, 31), ("ML105", 5, 12),
        ("ML402", 5, 20), ("ML301", 9, 1), ("ML302", 9, 1), ("ML309", 10, 5), ("ML303", 11, 1),
    ]  # fmt: skip
    same = [(r, p.replace("crlf/", "lf/"), line, col, m.replace("context crlf", "context lf")) for r, p, line, col, m in findings(crlf.stdout)]
    assert same == findings(lf.stdout)


# -- internal errors -------------------------------------------------------------------------------


def _boom(target, options):
    raise RuntimeError("rule bug")
    yield  # a generator, like the real rules


def test_a_failing_rule_is_reported_and_the_other_rules_and_files_still_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write("a.Dockerfile", GOOD)
    write("b.Dockerfile", "FROM python:3.11\nRUN pip install torch\nCMD python serve.py\n")
    monkeypatch.setitem(all_rules(), "ML303", all_rules()["ML303"]._replace(check=_boom))
    args = ["check", "--isolated", "--select", "ML202,ML303", "a.Dockerfile", "b.Dockerfile"]

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert [line.split(" ", 2)[:2] for line in result.stdout.splitlines()] == [["a.Dockerfile:2:1:", "ML202"], ["b.Dockerfile:2:1:", "ML202"]]
    assert result.stderr == (
        error("a.Dockerfile", "internal error in rule ML303 (shell-form-cmd): RuntimeError: rule bug")
        + error("b.Dockerfile", "internal error in rule ML303 (shell-form-cmd): RuntimeError: rule bug")
    )

    debug = CliRunner().invoke(main, [*args, "--debug"])
    assert debug.exit_code == 2
    assert debug.stdout == result.stdout
    assert debug.stderr.startswith(result.stderr)
    tracebacks = debug.stderr[len(result.stderr) :]
    assert tracebacks.count("Traceback (most recent call last):") == 2
    assert 'raise RuntimeError("rule bug")' in tracebacks
    assert tracebacks.rstrip().endswith("RuntimeError: rule bug")
