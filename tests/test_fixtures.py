"""Every fixture Dockerfile gives exactly the findings its `# expect:` marks name.

Rules that need the build context are skipped (the fixtures are linted without one);
see fixtures/README.md for the mark format.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mldocklint.engine import Linter, Options, Result
from mldocklint.syntax.dockerfile import decode

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "dockerfiles").glob("*.Dockerfile"))
_MARK = re.compile(r"^\s*#\s*expect:\s*(.+?)\s*$")
_ITEM = re.compile(r"^(ML\d{3})(?::(\d+))?$")


def expected(text: str) -> set[tuple[str, int, int]]:
    """(rule, line, column) named by the marks: each mark names the next non-comment, non-blank line."""
    lines = text.splitlines()
    found = set()
    pending: list[tuple[str, int | None]] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        m = _MARK.match(line)
        if m:
            for item in re.split(r"[\s,]+", m.group(1)):
                im = _ITEM.match(item)
                assert im, f"line {number}: bad expect mark {item!r}"
                pending.append((im.group(1), int(im.group(2)) if im.group(2) else None))
            continue
        if not stripped or stripped.startswith("#"):
            continue
        first = len(line) - len(line.lstrip()) + 1
        found.update((rule, number, col or first) for rule, col in pending)
        pending = []
    assert not pending, "expect marks at the end of the file name no line"
    return found


def actual(text: str, name: str) -> set[tuple[str, int, int]]:
    result = Result()
    findings = Linter(Options(inline_suppressions=False)).lint_text(text, name, result, None)
    assert not result.errors, result.errors
    return {(f.rule, f.line, f.column) for f in findings}


def test_there_are_fixtures():
    names = {p.name for p in FIXTURES}
    assert {"textbook-flask.Dockerfile", "textbook-production.Dockerfile", "textbook-poor-order.Dockerfile"} <= names
    assert len(names) >= 10


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_findings_match_marks(path: Path):
    text = decode(path.read_bytes())
    want = expected(text)
    got = actual(text, path.name)
    assert sorted(got - want) == [] and sorted(want - got) == [], f"unexpected: {sorted(got - want)}; missing: {sorted(want - got)}"


def test_expected_reads_marks():
    text = "FROM python:3.11\n# expect: ML301 ML302:3\n\n# a comment\n  RUN x\n"
    assert expected(text) == {("ML301", 5, 3), ("ML302", 5, 3)}
    assert expected("# expect: ML203:6\nFROM python\n") == {("ML203", 2, 6)}


def test_windows_fixture_keeps_crlf_and_backtick_escape():
    raw = (FIXTURES[0].parent / "windows-escape.Dockerfile").read_bytes()
    assert raw.startswith(b"# escape=`\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
