"""Property tests: whatever bytes come in, the linter answers with findings, ML000 or one
error line, and never raises.

Inputs are valid generated Dockerfiles (``strategies.dockerfiles()``) and mutations of them
and of the fixture files: truncated lines, random bytes, stray escape characters,
unterminated heredocs, huge flags, unicode, NUL bytes and splices of two files. Every input
goes through the path the command line uses (bytes -> decode -> parse -> rules), with every
rule selected and the build context of the fixtures.

``pytest tests/test_fuzz.py --hypothesis-profile=fuzz`` runs a longer campaign;
``tests/fuzz/fuzz_check.py`` is the same oracle for atheris (coverage-guided).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import dockerfiles

from mldocklint.cli import main
from mldocklint.engine import Linter, Options, Result

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures" / "dockerfiles").glob("*.Dockerfile"))
CONTEXT = str(ROOT / "fixtures" / "contexts" / "textbook")
LINTER = Linter(Options(inline_suppressions=True, context=CONTEXT))
EXAMPLES = max(150, settings.default.max_examples)
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_NOISE = st.sampled_from(
    [
        b"\\",
        b"`",
        b"\\\n",
        b"\x00",
        b"<<EOF",
        b"<<-EOT\n\tbody",
        b'["unterminated',
        b"--mount=" + b"type=cache," * 2000,
        b"--" + b"x" * 70_000,
        "é模型✓\u202e".encode(),
        b"\r",
        b"\xff\xfe",
        b"# escape=`\n",
        b"FROM ",
        b"${A:-${B:-${C}}}",
        b"ONBUILD ONBUILD RUN x",
    ]
)


@st.composite
def mutated(draw) -> bytes:
    """A valid file or a fixture, then a few cuts, insertions and splices."""
    if draw(st.booleans()):
        data = draw(dockerfiles()).encode()
    else:
        data = draw(st.sampled_from(FIXTURES)).read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["cut", "noise", "bytes", "splice", "truncate"]))
        if how == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 80)) :]
        elif how == "noise":
            data = data[:at] + draw(_NOISE) + data[at:]
        elif how == "bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
        elif how == "splice":
            other = draw(st.sampled_from(FIXTURES)).read_bytes()
            start = draw(st.integers(0, len(other)))
            data = data[:at] + other[start : start + draw(st.integers(1, 400))] + data[at:]
        else:
            data = data[:at]
    return data


def lint(data: bytes) -> Result:
    result = Result()
    LINTER.lint_bytes(data, "Dockerfile", result)  # as the command line reads stdin with --context
    return result


def check_answer(data: bytes, result: Result) -> None:
    """An undecodable file gives one error line; anything else findings (maybe ML000), no internal error."""
    assert not [m for _, m in result.errors if "internal error" in m], result.errors
    if result.errors:
        assert result.findings == [] and result.files == 0
        [(path, message)] = result.errors
        assert path == "Dockerfile" and "\n" not in message
        return
    lines = max(len(data.splitlines()), 1)
    for f in result.findings:
        if f.path == "Dockerfile":
            assert 1 <= f.line <= f.end_line <= lines + 1, f
            assert f.column >= 1 and (f.end_line > f.line or f.end_column >= f.column), f
    parse_errors = [f for f in result.findings if f.rule == "ML000"]
    assert len(parse_errors) <= 1
    if parse_errors:
        assert result.findings == parse_errors  # nothing else is claimed about a file BuildKit rejects


@PROPERTY
@given(dockerfiles())
def test_valid_generated_files_lint_without_errors(text):
    result = lint(text.encode())
    check_answer(text.encode(), result)
    assert result.errors == []
    assert [f for f in result.findings if f.rule == "ML000"] == []


@PROPERTY
@given(mutated())
def test_mutated_files_give_findings_ml000_or_one_error(data):
    check_answer(data, lint(data))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_command_line_exit_code_follows_the_answer(data):
    """Through the command line: 2 exactly when there is an error line, else 0 or 1; never a traceback."""
    proc = CliRunner().invoke(main, ["check", "--isolated", "--context", CONTEXT, "--failure-threshold", "info", "-"], input=data)
    assert proc.exception is None or isinstance(proc.exception, SystemExit), proc.exception
    result = lint(data)
    expected = 2 if result.errors else (1 if result.findings else 0)
    assert proc.exit_code == expected, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
