"""``check --fix`` / ``--diff``: fixture pairs, properties over every fixture, and the CLI.

Pairs live in fixtures/fix/<case>.Dockerfile and <case>.fixed.Dockerfile; the rule ids in
the case name (``ml103-ml104-...``) are the rules selected for it, with unsafe fixes on.
"""

from __future__ import annotations

import difflib
import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dockerfile
import pytest

from mldocklint import fix as fixmod
from mldocklint.engine import Linter, Options
from mldocklint.fixes import fixer
from mldocklint.rules import all_rules
from mldocklint.syntax.dockerfile import parse

ROOT = Path(__file__).resolve().parent.parent
PAIRS = sorted(p for p in (ROOT / "fixtures" / "fix").glob("*.Dockerfile") if not p.name.endswith(".fixed.Dockerfile"))
FIXTURES = sorted((ROOT / "fixtures" / "dockerfiles").glob("*.Dockerfile")) + PAIRS
# fixable rules whose fixes only touch .dockerignore: covered by the context tests below
CONTEXT_FIXES = {"ML501", "ML502", "ML506"}  # ML506: tests/test_context_infer.py


def _selected(case: Path) -> list[str]:
    return [m.upper() for m in re.findall(r"ml\d{3}", case.name.split(".")[0])]


def _fix_file(tmp_path: Path, src: Path, select=None, unsafe=True, write=True) -> tuple[str, object, str]:
    """Copy ``src`` into an empty context, fix it; (new text, result, printed output)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "Dockerfile"
    target.write_bytes(src.read_bytes())
    out = io.StringIO()
    result = fixmod.run([str(target)], Options(select=select), write=write, unsafe=unsafe, out=out)
    return target.read_bytes().decode("utf-8"), result, out.getvalue()


def _lint(text: str, select=None, context=None):
    linter = Linter(Options(select=select))
    return linter, linter.lint_text(text, "Dockerfile", fixmod.Result(), context), linter.last_target


def _edits(finding, target):
    fx = finding.fix if finding.fix is not None else (fixer(finding.rule) or (lambda t, f: None))(target, finding)
    return fx.edits if fx is not None else ()


def _fix_available(linter, finding, target) -> bool:
    if finding.fix is not None:
        return True
    fn = fixer(finding.rule)
    return fn is not None and fn(target, finding) is not None


# -- fixture pairs ---------------------------------------------------------------------


def test_every_fixable_rule_has_a_fixture_pair():
    fixable = {r.id for r in all_rules().values() if r.fix != "none"}
    paired = {rid for case in PAIRS for rid in _selected(case)}
    assert fixable - CONTEXT_FIXES <= paired, f"fixable rules without a fixtures/fix pair: {sorted(fixable - CONTEXT_FIXES - paired)}"


def test_every_fixer_module_belongs_to_a_fixable_rule():
    rules = all_rules()
    for mod in (ROOT / "mldocklint" / "fixes").glob("ml*.py"):
        rid = mod.stem.upper()
        # a fixer may land before its rule is registered; a registered rule must say it is fixable
        assert rid not in rules or rules[rid].fix != "none", f"{mod.name}: {rid} has FIX = \"none\""


@pytest.mark.parametrize("case", PAIRS, ids=lambda p: p.stem)
def test_fixture_pair(case, tmp_path):
    select = _selected(case)
    before = case.read_bytes().decode("utf-8")
    fired = {f.rule for f in _lint(before, select)[1]}
    assert set(select) <= fired, f"{case.name}: {sorted(set(select) - fired)} do not fire on the input"
    expected = case.with_name(case.name.replace(".Dockerfile", ".fixed.Dockerfile")).read_bytes().decode("utf-8")
    fixed, result, _ = _fix_file(tmp_path, case, select)
    assert fixed == expected
    # the open findings are those of the fixed text
    assert sorted((f.rule, f.line, f.column) for f in result.findings) == sorted((f.rule, f.line, f.column) for f in _lint(fixed, select, str(tmp_path))[1])
    again, _, _ = _fix_file(tmp_path / "again", tmp_path / "Dockerfile", select)
    assert again == expected


# -- properties over every fixture -------------------------------------------------------


def _buildkit(text: str):
    try:
        return dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return None


@pytest.mark.parametrize("src", FIXTURES, ids=lambda p: p.parent.name + "/" + p.stem)
def test_fix_keeps_everything_else(src, tmp_path):
    before = src.read_bytes().decode("utf-8")
    (tmp_path / "ctx").mkdir()
    linter, before_findings, target = _lint(before.removeprefix("\ufeff"), context=str(tmp_path / "ctx"))
    fixed, result, _ = _fix_file(tmp_path / "ctx", src)

    # idempotent
    again, _, _ = _fix_file(tmp_path / "again", tmp_path / "ctx" / "Dockerfile")
    assert again == fixed

    # what is still open has no fix left
    linter, after_findings, after_target = _lint(fixed.removeprefix("\ufeff"), context=str(tmp_path / "ctx"))
    fixable = {r.id for r in linter.rules if r.fix != "none"}
    if after_target is not None:
        left = [f for f in after_findings if f.rule in fixable and f.suppressed is None and f.path == "Dockerfile" and _fix_available(linter, f, after_target)]
        assert left == [], [(f.rule, f.line, f.message) for f in left]

    old_cmds = _buildkit(before)
    if old_cmds is None:
        assert fixed == before  # nothing is fixed in a file BuildKit rejects
        return
    new_cmds = _buildkit(fixed)
    assert new_cmds is not None, "BuildKit cannot parse the fixed file"

    # findings of rules without a fix stay as they were
    unfixable = {r.id for r in linter.rules if r.fix == "none"}
    assert Counter(f.rule for f in before_findings if f.rule in unfixable) == Counter(f.rule for f in after_findings if f.rule in unfixable)

    # only instructions a fix edits changed; inserted ones are ENV/RUN/USER
    fixed_lines = {f.line for f in before_findings if f.rule in fixable and f.suppressed is None}
    if target is not None:
        text = before.removeprefix("\ufeff")
        for e in (e for f in before_findings if f.rule in fixable for e in _edits(f, target)):
            fixed_lines |= set(range(text.count("\n", 0, e.start) + 1, text.count("\n", 0, e.end) + 2))
    # ML310's fix also adds the secret mount to each RUN that refers to the ARG it deletes
    for f in before_findings:
        if f.rule == "ML310" and f.suppressed is None:
            name = re.escape(f.identity.split("\0")[4])
            fixed_lines |= {c.start_line for c in _buildkit(before) or () if c.cmd == "RUN" and re.search(rf"\$\{{?{name}\b", c.original)}
    a = [c.original for c in old_cmds]
    b = [c.original for c in new_cmds]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        for c in old_cmds[i1:i2]:
            assert any(c.start_line <= line <= c.end_line for line in fixed_lines), f"unfixed instruction changed: {c.original}"
        kinds = {c.cmd for c in old_cmds[i1:i2]} | {"ENV", "RUN", "USER"}
        if "ADD" in {k.upper() for k in kinds}:
            kinds |= {"COPY", "copy"}  # ML024: ADD of local files becomes COPY, in the same case
        for c in new_cmds[j1:j2]:
            assert c.cmd in kinds, f"unexpected instruction added: {c.original}"

    # comments and line endings stay
    if before_findings and target is not None:
        assert [t for _, t in parse(fixed.removeprefix("\ufeff")).comments] == [t for _, t in target.dockerfile.comments]
    if "\r\n" in before:
        assert fixed.count("\n") == fixed.count("\r\n")
    assert fixed.startswith("\ufeff") == before.startswith("\ufeff")


# -- behaviour ---------------------------------------------------------------------------


def _fixed_text(src: str, select, unsafe=False) -> tuple[str, list]:
    linter = Linter(Options(select=select, inline_suppressions=True))
    out = fixmod.fix_text(linter, src, "Dockerfile", fixmod.allowed_rules(linter, unsafe))
    return out.text, [(f.rule, f.line, f.column) for f in out.findings]


@pytest.mark.parametrize("cmd", [
    "CMD gunicorn --bind 0.0.0.0:$PORT app:app",
    "CMD python app.py > /tmp/log",
    "CMD python app.py && echo done",
    "CMD python 'my app.py'",
    "CMD DEBUG=1 python app.py",
    "CMD python *.py",
    "CMD cd /app",
    "CMD python `which app`",
])
def test_shell_form_with_shell_features_is_left_alone(cmd):
    src = f"FROM python:3.11-slim\nUSER 1000\n{cmd}\n"
    assert _fixed_text(src, ["ML303"]) == (src, [("ML303", 3, 1)])


def test_shell_form_left_alone_when_cmd_and_entrypoint_interact():
    for src in (
        "FROM python:3.11-slim\nENTRYPOINT python serve.py\nCMD [\"--port\", \"8080\"]\n",
        "FROM python:3.11-slim\nENTRYPOINT [\"tini\", \"--\"]\nCMD python serve.py\n",
        "FROM python:3.11-slim\nSHELL [\"/bin/bash\", \"-c\"]\nCMD python serve.py\n",
        "FROM python:3.11-slim\nCMD python \\\n# a comment inside\n  serve.py\n",
    ):
        text, left = _fixed_text(src, ["ML303"])
        assert text == src and [r for r, _, _ in left] == ["ML303"]


def test_unsafe_fixes_need_the_flag():
    src = "FROM python:3.11-slim\nCMD [\"python\", \"app.py\"]\n"
    assert _fixed_text(src, ["ML302"]) == (src, [("ML302", 1, 1)])
    assert _fixed_text(src, ["ML302"], unsafe=True) == (
        "FROM python:3.11-slim\nRUN useradd --create-home --uid 1000 modeluser\nUSER modeluser\nCMD [\"python\", \"app.py\"]\n",
        [],
    )


def test_suppressed_findings_are_not_fixed():
    src = "FROM python:3.11-slim\nUSER 1000\n# mldocklint: ignore=ML303 -- needs the shell\nCMD python app.py\n"
    assert _fixed_text(src, ["ML303"])[0] == src


def test_overlapping_fixes_land_in_later_passes():
    # ML301 and ML302 both insert right after the only instruction
    src = 'FROM python:3.11-slim\nCMD ["python", "app.py"]'
    text, left = _fixed_text(src, ["ML301", "ML302"], unsafe=True)
    assert left == []
    assert text.splitlines()[0] == "FROM python:3.11-slim"
    assert text.splitlines()[-1] == 'CMD ["python", "app.py"]'
    assert sorted(text.splitlines()[1:-1]) == sorted([
        "ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1",
        "RUN useradd --create-home --uid 1000 modeluser",
        "USER modeluser",
    ])


def test_a_bom_stays(tmp_path):
    src = tmp_path / "in.Dockerfile"
    src.write_bytes(b"\xef\xbb\xbfFROM python:3.11-slim\nUSER 1000\nCMD python app.py\n")
    fixed, _, _ = _fix_file(tmp_path / "ctx", src, ["ML303"])
    assert fixed == '\ufeffFROM python:3.11-slim\nUSER 1000\nCMD ["python", "app.py"]\n'


def test_fix_refuses_what_check_refuses_and_fixes_the_other_files(tmp_path):
    from mldocklint.engine import MAX_BYTES

    huge = tmp_path / "huge.Dockerfile"
    huge.write_bytes(b"FROM python:3.11-slim\nCMD python app.py\n" + b"# padding\n" * (MAX_BYTES // 10))
    good = tmp_path / "good.Dockerfile"
    good.write_text("FROM python:3.11-slim\nUSER 1000\nCMD python app.py\n")
    before = huge.read_bytes()
    result = fixmod.run([str(huge), str(good)], Options(select=["ML303"]), write=True, out=io.StringIO())
    assert [m for _, m in result.errors] == [f"larger than {MAX_BYTES >> 20} MiB: too big for a Dockerfile, not linted"]
    assert huge.read_bytes() == before
    assert good.read_text() == 'FROM python:3.11-slim\nUSER 1000\nCMD ["python", "app.py"]\n'


# -- .dockerignore fixes (ML501, ML502) ------------------------------------------------------


def _context(tmp_path: Path, dockerfile_text: str, files: dict[str, str]) -> Path:
    for name, content in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode())
    (tmp_path / "Dockerfile").write_text(dockerfile_text)
    return tmp_path / "Dockerfile"


_ML_CONTEXT = {".venv/pyvenv.cfg": "home = /usr\n", ".git/HEAD": "ref: refs/heads/main\n", "src/__pycache__/a.cpython-311.pyc": "x" * (2 << 20), "app.py": "print(1)\n"}


def test_dockerignore_is_created(tmp_path):
    path = _context(tmp_path, "FROM python:3.11-slim\nCOPY app.py /app/\n", _ML_CONTEXT)
    result = fixmod.run([str(path)], Options(select=["ML501", "ML502"]), write=True, out=io.StringIO())
    assert (tmp_path / ".dockerignore").read_text() == "".join(
        p + "\n" for p in (".git", "**/__pycache__", "**/*.py[cod]", "**/.ipynb_checkpoints", ".venv", "venv", ".pytest_cache", ".mypy_cache", "mlruns", "wandb")
    )
    assert result.findings == []
    again = fixmod.run([str(path)], Options(select=["ML501", "ML502"]), write=True, out=io.StringIO())
    assert again.findings == [] and (tmp_path / ".dockerignore").read_text().count("\n") == 10


def test_dockerignore_is_extended_in_its_own_style(tmp_path):
    files = dict(_ML_CONTEXT, **{".dockerignore": "# local\r\n.git"})
    path = _context(tmp_path, "FROM python:3.11-slim\nCOPY . /app\n", files)
    result = fixmod.run([str(path)], Options(select=["ML502"]), write=True, out=io.StringIO())
    assert (tmp_path / ".dockerignore").read_bytes() == b"# local\r\n.git\r\n**/__pycache__\r\n.venv\r\n"
    assert result.findings == []


def test_dockerignore_keeps_what_a_copy_names(tmp_path):
    path = _context(tmp_path, "FROM python:3.11-slim\nCOPY .venv /venv\nCOPY app.py /app/\n", {"app.py": "print(1)\n", ".git/HEAD": "ref: refs/heads/main\n"})
    fixmod.run([str(path)], Options(select=["ML501"]), write=True, out=io.StringIO())
    assert ".venv\n" not in (tmp_path / ".dockerignore").read_text()


def test_data_is_not_excluded_while_copy_dot_may_use_it(tmp_path):
    files = {"data/train.csv": "a,b\n" * (1 << 19), "app.py": "print(1)\n", ".dockerignore": ".git\n"}
    path = _context(tmp_path, "FROM python:3.11-slim\nCOPY . /app\n", files)
    result = fixmod.run([str(path)], Options(select=["ML502"]), write=True, out=io.StringIO())
    assert (tmp_path / ".dockerignore").read_text() == ".git\n"
    assert [f.rule for f in result.findings] == ["ML502"]


# -- the command line ------------------------------------------------------------------------


def _cli(*args, stdin: bytes | None = None, cwd=None):
    return subprocess.run([sys.executable, "-m", "mldocklint", "check", "--isolated", *args], input=stdin, capture_output=True, cwd=cwd)


def test_cli_diff_prints_and_writes_nothing(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.11-slim\nUSER 1000\nCMD python app.py\n")
    proc = _cli("--diff", "--select", "ML303", "Dockerfile", cwd=tmp_path)
    assert proc.stdout.decode() == (
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n FROM python:3.11-slim\n USER 1000\n"
        '-CMD python app.py\n+CMD ["python", "app.py"]\n'
    )
    # nothing was written: the findings point at the file on disk, not at the fixed text
    assert proc.returncode == 1
    assert proc.stderr.decode() == "Dockerfile:3:1: ML303 shell-form-cmd CMD in shell form runs under /bin/sh, which does not forward SIGTERM; use exec form: CMD [\"...\", \"...\"]\n"
    assert path.read_text() == "FROM python:3.11-slim\nUSER 1000\nCMD python app.py\n"


def test_cli_diff_reports_original_lines_where_fixes_add_lines(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.11-slim\nRUN pip install flask==3.0.3\nCMD python app.py\n")
    proc = _cli("--diff", "--select", "ML301,ML303,ML105", "Dockerfile", cwd=tmp_path)
    assert "+ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1\n" in proc.stdout.decode()
    assert [line.split(" ")[:2] for line in proc.stderr.decode().splitlines()] == [
        ["Dockerfile:1:1:", "ML301"], ["Dockerfile:2:9:", "ML105"], ["Dockerfile:3:1:", "ML303"],
    ]


def test_cli_fix_writes_and_reports_what_is_left(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.11-slim\nUSER 1000\nCMD python app.py > /tmp/log\nRUN pip install flask==3.0.3\n")
    proc = _cli("--fix", "--select", "ML303,ML105", "Dockerfile", cwd=tmp_path)
    assert path.read_text() == "FROM python:3.11-slim\nUSER 1000\nCMD python app.py > /tmp/log\nRUN pip install --no-cache-dir flask==3.0.3\n"
    assert proc.stdout.decode().splitlines()[0].startswith("Dockerfile:3:1: ML303 shell-form-cmd ")
    assert len(proc.stdout.decode().splitlines()) == 1
    assert proc.stderr.decode() == "mldocklint: fixed 1 finding in 1 file\n"
    assert proc.returncode == 1


def test_cli_fix_of_stdin_prints_the_fixed_text(tmp_path):
    src = b"FROM python:3.11-slim\r\nUSER 1000\r\nCMD python app.py\r\n"
    proc = _cli("--fix", "--select", "ML303", "-", stdin=src, cwd=tmp_path)
    assert proc.stdout == b'FROM python:3.11-slim\r\nUSER 1000\r\nCMD ["python", "app.py"]\r\n'
    assert proc.returncode == 0 and proc.stderr == b""
