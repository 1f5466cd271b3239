"""Context rules on fixture trees under fixtures/contexts/ and on trees built in tmp_path."""

import os
import subprocess
import sys

import pytest

from mldocklint.engine import Linter, Options, Result

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTEXTS = os.path.join(ROOT, "fixtures", "contexts")


def run(dockerfile, select, context=None, **options):
    result = Result()
    Linter(Options(select=[select], inline_suppressions=False, context=context, **options)).lint_file(dockerfile, result)
    assert not result.errors, result.errors
    return sorted((f.rule, f.path, f.line, f.column) for f in result.findings)


@pytest.fixture
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def case(name):
    return os.path.join("fixtures", "contexts", name, "Dockerfile")


def test_textbook_project_is_clean(in_root):
    assert run(case("textbook"), "ML") == [r for r in run(case("textbook"), "ML") if not r[0].startswith(("ML2", "ML5"))]
    for rule in ("ML201", "ML204", "ML501", "ML502", "ML503", "ML504", "ML505"):
        assert run(case("textbook"), rule) == [], rule


def test_unpinned_requirement_every_source(in_root):
    d = "fixtures/contexts/requirements/"
    assert run(case("requirements"), "ML201") == [
        ("ML201", d + "env/environment.yml", 5, 5),
        ("ML201", d + "pyproject.toml", 6, 4),
        ("ML201", d + "reqs/base.txt", 3, 3),
        ("ML201", d + "reqs/extra.txt", 1, 1),
        ("ML201", d + "reqs/prod.txt", 4, 1),
    ]


def test_unpinned_requirement_one_finding_per_file(in_root):
    d = "fixtures/contexts/requirements/"
    result = Result()
    Linter(Options(select=["ML201"], inline_suppressions=False)).lint_file(case("requirements"), result)
    got = {f.path: f.message for f in result.findings}
    assert got[d + "reqs/prod.txt"] == "2 entries in " + d + "reqs/prod.txt are not pinned to one version: `pandas>=2.0`, `git+https://github.com/org/lib.git@main#egg=lib`; pin them with `==`"
    assert got[d + "pyproject.toml"] == (
        "the image installs " + d + "pyproject.toml's dependencies from ranges (`uvicorn>=0.20`) without a lock or constraints file; "
        "install with a constraints file (`pip install -c constraints.txt .`) or from a lock (`uv sync --locked`, `poetry install`)"
    )


def test_unpinned_requirement_path_is_relative_to_cwd(monkeypatch):
    monkeypatch.chdir(os.path.join(CONTEXTS, "requirements"))
    found = run("Dockerfile", "ML201")
    assert ("ML201", "reqs/prod.txt", 4, 1) in found


def test_missing_requirements_includes(in_root):
    d = "fixtures/contexts/requirements/"
    assert run(case("requirements"), "ML204") == [("ML204", d + "reqs/prod.txt", 7, 4), ("ML204", d + "reqs/prod.txt", 8, 4)]


def test_missing_requirements_file_in_run(in_root):
    assert run(case("broken"), "ML204") == [("ML204", "fixtures/contexts/broken/Dockerfile", 5, 35)]


def test_copy_ignored_file_and_ignore_file_precedence(in_root):
    # Dockerfile.dockerignore (secrets/) wins over .dockerignore (*.yaml): config.yaml is sent
    df = "fixtures/contexts/broken/Dockerfile"
    assert run(case("broken"), "ML504") == [("ML504", df, 3, 6), ("ML504", df, 4, 6), ("ML504", df, 7, 6)]


def test_missing_dockerignore(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /app\n")
    found = run(str(tmp_path / "Dockerfile"), "ML501")
    assert [(r, line, col) for r, _, line, col in found] == [("ML501", 1, 1)]
    (tmp_path / "Dockerfile.dockerignore").write_text("data/\n")
    assert run(str(tmp_path / "Dockerfile"), "ML501") == []


def _tree(tmp_path, dockerfile, ignore, files):
    (tmp_path / "Dockerfile").write_text(dockerfile)
    if ignore is not None:
        (tmp_path / ".dockerignore").write_text(ignore)
    for rel, size in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "wb") as fh:
            if size:
                fh.truncate(size)  # sparse: no disk space used
    return str(tmp_path / "Dockerfile")


def _at(found):
    return [(r, line, col) for r, _, line, col in found]


def test_dockerignore_gap(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\nCOPY models/model.onnx /m/\nCOPY . /app\n", "__pycache__/\n", {
        ".git/HEAD": 10, ".venv/pyvenv.cfg": 10, ".venv/lib/torch.so": 1_000_000, "src/__pycache__/a.pyc": 2_000_000,
        "data/train.parquet": 3_000_000, "models/model.onnx": 2_000_000, "ckpt/epoch1.pt": 12_000_000, "big.csv": 2_000_000, "small.csv": 10,
        "wandb/run/log": 2_000_000, "app.py": 10,
    })
    found = Linter(Options(select=["ML502"], inline_suppressions=False)).lint_text(open(df).read(), "Dockerfile", Result(), str(tmp_path))
    msgs = sorted(f.message for f in found)
    assert [(f.line, f.column) for f in found] == [(1, 1)] * 6
    assert msgs[0].startswith("datasets sent with the build context but not excluded (5.0 MB): data (3.0 MB), big.csv (2.0 MB)")
    assert msgs[1].startswith("experiment runs") and "wandb" in msgs[1]
    assert msgs[2].startswith("git sent") and ".git (10 B)" in msgs[2]
    # models/model.onnx is named by a COPY: only the unused checkpoint is reported
    assert msgs[3].startswith("model files sent with the build context but not excluded (12.0 MB): ckpt/epoch1.pt (12.0 MB);")
    # "__pycache__/" in .dockerignore only matches at the root
    assert msgs[4].startswith("pycache sent with the build context but not excluded (2.0 MB): src/__pycache__ (2.0 MB); add **/__pycache__/")
    assert msgs[5].startswith("virtualenv sent") and ".venv (" in msgs[5]


def test_dockerignore_gap_silent_when_excluded(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\nCOPY . /app\n", ".git\n.venv\ndata/\n", {".git/HEAD": 10, ".venv/pyvenv.cfg": 10, "data/x.csv": 4_000_000})
    assert run(df, "ML502") == []


def test_large_context(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\nCOPY app.py /app/\n", "skip/\n", {"weights/a.bin": 400_000_000, "weights/b.bin": 200_000_000, "skip/huge": 2_000_000_000, "app.py": 10})
    assert _at(run(df, "ML503")) == [("ML503", 1, 1)]
    assert run(df, "ML503", rule_options={"ML503": {"max-mb": 700}}) == []


def test_large_baked_model(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\nWORKDIR /app\nCOPY --chown=1000 models/ ./models/\nCOPY small.pt ./\n", None, {"models/llm.safetensors": 3_000_000_000, "small.pt": 10})
    assert _at(run(df, "ML505")) == [("ML505", 3, 19)]
    assert run(df, "ML505", rule_options={"ML505": {"max-gb": 4}}) == []


def test_large_baked_model_excluded_files_do_not_count(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\nCOPY models/ /m/\n", "models/*.bin\n", {"models/big.bin": 3 << 30, "models/cfg.json": 10})
    assert run(df, "ML505") == []


def test_copy_ignored_glob_and_exception(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\nCOPY *.joblib /m/\nCOPY keep.txt notes.txt /d/\n", "*.joblib\n*.txt\n!keep.txt\n", {"model.joblib": 10, "keep.txt": 1, "notes.txt": 1})
    assert _at(run(df, "ML504")) == [("ML504", 2, 6), ("ML504", 3, 15)]


def test_copy_from_stage_and_heredoc_ignored(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim AS b\nRUN true\nFROM b\nCOPY --from=b /nothing /x\nCOPY <<EOF /etc/x\nhi\nEOF\nADD https://example.com/a.txt /a\n", "", {})
    assert run(df, "ML504") == []


def test_symlinks_loops_and_outside(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\nCOPY . /app\n", "", {"a/file": 1})
    os.symlink(str(tmp_path / "a"), str(tmp_path / "a" / "loop"))
    os.symlink("/etc", str(tmp_path / "out"))
    from mldocklint import context
    from mldocklint.syntax.dockerfile import parse

    ctx = context.load(parse(open(df).read(), "Dockerfile"), str(tmp_path), df, Options())
    assert sorted(ctx.symlinks) == ["a/loop", "out"]
    assert [p.path for p in ctx.problems if p.kind == "symlink"] == ["out"]
    assert "a/loop/file" not in ctx.files


def test_walk_cap_sets_truncated(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\n", None, {f"f{k}": 0 for k in range(50)})
    from mldocklint import context
    from mldocklint.syntax.dockerfile import parse

    ctx = context.load(parse(open(df).read(), "Dockerfile"), str(tmp_path), df, Options(), limit=10)
    assert ctx.truncated and len(ctx.files) == 10


def test_container_path_mapping(tmp_path):
    from mldocklint import context
    from mldocklint.syntax.dockerfile import parse

    src = "FROM python:3.11-slim\nCOPY requirements.txt .\nWORKDIR /app\nCOPY requirements.txt .\nCOPY reqs/ /tmp/reqs/\nCOPY a.txt b.txt /many/\nRUN pip install -r requirements.txt\n"
    df_path = _tree(tmp_path, src, None, {"requirements.txt": 1, "reqs/prod.txt": 1, "a.txt": 1, "b.txt": 1})
    df = parse(src, "Dockerfile")
    ctx = context.load(df, str(tmp_path), df_path, Options())
    instrs = list(df.stages[0].instructions)
    run_ = instrs[-1]
    m = lambda p: (lambda hit: hit and (hit[0], hit[1].line))(context.container_to_context(ctx, context.Layout(instrs), run_, p))
    assert m("requirements.txt") == ("requirements.txt", 4)
    assert m("/requirements.txt") == ("requirements.txt", 2)
    assert m("/tmp/reqs/prod.txt") == ("reqs/prod.txt", 5)
    assert m("/many/b.txt") == ("b.txt", 6)
    assert m("/etc/passwd") is None


def test_bad_context_dir_is_one_error(tmp_path):
    df = _tree(tmp_path, "FROM python:3.11-slim\n", None, {})
    result = Result()
    Linter(Options(select=["ML501"], context=str(tmp_path / "nope"))).lint_file(df, result)
    assert len(result.errors) == 1 and "is not a directory" in result.errors[0][1]


def test_cli_context_option(tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "requirements.txt").write_text("flask\n")
    (ctx / ".dockerignore").write_text(".git\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mldocklint", "check", "--isolated", "--select", "ML201,ML501,ML504", "--context", "ctx", "Dockerfile"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == ["ctx/requirements.txt:1:1: ML201 unpinned-requirement `flask` in ctx/requirements.txt is not pinned to one version; pin it with `==`"]
    # without --context the Dockerfile's folder is only assumed: no "the build fails"
    proc = subprocess.run([sys.executable, "-m", "mldocklint", "check", "--isolated", "--select", "ML504", "Dockerfile"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "Dockerfile:2:6: ML504 copy-ignored-file `requirements.txt` is not in the assumed context .; if the image is built from another directory, set it with --context or [tool.mldocklint.contexts]"
    ]


def test_pip_install_no_deps_does_not_read_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\ndependencies = ["flask"]\n')
    (tmp_path / ".dockerignore").write_text(".git\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /src\nRUN pip install --no-cache-dir --no-deps /src\n")
    from helpers import findings

    got = [(f.rule, f.path) for f in findings((tmp_path / "Dockerfile").read_text(), "ML201", context_dir=str(tmp_path))]
    assert got == []
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /src\nRUN pip install --no-cache-dir /src\n")
    got = [(f.rule, f.line, f.column) for f in findings((tmp_path / "Dockerfile").read_text(), "ML201", context_dir=str(tmp_path))]
    assert got == [("ML201", 4, 18)]  # the name inside the quotes


def test_copy_of_symlink_leaving_the_context_is_reported_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pt").write_text("weights")
    ctx = tmp_path / "ctx"
    (ctx / "models").mkdir(parents=True)
    (ctx / "models" / "model.pt").symlink_to(outside / "secret.pt")
    (ctx / ".dockerignore").write_text(".git\n")
    src = "FROM python:3.11-slim\nCOPY models/ /app/models/\nCOPY .dockerignore /tmp/\n"
    from helpers import findings

    got = [(f.rule, f.line, f.column, f.message) for f in findings(src, "ML504", context_dir=str(ctx))]
    assert got == [("ML504", 2, 6, "`models/model.pt` is a symlink to a path outside the build context; Docker copies the link, not its target")]


def test_dockerignore_gap_keeps_the_model_a_whole_context_copy_brings(tmp_path):
    # the chapter's first layout: `COPY . .` is how model.joblib reaches the app
    df = _tree(tmp_path, "FROM python:3.11-slim\nCOPY . /app\n", ".git\n", {"model.joblib": 10, "app.py": 10, "requirements.txt": 10})
    assert run(df, "ML502") == []
