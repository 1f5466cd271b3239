"""Requirements, pyproject.toml and environment.yml parsing: pins and locations."""

from mldocklint.syntax.requirements import classify, parse_environment, parse_pyproject, parse_requirements

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_classify_pins():
    assert classify("numpy==1.26.4")[1] is True
    assert classify("numpy===1.26.4")[1] is True
    assert classify("numpy==1.*")[1] is False
    assert classify("numpy>=1.0,<2")[1] is False
    assert classify('requests[socks]==2.31.0 ; python_version >= "3.8"')[:2] == ("requests", True)
    assert classify(f"git+https://github.com/o/r.git@{SHA}#egg=r")[:2] == ("r", True)
    assert classify("git+https://github.com/o/r.git@v1.0#egg=r")[:2] == ("r", False)
    assert classify(f"lib @ git+https://github.com/o/lib.git@{SHA}")[:2] == ("lib", True)
    assert classify("./local/pkg")[2] is True
    assert classify("not a requirement !!")[3] is False


def test_requirements_lines_and_columns():
    text = "# c\n-r base.txt\n  flask  # web\nnumpy==1.26.4 \\\n    --hash=sha256:ab\n-e .\n-cpins.txt\n"
    entries, includes = parse_requirements(text, "r.txt")
    assert [(e.text, e.line, e.column, e.pinned) for e in entries] == [("flask", 3, 3, False), ("numpy==1.26.4", 4, 1, True), (".", 6, 4, True)]
    assert [(i.target, i.constraint, i.line, i.column) for i in includes] == [("base.txt", False, 2, 4), ("pins.txt", True, 7, 3)]


def test_pyproject_dependencies():
    text = '[tool.x]\ndependencies = ["zzz"]\n[project]\nname = "p"\ndependencies = [\n  "a==1",\n  \'b>=2\',\n]\n'
    entries, error = parse_pyproject(text, "pyproject.toml")
    assert error is None
    assert [(e.text, e.line, e.column, e.pinned) for e in entries] == [("a==1", 6, 4, True), ("b>=2", 7, 4, False)]
    assert parse_pyproject("[project\n", "pyproject.toml")[1].startswith("not valid TOML")


def test_environment_yml():
    text = "name: x\ndependencies:\n  - numpy=1.26.4\n  - scipy==1.11.4\n  - conda-forge::pandas>=2\n  - pip\n  - pip:\n    - torch==2.1.2\n    - 'accelerate'\n"
    entries, includes, error = parse_environment(text, "environment.yml")
    assert error is None
    got = sorted((e.text, e.line, e.column, e.pinned, e.kind) for e in entries)
    assert got == [
        ("accelerate", 9, 8, False, "pip"),
        ("conda-forge::pandas>=2", 5, 5, False, "conda"),
        ("numpy=1.26.4", 3, 5, True, "conda"),
        ("scipy==1.11.4", 4, 5, True, "conda"),
        ("torch==2.1.2", 8, 7, True, "pip"),
    ]
