"""Unit tests of ``mldocklint.syntax.dockerfile.parse``, one feature at a time.

What BuildKit's parser gives for the same text is checked in test_parser_oracle.py; these
tests pin the parts BuildKit has no counterpart for (columns, stages, ARG substitution)
and read as examples of each feature.
"""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st
from helpers import findings

from mldocklint.syntax.dockerfile import MAX_LINE_BYTES, ParseError, parse


def instr(text: str, index: int = -1):
    return parse(text).instructions[index]


def error(text: str) -> tuple[int, int, str]:
    with pytest.raises(ParseError) as e:
        parse(text)
    return e.value.line, e.value.column, e.value.message


# -- heredocs ---------------------------------------------------------------------------


def test_run_heredoc_is_one_instruction_with_its_body():
    df = parse("FROM python:3.11\nRUN <<EOF\npip install torch==2.3.0\nEOF\nCMD [\"python\"]\n")
    run = df.instructions[1]
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "CMD"]
    assert (run.value, run.line, run.end_line) == (("<<EOF",), 2, 4)
    [doc] = run.heredocs
    assert (doc.name, doc.content, doc.chomp, doc.expand, doc.fd, doc.line) == ("EOF", "pip install torch==2.3.0\n", False, True, 0, 3)


def test_dash_heredoc_ends_at_a_tab_indented_terminator_and_keeps_the_tabs():
    run = instr("FROM a\nRUN <<-EOT bash\n\tpip install numpy\n\tEOT\n")
    [doc] = run.heredocs
    # BuildKit strips the tabs when it builds; the parser keeps the body as written.
    assert (doc.name, doc.chomp, doc.content, run.end_line) == ("EOT", True, "\tpip install numpy\n", 4)


def test_tab_indented_terminator_does_not_end_a_plain_heredoc():
    run = instr("FROM a\nRUN <<EOF\n\tEOF\nEOF\n")
    assert (run.heredocs[0].content, run.end_line) == ("\tEOF\n", 4)


def test_quoted_heredoc_name_is_not_expanded():
    docs = instr("FROM a\nRUN <<'EOF' sh && <<\"EOT\" sh && <<E\"N\"D sh\n$A\nEOF\n$B\nEOT\n$C\nEND\n").heredocs
    assert [(d.name, d.expand, d.content) for d in docs] == [("EOF", False, "$A\n"), ("EOT", False, "$B\n"), ("END", False, "$C\n")]


def test_several_heredocs_on_one_line_read_in_order():
    run = instr("FROM a\nRUN <<A bash && 3<<B python3\necho a\nA\nprint('b')\nB\nRUN echo after\n", 1)
    assert [(d.name, d.fd, d.line, d.content) for d in run.heredocs] == [("A", 0, 3, "echo a\n"), ("B", 3, 5, "print('b')\n")]
    assert (run.line, run.end_line) == (2, 6)


def test_copy_heredoc_with_destination():
    copy = instr("FROM a\nCOPY --chmod=0644 <<EOF /app/config.toml\n[model]\nEOF\n")
    assert (copy.flags, copy.value, copy.heredocs[0].content) == (("--chmod=0644",), ("<<EOF", "/app/config.toml"), "[model]\n")


def test_heredoc_marker_in_quotes_or_exec_form_is_not_a_heredoc():
    assert instr("FROM a\nRUN echo '<<EOF'\n").heredocs == ()
    assert instr('FROM a\nRUN ["cat", "<<EOF"]\n').heredocs == ()


def test_heredoc_body_last_line_without_newline():
    run = instr("FROM a\nRUN <<EOF\necho hi\nEOF")
    assert (run.heredocs[0].content, run.end_line, run.end_column) == ("echo hi\n", 4, 4)


# -- continuations ----------------------------------------------------------------------


def test_comments_and_blank_lines_inside_a_continuation():
    text = "FROM a\nRUN apt-get update \\\n    # refresh the index first\n\n    && apt-get install -y curl\nUSER app\n"
    run = instr(text, 1)
    assert (run.value, run.line, run.end_line) == (("apt-get update     && apt-get install -y curl",), 2, 5)
    assert instr(text).line == 6
    assert parse(text).comments == ((3, "refresh the index first"),)


def test_trailing_whitespace_after_the_escape_still_continues():
    run = instr("FROM a\nRUN pip install torch \\ \t\n    numpy\n")
    assert (run.value, run.end_line) == (("pip install torch     numpy",), 3)


def test_double_backslash_is_not_a_continuation():
    df = parse("FROM a\nRUN echo \\\\\nRUN b\n")
    assert [(i.value, i.line) for i in df.instructions[1:]] == [(("echo \\\\",), 2), (("b",), 3)]


def test_continuation_at_end_of_file():
    run = instr("FROM a\nRUN echo \\")
    assert (run.value, run.line, run.end_line) == (("echo",), 2, 2)


# -- directives and encodings -----------------------------------------------------------


def test_escape_directive_backtick_keeps_windows_paths():
    df = parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY model.onnx C:\\app\\\nWORKDIR C:\\app\nRUN dir `\n    C:\\app\n")
    assert df.escape == "`"
    assert df.directives == {"escape": "`"}
    assert [i.value for i in df.instructions[1:]] == [("model.onnx", "C:\\app\\"), ("C:\\app",), ("dir     C:\\app",)]
    assert df.instructions[-1].end_line == 6


def test_escape_directive_only_counts_at_the_top():
    df = parse("# a comment\n# escape=`\nFROM a\nRUN echo \\\n  hi\n")
    assert (df.escape, df.directives) == ("\\", {})
    assert df.instructions[-1].value == ("echo   hi",)


def test_syntax_directive_is_recorded_and_not_a_comment():
    df = parse("# syntax=docker/dockerfile:1.7\n# the base\nFROM python:3.11\n")
    assert df.directives == {"syntax": "docker/dockerfile:1.7"}
    assert df.comments == ((2, "the base"),)


def test_crlf_line_endings():
    df = parse("FROM a\r\nRUN pip install \\\r\n    torch\r\nCMD python serve.py\r\n")
    assert [(i.value, i.line, i.end_line, i.end_column) for i in df.instructions] == [
        (("a",), 1, 1, 7),
        (("pip install     torch",), 2, 3, 10),
        (("python serve.py",), 4, 4, 20),
    ]


def test_utf8_bom_is_dropped():
    df = parse("\ufeffFROM python:3.11\n")
    assert (df.instructions[0].keyword, df.instructions[0].column, df.stages[0].base) == ("FROM", 1, "python:3.11")


def test_no_trailing_newline():
    cmd = instr("FROM a\nCMD [\"serve\"]")
    assert (cmd.value, cmd.exec_form, cmd.line, cmd.end_column) == (("serve",), True, 2, 14)


def test_lowercase_keywords():
    df = parse("from python:3.11 as Base\nrun pip install flask\nCopy . /app\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "COPY"]
    assert df.stages[0].name == "base"


def test_unicode_values():
    env = instr('FROM a\nENV MESSAGE="modèle prêt ✓" LANG=C.UTF-8\n')
    assert env.value == ("MESSAGE", '"modèle prêt ✓"', "LANG", "C.UTF-8")


# -- forms, flags and positions ---------------------------------------------------------


def test_flags_are_split_from_arguments():
    run = instr("FROM a\nRUN --mount=type=cache,target=/root/.cache/pip --network=host pip install -r requirements.txt\n")
    assert run.flags == ("--mount=type=cache,target=/root/.cache/pip", "--network=host")
    assert run.flag("mount") == "type=cache,target=/root/.cache/pip"
    assert run.rest == "pip install -r requirements.txt"
    copy = instr("FROM a AS builder\nFROM b\nCOPY --from=builder --chown=app:app --link /opt/venv /opt/venv\n")
    assert (copy.flag("from"), copy.flag("chown"), copy.flag("link"), copy.value) == ("builder", "app:app", "", ("/opt/venv", "/opt/venv"))


def test_exec_and_shell_form():
    df = parse('FROM a\nCMD ["uvicorn", "app:app"]\nENTRYPOINT python serve.py\nCMD ["a"] trailing text\n')
    assert [(i.exec_form, i.value) for i in df.instructions[1:]] == [
        (True, ("uvicorn", "app:app")),
        (False, ("python serve.py",)),
        (False, ('["a"] trailing text',)),  # BuildKit needs the whole text to be one JSON array
    ]


def test_lines_and_columns_are_one_based_with_exclusive_end():
    df = parse("FROM a\n\n  RUN echo one \\\n    two\n")
    run = df.instructions[1]
    assert (run.line, run.column, run.end_line, run.end_column) == (3, 3, 4, 8)
    assert df.text[run.start : run.end] == "RUN echo one \\\n    two"


# -- stages and ARG substitution --------------------------------------------------------


def test_stages_have_index_name_base_and_their_instructions():
    df = parse("FROM python:3.11 AS Builder\nRUN pip wheel .\nFROM python:3.11-slim\nCOPY --from=builder /w /w\n")
    assert [(s.index, s.name, s.base, s.parent, len(s.instructions)) for s in df.stages] == [(0, "builder", "python:3.11", None, 2), (1, None, "python:3.11-slim", None, 2)]
    assert [i.stage for i in df.instructions] == [0, 0, 1, 1]
    assert df.stages[1].label == "1"


def test_from_a_stage_name_resolves_to_that_stage():
    df = parse("FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS builder\nFROM BUILDER AS final\n")
    final = df.stages[1]
    assert (final.base, final.parent) == ("BUILDER", 0)
    assert df.root_base(final) == "nvidia/cuda:12.1.1-devel-ubuntu22.04"


@pytest.mark.parametrize(
    "text, base",
    [
        ("ARG BASE=python:3.11-slim\nFROM ${BASE}\n", "python:3.11-slim"),
        ("ARG BASE=python:3.11-slim\nFROM $BASE\n", "python:3.11-slim"),
        ('ARG BASE="pytorch/pytorch:2.3.0"\nFROM $BASE\n', "pytorch/pytorch:2.3.0"),
        ("ARG BASE\nFROM ${BASE:-python:3.11}\n", "python:3.11"),
        ("ARG BASE=ubuntu:22.04\nFROM ${BASE:-python:3.11}\n", "ubuntu:22.04"),
        ("ARG CUDA=12.1.1\nARG BASE=nvidia/cuda:${CUDA}-runtime\nFROM $BASE\n", "nvidia/cuda:12.1.1-runtime"),
        ("FROM --platform=$BUILDPLATFORM python:3.11\n", "python:3.11"),
        ("FROM ${UNSET:-python:3.12}\n", "python:3.12"),
    ],
)
def test_arg_defaults_are_substituted_in_from(text, base):
    stage = parse(text).stages[0]
    assert stage.base == base
    assert stage.base_raw == text.splitlines()[-1].split()[-1]


def test_build_args_override_arg_defaults():
    df = parse("ARG BASE=python:3.11\nFROM ${BASE}\n", build_args={"BASE": "python:3.12-slim"})
    assert (df.stages[0].base, df.global_args) == ("python:3.12-slim", {"BASE": "python:3.12-slim"})


def test_platform_flag_on_from():
    assert parse("FROM --platform=linux/arm64 python:3.11 AS x\n").stages[0].platform == "linux/arm64"


# -- what BuildKit refuses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", (1, 1, "file with no instructions")),
        ("# only a comment\n\n", (2, 1, "file with no instructions")),
        ("FROM a\nENV MODEL_DIR\n", (2, 1, "ENV must have two arguments")),
        ("FROM a\n  LABEL a=1 b\n", (2, 3, 'Syntax error - can\'t find = in "b". Must be of the form: name=value')),
        ('FROM a\nCMD ["serve", 8080]\n', (2, 1, "when using JSON array syntax, arrays must be comprised of strings only")),
        ("FROM a\nRUN <<EOF\npip install torch\n", (2, 1, "unterminated heredoc")),
        ("# escape=x\nFROM a\n", (1, 1, "invalid escape token 'x' does not match ` or \\")),
        ("# syntax=a\n# syntax=b\nFROM a\n", (2, 1, "only one syntax parser directive can be used")),
        ("FROM a\nINSTALL torch\n", (2, 1, "unknown instruction: INSTALL")),
        ("RUN pip install torch\n", (1, 1, "no build stage in current context")),
        ("FROM a b\n", (1, 1, "FROM requires either one or three arguments")),
        ("FROM a\nCOPY requirements.txt\n", (2, 1, "COPY requires at least two arguments, but only one was provided. Destination could not be determined")),
        ("FROM a\nONBUILD FROM b\n", (2, 1, "FROM isn't allowed as an ONBUILD trigger")),
    ],
)
def test_parse_errors_name_their_line(text, expected):
    assert error(text) == expected


def test_parse_error_is_one_ml000_finding():
    [f] = findings("FROM python:3.11\nRUN <<EOF\npip install flask\n")
    assert (f.rule, f.line, f.column, f.message) == ("ML000", 2, 1, "unterminated heredoc")


# -- BuildKit's line size limit -----------------------------------------------------------


def test_longest_line_buildkit_reads_is_parsed():
    run = instr("FROM a\nRUN " + "x" * (MAX_LINE_BYTES - 4) + "\n")
    assert len(run.value[0]) == MAX_LINE_BYTES - 4


@pytest.mark.parametrize(
    "text",
    [
        "FROM a\nRUN " + "x" * (MAX_LINE_BYTES - 3) + "\nUSER app\n",
        "FROM a\nRUN " + "é" * (MAX_LINE_BYTES // 2 - 1) + "\n",  # UTF-8 bytes are counted
        "FROM a\nRUN " + "x" * (MAX_LINE_BYTES - 4) + "\r\n",  # and the CR
    ],
)
def test_longer_line_is_a_parse_error_naming_the_limit(text):
    assert error(text) == (2, 1, "line longer than 65535 bytes, the most BuildKit reads in one line")


def test_ten_megabyte_line_is_a_parse_error():
    text = "FROM python:3.11\nRUN echo " + "x" * 10_000_000 + "\n"
    line, _, message = error(text)
    assert (line, message) == (2, "line longer than 65535 bytes, the most BuildKit reads in one line")


def test_long_line_before_any_instruction_means_no_instructions():
    assert error("#" + "x" * MAX_LINE_BYTES + "\nFROM a\n") == (1, 1, "file with no instructions")


def test_long_line_in_a_heredoc_leaves_it_unterminated():
    assert error("FROM a\nRUN <<EOF\n" + "x" * (MAX_LINE_BYTES + 1) + "\nEOF\n") == (2, 1, "unterminated heredoc")


@pytest.mark.parametrize(
    "rest",
    [
        '["a", "b c"]',
        '[ "a" ,\t"b" ]\r\n',
        "[]",
        '[ ]',
        '["é", "日本"]',
        '["a\\"b"]',  # an escape: read by json
        '["a\\u0041"]',
        '["tab\there"]',  # a raw control character: not JSON
        '["a",]',
        '["a" "b"]',
        '["a"] x',
        '[1, "a"]',
        '["a", ["b"]]',
        '["a"\x0b]',  # not JSON whitespace
    ],
)
def test_exec_form_reads_json_arrays_as_json_does(rest):
    """Plain arrays of strings are read without the json module, with json's result."""
    import json

    from mldocklint.syntax.dockerfile import _json_list, _JSONNotStrings

    try:
        expected = json.loads(rest)
    except ValueError:
        expected = None
    if isinstance(expected, list) and not all(isinstance(x, str) for x in expected):
        with pytest.raises(_JSONNotStrings):
            _json_list(rest)
    else:
        assert _json_list(rest) == (tuple(expected) if isinstance(expected, list) else None)


@given(st.lists(st.text(), max_size=4), st.sampled_from(["", " ", "\t", "\n ", "\r\n"]))
def test_any_json_array_of_strings_is_read_back(words, ws):
    import json

    from mldocklint.syntax.dockerfile import _json_list

    text = "[" + ws + ("," + ws).join(json.dumps(w, ensure_ascii=False) for w in words) + ws + "]"
    assert _json_list(text) == tuple(words)
