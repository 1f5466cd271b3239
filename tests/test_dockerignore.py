"""The .dockerignore matcher: a table of cases, and agreement with docker-py's PatternMatcher."""

import string

from hypothesis import assume, given, settings, strategies as st

from mldocklint.syntax.dockerignore import Matcher, PatternError, ignore_file_for, parse, read_patterns


def docker_py(patterns, path):
    from docker.utils.build import PatternMatcher

    return PatternMatcher(list(patterns)).matches(path)


TABLE = [
    (["data"], "data/x.csv", True),
    (["data/"], "data/sub/x.csv", True),
    (["/data"], "data/x", True),
    (["data"], "src/data/x", False),
    (["*.pyc"], "a.pyc", True),
    (["*.pyc"], "src/a.pyc", False),
    (["**/*.pyc"], "src/deep/a.pyc", True),
    (["**/*.pyc"], "a.pyc", True),
    (["*/tmp"], "a/tmp/file", True),
    (["*/tmp"], "a/b/tmp/file", False),
    (["a?c"], "abc", True),
    (["a?c"], "a/c", False),
    (["*.py[cod]"], "x.pyo", True),
    (["models/checkpoints/"], "models/checkpoints/e1.ckpt", True),
    (["models/checkpoints/"], "models/model.joblib", False),
    (["*.md", "!README.md"], "README.md", False),
    (["*.md", "!README.md"], "CHANGES.md", True),
    (["*", "!src", "src/*.tmp"], "src/a.py", False),
    (["*", "!src", "src/*.tmp"], "src/a.tmp", True),
    (["data", "!data/keep"], "data/keep/x", False),
    (["./a/../b"], "b/x", True),
    (["docs//api/"], "docs/api/x", True),
    (["  spaced  "], "spaced", True),
    (["."], "anything", False),
]


def test_table_against_docker_py():
    for patterns, path, expected in TABLE:
        assert Matcher(patterns).matches(path) is expected, (patterns, path)
        assert docker_py(patterns, path) is expected, (patterns, path)


def test_moby_cases_beyond_docker_py():
    # docker-py lower-cases names and only checks one parent; Docker is case-sensitive and
    # "**/x" excludes everything below any directory x
    assert Matcher(["Data"]).matches("data/x") is False
    assert Matcher(["**/node_modules"]).matches("a/b/node_modules/pkg/index.js") is True
    assert Matcher(["**"]).matches("x/y") is True
    assert Matcher(["a/**"]).matches("a/b/c") is True
    # the exclusion matches the parent "ac" ("?**/c" is [^/](.*/)?c), which docker-py does not check
    assert Matcher(["??", "!?**/c"]).matches("ac/a") is False
    assert Matcher([r"\*.txt"]).matches("*.txt") is True
    assert Matcher([r"\*.txt"]).matches("a.txt") is False
    assert Matcher(["foo(1).txt"]).matches("foo(1).txt") is True


def test_read_patterns():
    text = "\ufeff# comment\n  # not a comment\n\n/abs/path/\n! keep \r\ndir\\sub\n"
    assert read_patterns(text) == [(2, "# not a comment"), (4, "abs/path"), (5, "!keep"), (6, "dir\\sub")]
    assert read_patterns("dir\\sub\n", windows=True) == [(1, "dir/sub")]
    m, problems = parse("dir\\sub\n", windows=True)
    assert m.matches("dir/sub/x") is True


def test_bad_patterns_are_reported_not_fatal():
    m, problems = parse("ok\n!\n[\nfine\n", windows=False)
    assert [line for line, _ in problems] == [2, 3]
    assert m.matches("ok") and m.matches("fine")
    try:
        Matcher(["!"])
    except PatternError as e:
        assert "illegal exclusion" in str(e)
    else:
        raise AssertionError("'!' must be rejected")


def test_dockerfile_specific_ignore_file_wins(tmp_path):
    (tmp_path / ".dockerignore").write_text("a\n")
    assert ignore_file_for(str(tmp_path), str(tmp_path / "Dockerfile")) == str(tmp_path / ".dockerignore")
    (tmp_path / "Dockerfile.dockerignore").write_text("b\n")
    assert ignore_file_for(str(tmp_path), str(tmp_path / "Dockerfile")) == str(tmp_path / "Dockerfile.dockerignore")
    assert ignore_file_for(str(tmp_path), None) == str(tmp_path / ".dockerignore")


def _walk_result(m, path):
    parts = path.split("/")
    state = None
    for k in range(len(parts)):
        state = m.child("/".join(parts[: k + 1]), state)
    return state[0]


name = st.text(alphabet="abc.", min_size=1, max_size=3).filter(lambda s: s not in (".", ".."))
path = st.lists(name, min_size=1, max_size=4).map("/".join)
segment = st.text(alphabet="abc.*?", min_size=1, max_size=4).filter(lambda s: s not in (".", ".."))
pattern = st.tuples(st.sampled_from(["", "!", "/"]), st.lists(segment, min_size=1, max_size=3).map("/".join), st.sampled_from(["", "/"])).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(pattern, min_size=1, max_size=5), path)
def test_generated_cases_agree_with_docker_py(patterns, p):
    # docker-py differs from moby on "**": moby treats a leading "**" as a plain suffix match
    # (so "**a" excludes "aa"), and checks every parent directory against a pattern, where
    # docker-py only checks parents at least as deep as the pattern has segments, which "**"
    # can span. Those cases are in the moby table above.
    assume(not any("**" in x for x in patterns))
    m = Matcher(patterns)
    assert m.matches(p) == docker_py(patterns, p)
    assert _walk_result(m, p) == m.matches(p)


double = st.text(alphabet=string.ascii_lowercase[:3] + "*/", min_size=1, max_size=8).filter(lambda s: "." not in s)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), double).map(lambda t: ("!" if t[0] else "") + t[1]), min_size=1, max_size=4), path)
def test_incremental_walk_equals_direct_match(patterns, p):
    try:
        m = Matcher(patterns)
    except PatternError:
        return
    assert _walk_result(m, p) == m.matches(p)
