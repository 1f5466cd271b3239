"""Inline suppressions, file- and stage-wide pragmas, ML900 and per-file ignores."""

from __future__ import annotations

from helpers import findings

RULES = ["ML302", "ML303", "ML900"]


def found(src, **kw):
    """(rule, line, column, suppressed) for every finding, suppressed ones included."""
    return [(f.rule, f.line, f.column, f.suppressed) for f in findings(src, RULES, inline_suppressions=True, **kw)]


def test_pragma_on_the_line_before_an_instruction():
    assert found("""
        FROM python:3.11-slim
        USER 1000
        # mldocklint: ignore=ML303 -- the command expands $PORT
        CMD python app.py --port $PORT
    """) == [("ML303", 4, 1, "the command expands $PORT")]


def test_pragma_lines_stack_and_accept_slugs_and_no_reason():
    assert found("""
        FROM python:3.11-slim
        # mldocklint: ignore=root-user
        # mldocklint: ignore=shell-form-cmd -- legacy
        USER root
        CMD python app.py
    """) == [("ML900", 3, 1, None), ("ML302", 4, 1, ""), ("ML303", 5, 1, None)]


def test_pragma_covers_a_multi_line_instruction_only():
    assert found("""
        FROM python:3.11-slim
        USER 1000
        # mldocklint: ignore=ML303 -- reason
        ENTRYPOINT python \\
            app.py
        CMD python other.py
    """) == [("ML303", 4, 1, "reason"), ("ML303", 6, 1, None)]


def test_global_pragma_anywhere_covers_the_file():
    assert found("""
        FROM python:3.11-slim AS base
        CMD python a.py
        FROM base
        CMD python b.py
        # mldocklint: global ignore=ML303,ML302 -- legacy service, see #12
    """) == [
        ("ML303", 2, 1, "legacy service, see #12"),
        ("ML302", 3, 1, "legacy service, see #12"),
        ("ML303", 4, 1, "legacy service, see #12"),
    ]


def test_pragma_before_from_covers_that_stage():
    assert found("""
        # mldocklint: ignore=ML303 -- debug stage
        FROM python:3.11-slim AS base
        CMD python a.py
        FROM base
        USER 1000
        CMD python b.py
    """) == [("ML303", 3, 1, "debug stage"), ("ML303", 6, 1, None)]


def test_unused_and_malformed_pragmas_are_ml900():
    got = findings("""
        # mldocklint: global ignore=ML302 -- not needed
        FROM python:3.11-slim
        USER 1000
        # mldocklint: ignore=ML303,ML302 -- stale
        CMD ["python", "app.py"]
        # mldocklint: ignore=ML999,rot-user
        # mldocklint: ignore=
        # mldocklint: disable=ML302
    """, RULES, inline_suppressions=True)
    assert [(f.rule, f.line, f.column, f.severity, f.message) for f in got] == [
        ("ML900", 1, 1, "info", "`ignore=ML302` suppresses nothing in this file; remove it"),
        ("ML900", 4, 1, "info", "`ignore=ML302` suppresses nothing on the next instruction; remove it"),
        ("ML900", 4, 1, "info", "`ignore=ML303` suppresses nothing on the next instruction; remove it"),
        ("ML900", 6, 1, "info", "unknown rule `ML999`; `mldocklint rules` lists them (in a suppression comment)"),
        ("ML900", 6, 1, "info", "unknown rule `rot-user`; did you mean `root-user`? (in a suppression comment)"),
        ("ML900", 7, 1, "info", "suppression comment names no rule; write `# mldocklint: ignore=ML302 -- reason`"),
        ("ML900", 8, 1, "info", "unrecognised mldocklint comment; write `# mldocklint: ignore=ML302 -- reason`"),
    ]
    assert got[0].end_column == len("# mldocklint: global ignore=ML302 -- not needed") + 1
    assert len({f.fingerprint for f in got}) == 7


def test_unused_check_only_counts_rules_that_ran():
    src = """
        FROM python:3.11-slim
        USER 1000
        # mldocklint: ignore=ML303
        CMD ["python", "app.py"]
    """
    assert [(f.rule, f.line) for f in findings(src, ["ML302", "ML900"], inline_suppressions=True)] == []
    assert [(f.rule, f.line) for f in findings(src, ["ML302", "ML303"], inline_suppressions=True)] == []
    assert [(f.rule, f.line) for f in findings(src, RULES, inline_suppressions=True)] == [("ML900", 3)]


def test_ml900_can_be_suppressed_and_takes_severity_overrides():
    src = """
        # mldocklint: global ignore=ML900 -- kept for the GPU build
        FROM python:3.11-slim
        USER 1000
        # mldocklint: ignore=ML303
        CMD ["python", "app.py"]
    """
    assert found(src) == [("ML900", 4, 1, "kept for the GPU build")]
    assert [f.severity for f in findings(src, RULES, inline_suppressions=True, severity={"ML900": "warning"})] == ["warning"]


def test_disabled_inline_suppressions_report_everything():
    src = """
        FROM python:3.11-slim
        # mldocklint: ignore=ML302 -- nope
        USER root
        CMD ["python", "app.py"]
    """
    assert found(src) == [("ML302", 3, 1, "nope")]
    assert [(f.rule, f.line, f.suppressed) for f in findings(src, RULES, inline_suppressions=False)] == [("ML302", 3, None)]


def test_per_file_ignores(tmp_path):
    src = "FROM python:3.11-slim\nCMD python app.py\n"
    legacy = f"{tmp_path.as_posix()}/legacy/*"
    got = lambda path, pfi: [f.rule for f in findings(src, RULES, path=path, per_file_ignores=pfi)]  # noqa: E731
    assert got(str(tmp_path / "legacy" / "Dockerfile"), {legacy: ["ML302"]}) == ["ML303"]
    assert got(str(tmp_path / "new" / "Dockerfile"), {legacy: ["ML302"]}) == ["ML302", "ML303"]
    assert got("svc/gpu.Dockerfile", {"*.Dockerfile": ["shell-form-cmd", "ML302"]}) == []
    assert got("svc/Dockerfile", {"*.Dockerfile": ["ML3"]}) == ["ML302", "ML303"]


def test_rules_never_see_pragmas():
    """A pragma changes nothing about what rules report, only whether it is suppressed."""
    src = """
        FROM python:3.11-slim
        # mldocklint: ignore=ML302 -- reason
        USER root
    """
    a = findings(src, ["ML302"], inline_suppressions=True)
    b = findings(src, ["ML302"], inline_suppressions=False)
    assert [(f.rule, f.line, f.message, f.fingerprint) for f in a] == [(f.rule, f.line, f.message, f.fingerprint) for f in b]
