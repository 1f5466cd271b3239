"""The build context each Dockerfile is built with, found in the repository's files; and the
context rules that depend on it (assumed vs known context, ML506 secret files)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from mldocklint.engine import Linter, Options, Result
from mldocklint.fix import run as fix_run

ASSUMED = "; if the image is built from another directory, set it with --context or [tool.mldocklint.contexts]"


def tree(root, files: dict[str, str]):
    """Write ``files`` (path -> text, dedented) under ``root``; a `.git/` makes it a repository."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    (root / ".git").mkdir(exist_ok=True)


def lint(root, monkeypatch, dockerfile, select="ML204,ML501,ML502,ML504,ML506", **options):
    """(context, context_source) reported for ``dockerfile`` and its findings, run from ``root``."""
    monkeypatch.chdir(root)
    result = Linter(Options(select=[select], inline_suppressions=False, **options)).lint_files([dockerfile])
    assert not result.errors, result.errors
    info = result.file_info[dockerfile]
    return (info["context"], info["context_source"]), sorted((f.rule, f.path, f.line, f.column, f.message) for f in result.findings)


GPU_DOCKERFILE = """
    FROM python:3.11-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY src/ ./src/
    CMD ["python", "src/app.py"]
"""
MONOREPO = {
    "docker/cuda/Dockerfile": GPU_DOCKERFILE,
    "requirements.txt": "flask==3.0.3\n",
    "src/app.py": "print('hi')\n",
    ".dockerignore": ".git\n",
}


def test_monorepo_with_compose_at_the_root(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, "docker-compose.yml": """
        services:
          api:
            image: api
            build:
              context: .
              dockerfile: docker/cuda/Dockerfile
          db:
            image: postgres:16
    """})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "docker-compose.yml:4"), [])


def test_compose_in_a_subfolder_with_a_context_two_levels_up(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, "deploy/compose/compose.yaml": """
        services:
          api:
            build:
              context: ../..
              dockerfile: docker/cuda/Dockerfile
    """})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "deploy/compose/compose.yaml:3"), [])


def test_compose_short_form_names_the_dockerfile_folder_as_known(tmp_path, monkeypatch):
    # `build: ./api` is the folder of the Dockerfile: the context is the default one, but known,
    # so a missing file is a build that fails, not a guess
    tree(tmp_path, {"api/Dockerfile": "FROM python:3.11-slim\nCOPY missing.txt /x\n", "docker-compose.yml": "services:\n  api:\n    build: ./api\n"})
    assert lint(tmp_path, monkeypatch, "api/Dockerfile", "ML504") == (
        ("api", "docker-compose.yml:3"),
        [("ML504", "api/Dockerfile", 2, 6, "`missing.txt` is not in the build context api; the build fails here")],
    )


def test_github_workflow_with_build_push_action(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, ".github/workflows/release.yml": """
        on: push
        jobs:
          image:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: docker/build-push-action@v6
                with:
                  context: .
                  file: ./docker/cuda/Dockerfile
                  push: false
    """})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", ".github/workflows/release.yml:7"), [])


def test_github_workflow_run_step_with_working_directory(tmp_path, monkeypatch):
    tree(tmp_path, {
        "services/api/Dockerfile": "FROM python:3.11-slim\nCOPY shared/lib.py /app/\n",
        "services/shared/lib.py": "x = 1\n",
        ".github/workflows/ci.yml": """
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      echo building
                      docker build -t api:ci \\
                        -f api/Dockerfile .
                    working-directory: services
        """,
    })
    assert lint(tmp_path, monkeypatch, "services/api/Dockerfile", "ML504") == (("services", ".github/workflows/ci.yml:7"), [])


def test_workflow_matrix_expressions_are_skipped_not_guessed(tmp_path, monkeypatch):
    tree(tmp_path, {
        "docker/Dockerfile": "FROM python:3.11-slim\nCOPY missing.txt /x\n",
        ".github/workflows/ci.yml": """
            jobs:
              build:
                strategy: {matrix: {ctx: [".", "docker"]}}
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/build-push-action@v6
                    with:
                      context: ${{ matrix.ctx }}
                      file: docker/Dockerfile
        """,
    })
    assert lint(tmp_path, monkeypatch, "docker/Dockerfile", "ML504") == (
        ("docker", "default"),
        [("ML504", "docker/Dockerfile", 2, 6, "`missing.txt` is not in the assumed context docker" + ASSUMED)],
    )


def test_makefile_docker_build_line(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, "Makefile": """
        IMAGE ?= api
        .PHONY: image
        image:
        \t@docker build -f docker/cuda/Dockerfile -t api:dev .
        tagged:
        \tdocker build -f docker/cuda/Dockerfile -t $(IMAGE) docker
    """})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "Makefile:4"), [])


def test_shell_script_run_from_the_repository_root_with_cd(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, "scripts/build.sh": """
        #!/bin/sh
        set -e
        cd "$(dirname "$0")/.."  # not resolved: the script is also tried from the root
        podman build --build-arg A=1 --file docker/cuda/Dockerfile --tag api .
    """})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "scripts/build.sh:4"), [])


def test_gitlab_kaniko_with_the_project_dir(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, ".gitlab-ci.yml": """
        build:
          image: gcr.io/kaniko-project/executor:debug
          script:
            - mkdir -p /kaniko/.docker
            - /kaniko/executor --context "${CI_PROJECT_DIR}" --dockerfile "docker/cuda/Dockerfile" --no-push
    """})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", ".gitlab-ci.yml:5"), [])


def test_devcontainer_with_comments_and_a_parent_context(tmp_path, monkeypatch):
    tree(tmp_path, {
        ".devcontainer/Dockerfile": "FROM python:3.11-slim\nCOPY requirements.txt /tmp/\n",
        "requirements.txt": "flask==3.0.3\n",
        ".devcontainer/devcontainer.json": """
            // a dev container for the project
            {
              "name": "dev",
              /* built from the repository root */
              "build": {"dockerfile": "Dockerfile", "context": "..",},
            }
        """,
    })
    assert lint(tmp_path, monkeypatch, ".devcontainer/Dockerfile", "ML504") == ((".", ".devcontainer/devcontainer.json:5"), [])


def test_bake_json_target(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, "docker-bake.json": json.dumps({"group": {"default": {"targets": ["gpu"]}}, "target": {"gpu": {"context": ".", "dockerfile": "docker/cuda/Dockerfile"}}}, indent=2)})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "docker-bake.json:10"), [])


def test_compose_beats_a_workflow(tmp_path, monkeypatch):
    tree(tmp_path, {
        **MONOREPO,
        "docker-compose.yml": "services:\n  api:\n    build: {context: ., dockerfile: docker/cuda/Dockerfile}\n",
        ".github/workflows/ci.yml": "jobs:\n  b:\n    steps:\n      - run: docker build -f docker/cuda/Dockerfile docker/cuda\n",
    })
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile")[0] == (".", "docker-compose.yml:3")


def test_structural_fallback(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "structural"), [])


def test_no_signal_at_all_keeps_the_dockerfile_folder_and_says_it_is_assumed(tmp_path, monkeypatch):
    tree(tmp_path, {"docker/cuda/Dockerfile": GPU_DOCKERFILE, "src/app.py": "print('hi')\n"})  # requirements.txt is nowhere
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == (
        ("docker/cuda", "default"),
        [
            ("ML204", "docker/cuda/Dockerfile", 4, 35, "requirements.txt is not in the assumed context docker/cuda" + ASSUMED),
            ("ML504", "docker/cuda/Dockerfile", 3, 6, "`requirements.txt` is not in the assumed context docker/cuda" + ASSUMED),
            ("ML504", "docker/cuda/Dockerfile", 5, 6, "`src/` is not in the assumed context docker/cuda" + ASSUMED),
        ],
    )


def test_context_option_and_config_mapping_come_first(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, "docker-compose.yml": "services:\n  api:\n    build: {context: docker/cuda, dockerfile: Dockerfile}\n"})
    (tmp_path / "pyproject.toml").write_text('[tool.mldocklint.contexts]\n"docker/*/Dockerfile" = "."\n')
    monkeypatch.chdir(tmp_path)
    from mldocklint import config

    options = Options()
    config.apply(options, "pyproject.toml")
    assert options.contexts == [(f"{tmp_path.as_posix()}/docker/*/Dockerfile", str(tmp_path), "pyproject.toml contexts")]
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile", contexts=options.contexts) == ((".", "pyproject.toml contexts"), [])
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile", "ML504", context="src")[0] == ("src", "--context")


def test_json_files_entry_and_text_header_name_the_context(tmp_path):
    tree(tmp_path, {**MONOREPO, "docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/cuda/Dockerfile\n"})
    cmd = [sys.executable, "-m", "mldocklint", "check", "--isolated", "--select", "ML504", "--format", "json", "docker/cuda/Dockerfile"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    files = json.loads(proc.stdout)["files"]
    assert [(f["path"], f["context"], f["context_source"]) for f in files] == [("docker/cuda/Dockerfile", ".", "docker-compose.yml:3")]


# -- ML204: requirements nothing copies -------------------------------------------------------


@pytest.mark.parametrize(
    "src, expected",
    [
        ("FROM python:3.11-slim\nWORKDIR /app\nRUN pip install -r requirements.txt\n", [(3, 20)]),
        ("FROM python:3.11-slim\nRUN pip install -U pip && pip install -r /app/requirements.txt\n", [(2, 42)]),
        # something may have brought it: a clone, a download, another stage, a bind mount from a stage
        ("FROM python:3.11-slim\nRUN git clone https://example.com/r.git /app\nWORKDIR /app\nRUN pip install -r requirements.txt\n", []),
        ("FROM python:3.11-slim\nRUN cd /src && pip install -r requirements.txt\n", []),
        ("FROM python:3.11-slim AS b\nRUN true\nFROM python:3.11-slim\nCOPY --from=b /r.txt /r.txt\nRUN pip install -r /r.txt\n", []),
        ("FROM python:3.11-slim\nRUN --mount=type=bind,from=wheels,target=/w pip install -r /w/requirements.txt\n", []),
        ("FROM python:3.11-slim\nRUN pip install -r https://example.com/requirements.txt\n", []),
        ("FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n", []),
        # the base image's working directory is not known; a directory COPY the context lacks
        ("FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime\nCOPY requirements.txt /workspace/\nRUN pip install -r requirements.txt\n", []),
        ("FROM python:3.11-slim\nCOPY ./python/serving /serving\nRUN pip install -r /serving/requirements.txt\n", []),
    ],
    ids=["workdir", "absolute", "git-clone", "cd", "copy-from", "mount-from", "url", "copied", "base-workdir", "copied-dir-missing"],
)
def test_requirements_file_nothing_copies(tmp_path, src, expected):
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    (tmp_path / "Dockerfile").write_text(src)
    result = Result()
    found = Linter(Options(select=["ML204"], inline_suppressions=False)).lint_text(src, "Dockerfile", result, str(tmp_path), str(tmp_path / "Dockerfile"), "--context")
    assert [(f.line, f.column) for f in found] == expected
    assert all("is not copied or mounted into the image before this install: the build fails here" in f.message for f in found)


def test_undecodable_requirements_file_is_an_error_line(tmp_path):
    (tmp_path / "requirements.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (tmp_path / "utf16.txt").write_bytes("flask\n".encode("utf-16"))  # with a BOM: pip reads it
    src = "FROM python:3.11-slim\nCOPY . .\nRUN pip install -r requirements.txt -r utf16.txt\n"
    result = Result()
    found = Linter(Options(select=["ML201"], inline_suppressions=False)).lint_text(src, "Dockerfile", result, str(tmp_path), None, "--context")
    from mldocklint.paths import display_path

    shown = display_path(str(tmp_path))
    assert result.errors == [(f"{shown}/requirements.txt", "requirements.txt is not a text file pip can read (not UTF-8, and no UTF-16/32 byte-order mark); it was not checked")]
    assert [(f.path, f.line, f.column) for f in found] == [(f"{shown}/utf16.txt", 1, 1)]


# -- ML504: Git LFS, virtualenv links -----------------------------------------------------------


def test_lfs_pointer_and_lfs_file_missing_from_the_checkout(tmp_path, monkeypatch):
    tree(tmp_path, {
        ".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
        "models/model.safetensors": "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 1234\n",
        "Dockerfile": "FROM python:3.11-slim\nCOPY models/ /models/\nCOPY extra.safetensors /models/\n",
    })
    _, found = lint(tmp_path, monkeypatch, "Dockerfile", "ML504", context=".")
    assert found == [
        ("ML504", "Dockerfile", 2, 6, "`models/model.safetensors` is a Git LFS pointer, not the file it stands for: the image gets the pointer; run `git lfs pull` before the build"),
        ("ML504", "Dockerfile", 3, 6, "`extra.safetensors` is not in the build context . (stored with Git LFS: the checkout does not have it; run `git lfs pull`); the build fails here"),
    ]


def test_virtualenv_links_are_left_to_ml502(tmp_path, monkeypatch):
    tree(tmp_path, {".venv/pyvenv.cfg": "home = /usr/bin\n", "app.py": "x = 1\n", ".dockerignore": "**/__pycache__\n", "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n"})
    os.makedirs(tmp_path / ".venv" / "bin")
    os.symlink("/usr/bin/python3", tmp_path / ".venv" / "bin" / "python")
    _, found = lint(tmp_path, monkeypatch, "Dockerfile", "ML502,ML504", context=".")
    assert [(r, p, line, col) for r, p, line, col, _ in found] == [("ML502", "Dockerfile", 1, 1)]
    assert found[0][4].startswith("virtualenv sent with the build context but not excluded")


# -- ML506: secret files --------------------------------------------------------------------------

SECRETS = {
    ".env": "OPENAI_API_KEY=sk-not-real\n",
    ".env.example": "OPENAI_API_KEY=\n",  # a template
    "config/settings.env": "MODEL_NAME=bert-base-uncased\nOPENAI_API_KEY=<your key here>\n",  # settings and a placeholder
    "deploy/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-real\n",
    "deploy/id_ed25519.pub": "ssh-ed25519 AAAA\n",  # a public key
    "keys/gcp.json": '{"type": "service_account", "project_id": "p"}\n',
    "keys/other.json": '{"type": "authorized_user"}\n',
    "certs/server.pem": "-----BEGIN CERTIFICATE-----\n",  # a certificate, no private key
    ".venv/pyvenv.cfg": "home = /usr\n",
    ".venv/lib/site-packages/pkg/tests/test.key": "-----BEGIN PRIVATE KEY-----\n",  # a library's test key
    "app.py": "x = 1\n",
}


def test_secret_files_copied_into_the_image_and_only_sent(tmp_path, monkeypatch):
    tree(tmp_path, {**SECRETS, ".dockerignore": ".git\n", "Dockerfile": "FROM python:3.11-slim\nCOPY app.py /app/\nCOPY keys/ /keys/\n"})
    monkeypatch.chdir(tmp_path)
    result = Linter(Options(select=["ML506"], inline_suppressions=False, context=".")).lint_files(["Dockerfile"])
    got = sorted((f.rule, f.severity, f.line, f.column, f.message) for f in result.findings)
    assert got == [
        ("ML506", "error", 3, 6, "keys/gcp.json (Google Cloud service-account key) is copied into the image by `COPY keys/`: anyone who pulls the image can read it; add keys/gcp.json to .dockerignore and pass it at run time or with RUN --mount=type=secret"),
        ("ML506", "warning", 1, 1, ".env (environment file with credentials) is sent with the build context though no COPY uses it: it reaches the builder, and a later `COPY . .` would bake it in; add .env to .dockerignore"),
        ("ML506", "warning", 1, 1, "deploy/id_ed25519 (SSH private key) is sent with the build context though no COPY uses it: it reaches the builder, and a later `COPY . .` would bake it in; add deploy/id_ed25519 to .dockerignore"),
    ]
    assert all("not-real" not in f.message for f in result.findings)


def test_secret_files_copied_by_copy_dot_and_the_fix(tmp_path, monkeypatch):
    tree(tmp_path, {**SECRETS, ".dockerignore": ".git\n.venv\n", "Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n"})
    monkeypatch.chdir(tmp_path)
    result = Linter(Options(select=["ML506"], inline_suppressions=False, context=".")).lint_files(["Dockerfile"])
    assert sorted((f.path, f.line, f.column, f.severity, f.message.split(" (")[0]) for f in result.findings) == [
        ("Dockerfile", 3, 6, "error", ".env"), ("Dockerfile", 3, 6, "error", "deploy/id_ed25519"), ("Dockerfile", 3, 6, "error", "keys/gcp.json"),
    ]
    import io

    fixed = fix_run(["Dockerfile"], Options(select=["ML506"], inline_suppressions=False, context="."), write=True, out=io.StringIO())
    assert (tmp_path / ".dockerignore").read_text() == ".git\n.venv\n.env\ndeploy/id_ed25519\nkeys/gcp.json\n"
    assert fixed.findings == []


def test_no_secret_files_no_finding(tmp_path, monkeypatch):
    tree(tmp_path, {k: v for k, v in SECRETS.items() if k in (".env.example", "config/settings.env", "deploy/id_ed25519.pub", "keys/other.json", "certs/server.pem", "app.py")})
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY . /app\n")
    assert lint(tmp_path, monkeypatch, "Dockerfile", "ML506", context=".")[1] == []


# -- ML501/ML502: only what matters ---------------------------------------------------------------


def _sized(root, files: dict[str, int]):
    for rel, n in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "wb") as fh:
            fh.truncate(n)  # sparse


def _ml502(root, monkeypatch, dockerfile, files, ignore=".git\n"):
    _sized(root, files)
    tree(root, {"Dockerfile": dockerfile, ".dockerignore": ignore})
    return [m.split(" sent")[0] + ": " + m.split("): ", 1)[1].split(";")[0] for *_, m in lint(root, monkeypatch, "Dockerfile", "ML502", context=".")[1]]


def test_ml502_datasets_by_contents_not_by_name(tmp_path, monkeypatch):
    found = _ml502(tmp_path, monkeypatch, "FROM python:3.11-slim\nCOPY app.py /app/\n", {
        "data/__init__.py": 10, "data/loader.py": 10, "data/sample.csv": 3_000_000,  # a Python package named data
        "datasets/tiny.csv": 100,  # a few bytes of data
        "raw/train.parquet": 2_000_000, "raw/test.parquet": 1_000_000,  # a dataset in a folder not named data
        "docs/img/a.png": 2_000_000,  # documentation images
        "frames/" + "f.jpg": 0, **{f"frames/{k:03}.jpg": 40_000 for k in range(60)},  # 60 images: a dataset
        "app.py": 10,
    })
    assert found == ["datasets: raw (3.0 MB), frames (2.4 MB)"]


def test_ml502_small_caches_small_models_and_terraform(tmp_path, monkeypatch):
    found = _ml502(tmp_path, monkeypatch, "FROM python:3.11-slim\nCOPY app.py /app/\n", {
        "src/__pycache__/a.pyc": 4_000, "mlruns/0/meta.yaml": 300, "model.joblib": 2_000_000,
        ".terraform/providers/aws": 3_000_000, "app.py": 10,
    })
    assert found == ["terraform: .terraform (3.0 MB)"]


def test_ml502_data_the_code_reads_after_copy_dot_is_not_a_gap(tmp_path, monkeypatch):
    files = {"lookup/zip_codes.csv": 2_000_000, "raw/dump.csv": 2_000_000}
    _sized(tmp_path, files)
    tree(tmp_path, {"app.py": "import pandas\nZIPS = pandas.read_csv('lookup/zip_codes.csv')\n", "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n", ".dockerignore": ".git\n"})
    found = lint(tmp_path, monkeypatch, "Dockerfile", "ML502", context=".")[1]
    assert [m.split(";")[0] for *_, m in found] == ["datasets sent with the build context but not excluded (2.0 MB): raw (2.0 MB)"]


def test_the_code_is_read_for_quoted_names_only_where_there_is_data_to_ask_about(tmp_path, monkeypatch):
    tree(tmp_path, {"app.py": "MODEL = open('weights/model.bin')\n", "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n", ".dockerignore": ".git\n"})
    monkeypatch.chdir(tmp_path)
    linter = Linter(Options(select=["ML502"]))
    linter.lint_files(["Dockerfile"])
    assert linter.last_target.context.mentioned == frozenset()  # no data file: nothing to look up
    _sized(tmp_path, {"data/big.csv": 2_000_000})
    from mldocklint import context

    context.forget()
    linter.lint_files(["Dockerfile"])
    assert linter.last_target.context.mentioned == {"weights", "model.bin"}


@pytest.mark.parametrize(
    "dockerfile, files, fires",
    [
        ("FROM python:3.11-slim\nCOPY app.py /app/\n", {"app.py": 10}, False),  # only what the image copies
        ("FROM python:3.11-slim\nCOPY app.py /app/\n", {"app.py": 10, "notes.txt": 6_000_000}, True),  # over 5 MB
        ("FROM python:3.11-slim\nCOPY app.py /app/\n", {"app.py": 10, ".git/HEAD": 20}, True),
        ("FROM python:3.11-slim\nCOPY . /app/\n", {"app.py": 10}, True),  # the whole context
    ],
    ids=["small", "large", "git", "copy-dot"],
)
def test_ml501_only_when_it_matters(tmp_path, monkeypatch, dockerfile, files, fires):
    _sized(tmp_path, files)
    (tmp_path / "Dockerfile").write_text(dockerfile)
    found = lint(tmp_path, monkeypatch, "Dockerfile", "ML501", context=".")[1]
    assert [(r, line, col) for r, _, line, col, _ in found] == ([("ML501", 1, 1)] if fires else [])


# -- ML504 and ML204: files the checkout does not have --------------------------------------------


def test_missing_sources_git_ignores_or_keeps(tmp_path, monkeypatch):
    tree(tmp_path, {
        ".gitignore": "dist/\n*.pth\n!checkpoints/best.pth\n",
        "docker/Dockerfile": "FROM python:3.11-slim\nCOPY dist/*.whl /w/\nCOPY checkpoints/best.pth /m/\nCOPY setup/ /s/\n",
        "setup/pyproject.toml": "[project]\nname = 'x'\n",
    })
    # assumed context: what git ignores there (dist/, *.pth) is made before the build, not reported
    _, found = lint(tmp_path, monkeypatch, "docker/Dockerfile", "ML504")
    assert [(line, m) for _, _, line, _, m in found] == [(4, "`setup/` is not in the assumed context docker" + ASSUMED)]
    _, found = lint(tmp_path, monkeypatch, "docker/Dockerfile", "ML504", context=".")
    assert [(line, m) for _, _, line, _, m in found] == [
        (2, "`dist/*.whl` matches no file in the build context . (git ignores it: a fresh checkout does not have it; make it before the build); the build fails here"),
        (3, "`checkpoints/best.pth` is not in the build context . (a `!` line of .gitignore keeps it in git: this checkout lacks it); the build fails here"),
    ]


def test_docker_keeps_dotdot_sources_inside_the_context(tmp_path, monkeypatch):
    tree(tmp_path, {"scripts/run.py": "x = 1\n", "n8n/Dockerfile": "FROM python:3.11-slim\nCOPY ../scripts /app/scripts\n"})
    assert lint(tmp_path, monkeypatch, "n8n/Dockerfile", "ML504") == ((".", "structural"), [])


def test_pip_install_of_a_setup_py_project_needs_no_pyproject(tmp_path):
    (tmp_path / "kernels").mkdir()
    (tmp_path / "kernels" / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    src = "FROM python:3.11-slim\nCOPY kernels/ /k\nRUN pip install /k\nCOPY app/ /app\nRUN pip install /app\n"
    found = Linter(Options(select=["ML204"], inline_suppressions=False)).lint_text(src, "Dockerfile", Result(), str(tmp_path), None, "--context")
    assert [(f.line, f.column, f.message.split(" is ")[0]) for f in found] == [(5, 1, "/app/pyproject.toml (context path app/pyproject.toml)")]


def test_a_plain_context_with_an_expression_dockerfile_decides_when_the_sources_are_there(tmp_path, monkeypatch):
    workflow = """
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: docker/build-push-action@v6
                with:
                  context: context
                  file: ${{ inputs.DOCKERFILE }}
    """
    tree(tmp_path, {"ci.Dockerfile": "FROM python:3.11-slim\nCOPY pip.conf /etc/pip.conf\n", "context/pip.conf": "[global]\n", ".github/workflows/build.yml": workflow})
    assert lint(tmp_path, monkeypatch, "ci.Dockerfile", "ML504") == (("context", ".github/workflows/build.yml:5"), [])
    # a Dockerfile whose sources are not there is not given that context
    (tmp_path / "other.Dockerfile").write_text("FROM python:3.11-slim\nCOPY other.conf /etc/\n")
    assert lint(tmp_path, monkeypatch, "other.Dockerfile", "ML504")[0] == (".", "default")


def test_a_build_file_whose_context_lacks_the_sources_gives_way_to_the_files(tmp_path, monkeypatch):
    # the compose file beside the Dockerfile says `context: .`, but what the Dockerfile copies is at the root
    tree(tmp_path, {**MONOREPO, "docker/cuda/docker-compose.yml": "services:\n  api:\n    build: .\n"})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "structural"), [])


def test_sources_with_a_build_argument_are_not_judged(tmp_path, monkeypatch):
    tree(tmp_path, {"Dockerfile": "FROM python:3.11-slim\nARG PKG\nCOPY prepline_${PKG}/ /app/\n"})
    assert lint(tmp_path, monkeypatch, "Dockerfile", "ML504", context=".")[1] == []


def test_broken_build_files_are_skipped_without_a_word(tmp_path, monkeypatch):
    tree(tmp_path, {
        "docker/Dockerfile": "FROM python:3.11-slim\nCOPY app.py /app/\n",
        "docker/app.py": "x = 1\n",
        "docker-compose.yml": "services: [\n  - : :\n",  # not YAML
        "compose.yaml": "services:\n  a:\n    build: {context: \"\\0\", dockerfile: \"x\\0\"}\n  b:\n    build: [1, 2]\n  c: &c\n    build: 3\n",
        ".devcontainer/devcontainer.json": "{ not json",
        "docker-bake.json": "[1, 2, 3]",
        "docker-bake.hcl": "target \"x\" {\n  context = \n",  # not HCL
        ".github/workflows/ci.yml": "- just\n- a list\n",
        ".gitlab-ci.yml": "job:\n  script: 'docker build -f \"unclosed .'\n",
        "Makefile": "all:\n\tdocker build -f docker/Dockerfile $(CTX)\n",
        "build.sh": "docker build -f docker/Dockerfile - < ctx.tar\n",
    })
    (tmp_path / "bin.sh").write_bytes(b"docker build \xff\xfe\x00\x00 .\n")
    assert lint(tmp_path, monkeypatch, "docker/Dockerfile", "ML504") == (("docker", "default"), [])


def test_bake_hcl_target_with_inherits(tmp_path, monkeypatch):
    tree(tmp_path, {**MONOREPO, "docker/cpu/Dockerfile": GPU_DOCKERFILE, "docker-bake.hcl": """
        variable "TAG" { default = "latest" }
        group "default" { targets = ["cpu", "gpu"] }
        target "cpu" {
          context    = "."
          dockerfile = "docker/cpu/Dockerfile"
          tags       = ["api:${TAG}"]
        }
        target "gpu" {
          inherits   = ["cpu"]
          dockerfile = "docker/cuda/Dockerfile"
        }
    """})
    assert lint(tmp_path, monkeypatch, "docker/cuda/Dockerfile") == ((".", "docker-bake.hcl:8"), [])
    assert lint(tmp_path, monkeypatch, "docker/cpu/Dockerfile")[0] == (".", "docker-bake.hcl:3")


def test_without_git_the_highest_folder_with_a_project_file_is_the_repository(tmp_path, monkeypatch):
    from mldocklint import context_infer

    (tmp_path / "proj" / "docker").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    folder = str(tmp_path / "proj" / "docker")
    context_infer.forget()
    assert context_infer.repository(folder) == str(tmp_path)  # no project file: the current directory
    (tmp_path / "proj" / "README.md").write_text("# proj\n")
    context_infer.forget()
    assert context_infer.repository(folder) == str(tmp_path / "proj")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'top'\n")
    context_infer.forget()
    assert context_infer.repository(folder) == str(tmp_path)
    context_infer.forget()
