"""mldocklint's parser against BuildKit's own, through the ``dockerfile`` package (BuildKit's
Go parser, used only here as an oracle).

For every fixture and for generated files, each instruction must agree with BuildKit on:
keyword (upper-cased), the ONBUILD trigger keyword, JSON (exec) form, builder flags, the
argument values, first and last line, and each heredoc's name, file descriptor and body.
The argument text after the flags (``Instruction.rest``) must end BuildKit's ``original``
(its first line, for heredocs).

Deliberate differences, not compared:
- ONBUILD: the package reports neither the trigger's flags nor its heredocs; mldocklint
  keeps the flags on ``sub`` and the heredocs on the ONBUILD instruction.
- A JSON array followed by more text (``CMD ["a"] x``): the package embeds a BuildKit from
  before July 2024, which read the first JSON value and ignored the rest; BuildKit now uses
  ``json.Unmarshal``, which refuses trailing text, so the line is shell form, as in mldocklint.
  ``CURRENT_BUILDKIT`` lists these cases with what current BuildKit gives.
- Columns and character offsets: BuildKit's parser has none to compare with.
- mldocklint also makes the checks BuildKit makes after parsing, when it turns the parse tree
  into build instructions (unknown instruction, nothing before FROM but ARG, FROM arguments,
  COPY without a destination, ...). A file only those checks reject is accepted by the
  oracle and given an ML000 by mldocklint; ``POST_PARSE_ERRORS`` lists those messages.
- BuildKit's parse errors carry no line number through the package, so for a file it rejects
  only the presence of exactly one ML000 finding on an existing line is checked.
"""

from __future__ import annotations

import glob
import os

import dockerfile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import dockerfiles

from mldocklint.engine import Linter, Options, Result
from mldocklint.syntax.dockerfile import ParseError, decode, parse

FIXTURES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "fixtures", "dockerfiles", "*.Dockerfile")))
EXAMPLES = max(200, settings.default.max_examples)
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
POST_PARSE_ERRORS = (
    "unknown instruction:",
    "no build stage in current context",
    "no build stage in the file",
    "FROM requires either one or three arguments",
    "requires at least one argument",
    "requires at least two arguments",
    "unknown type",
    "isn't allowed as an ONBUILD trigger",
)


def oracle(text: str) -> list[tuple]:
    return [
        (
            c.cmd.upper(),
            c.sub_cmd.upper() if c.sub_cmd else None,
            c.json,
            () if c.sub_cmd else c.flags,
            c.value,
            c.start_line,
            c.end_line,
            tuple((h.name, h.file_descriptor, h.content) for h in c.heredocs),
        )
        for c in dockerfile.parse_string(text)
    ]


def ours(text: str) -> list[tuple]:
    return [
        (
            i.keyword,
            i.sub.keyword if i.sub else None,
            i.exec_form,
            () if i.sub else i.flags,
            i.value,
            i.line,
            i.end_line,
            () if i.sub else tuple((h.name, h.fd, h.content) for h in i.heredocs),
        )
        for i in parse(text).instructions
    ]


def assert_same(text: str) -> None:
    assert ours(text) == oracle(text)
    for mine, theirs in zip(parse(text).instructions, dockerfile.parse_string(text)):
        assert theirs.original.split("\n", 1)[0].rstrip().endswith(mine.rest), (mine.rest, theirs.original)


@pytest.mark.parametrize("path", FIXTURES, ids=os.path.basename)
def test_fixture_matches_buildkit(path):
    with open(path, "rb") as fh:
        assert_same(decode(fh.read()))


def test_fixtures_found():
    assert len(FIXTURES) >= 10


@PROPERTY
@given(dockerfiles())
def test_generated_matches_buildkit(text):
    assert_same(text)


# -- files BuildKit rejects --------------------------------------------------------------

BREAKERS = (
    "ENV MODEL_DIR",  # ENV must have two arguments
    "LABEL a=1 b",  # can't find =
    'CMD ["serve", 8080]',  # JSON array of non-strings
    "RUN <<EOF",  # unterminated heredoc, when nothing below closes it
    "# escape=x",  # invalid escape token (a directive only at the top)
)


@st.composite
def broken_dockerfiles(draw) -> str:
    """A valid file with one line dropped, or one breaking line inserted."""
    lines = draw(dockerfiles()).split("\n")
    at = draw(st.integers(0, len(lines)))
    if draw(st.booleans()) and at < len(lines):
        del lines[at]
    else:
        lines.insert(at, draw(st.sampled_from(BREAKERS)))
    return "\n".join(lines)


def agree_or_fail_with_one_finding(text: str) -> None:
    """Same instructions as BuildKit, or one ML000 where BuildKit (or its later checks) fail."""
    try:
        expected = oracle(text)
    except dockerfile.GoParseError:
        expected = None
    try:
        got = ours(text)
    except ParseError as e:
        assert expected is None or any(p in e.message for p in POST_PARSE_ERRORS), e.message
        assert_one_ml000(text)
        return
    assert got == expected


@PROPERTY
@given(broken_dockerfiles())
def test_mutated_files_agree_or_fail_with_one_finding(text):
    agree_or_fail_with_one_finding(text)


def assert_one_ml000(text: str) -> None:
    result = Result()
    found = Linter(Options(select=["ML000"])).lint_text(text, "Dockerfile", result)
    assert not result.errors
    assert [f.rule for f in found] == ["ML000"]
    assert 1 <= found[0].line <= max(1, len(text.splitlines()))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# just a comment\n",
        "FROM python:3.11\nENV MODEL_DIR\n",
        "FROM python:3.11\nLABEL a=1 b\n",
        'FROM python:3.11\nCMD ["serve", 8080]\n',
        "FROM python:3.11\nRUN <<EOF\npip install torch\n",
        "# escape=x\nFROM python:3.11\n",
        "# escape=`\n# escape=\\\nFROM python:3.11\n",
    ],
)
def test_buildkit_rejects_and_mldocklint_reports_one_ml000(text):
    with pytest.raises(dockerfile.GoParseError):
        dockerfile.parse_string(text)
    assert_one_ml000(text)


EDGE_CASES = [
    "FROM a\nRUN echo '<<EOF'\n",
    'FROM a\nRUN echo "<<EOF"\n',
    'FROM a\nRUN cat <<E"O"F\nhi $x\nEOF\n',
    "FROM a\nRUN 2<<EOF cat\nhi\nEOF\n",
    'FROM a\nRUN ["cat", "<<EOF"]\nEOF\n',
    "FROM a\nRUN echo a \\\n <<EOF cat\nhi\nEOF\n",
    "FROM a\nRUN <<-EOF\n\t\thi\n  \tEOF\n\tEOF\n",
    "FROM a\nRUN <<EOF\nhi\n EOF\nEOF \nEOF\n",
    "FROM a\nRUN <<EOF <<EOF\nx\nEOF\ny\nEOF\n",
    "FROM a\nRUN <<''\nx\n\n",
    "FROM a\nRUN <<EOF bash \\\n  && echo\nhi\nEOF\n",
    "FROM a\nRUN <<EOF\r\nx\r\nEOF",
    "FROM a\nADD <<EOF /x\nx\nEOF",
    "FROM a\nONBUILD RUN <<EOF\nhi\nEOF\n",
    "# Syntax = x\nFROM a\n",
    "#escape=`\nFROM a\nRUN echo `\n  hi\n",
    "# hello\n# escape=`\nFROM a\nRUN echo `\n  hi\n",
    "\n# escape=`\nFROM a\nRUN echo `\n  hi\n",
    "# escape = `\nFROM a\n",
    "# escape=`\n\nFROM a\nRUN echo `\n  hi\n",
    "\ufeff# escape=`\nFROM a\nRUN a `\n b\n",
    "FROM a\nRUN echo \\\\\nRUN b\n",
    "FROM a\nRUN echo \\\n\\\n\\\n  hi\n",
    "FROM a\nRUN echo \\",
    "FROM a\nRUN echo \\ \t \n  hi\n",
    "FROM a\r\nRUN echo \\\r\n  hi\r\n",
    "FROM a\nrun \\\n  # c\n  echo\n",
    "FROM a\nENV A=a\\ b C=\"x\\\"y\" D='q r'\n",
    "FROM a\nENV A a\\ b  c\n",
    "FROM a\nENV A=\u00a0b\n",
    "FROM a\nLABEL \"a b\"=\"c d\" e=f\n",
    "FROM a\nARG A B=\"c d\" E='f'\n",
    'FROM a\nCMD ["a\\u00e9", "b\\"c"]\n',
    "FROM a\nCMD ['a']\n",
    "FROM a\nCMD [NaN]\n",
    'FROM a\nCMD ["a"]   \n',
    "FROM a\nRUN\techo\thi \n",
    'FROM a\nCOPY --chown="a b" x y\n',
    "FROM a\nCOPY --from=x -- --y z\n",
    "FROM a\nCOPY - x y\n",
    "FROM a\nEXPOSE 80\t 90\n",
    'FROM a\nHEALTHCHECK  cmd   ["a"] \n',
    'FROM a\nVOLUME ["/a", 1]\n',
    "FROM a\nENV =x\n",
    "FROM a\nLABEL a=b=c\n",
    "FROM a\rRUN x\n",
    "FROM a\n\x0bRUN y\n",
    "FROM a\nRUN " + "x" * 65531 + "\n",  # 65535 bytes: the longest line BuildKit reads
    "FROM a\nRUN " + "x" * 65532 + "\n",
    "FROM a\nRUN " + "é" * 32766 + "\n",  # bytes count, not characters
    "FROM a\nRUN " + "x" * 65530 + "\r\n",  # and the CR
    "\ufeffFROM " + "x" * 65530 + "\n",  # and the BOM
    "FROM a\nRUN <<EOF\n" + "x" * 70000 + "\nEOF\n",
]


@pytest.mark.parametrize("text", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_edge_case_agrees_with_buildkit(text):
    agree_or_fail_with_one_finding(text)


CURRENT_BUILDKIT = [
    ('FROM a\nCMD ["a"] x\n', ("CMD", None, False, (), ('["a"] x',), 2, 2, ())),
]


@pytest.mark.parametrize("text, instruction", CURRENT_BUILDKIT)
def test_differs_from_the_packaged_buildkit_as_current_buildkit_does(text, instruction):
    assert ours(text)[-1] == instruction
    assert oracle(text)[-1] != instruction
