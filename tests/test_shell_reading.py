"""Reading RUN the way the shell and pip do; one finding per cause; fixes that keep builds working."""

from __future__ import annotations

import pytest

from helpers import catches, does_not_catch, findings
from mldocklint.syntax.shell import installer, needs_shell, pip_long_option, pip_options, split_commands

# -- compound shell syntax ---------------------------------------------------------------


@pytest.mark.parametrize("script, commands", [
    ("if [ -f a ]; then pip install x; elif true; then pip install y; else pip install z; fi",
     [["[", "-f", "a", "]"], ["pip", "install", "x"], ["true"], ["pip", "install", "y"], ["pip", "install", "z"]]),
    ("for p in a b; do pip install $p; done", [["pip", "install", "$p"]]),
    ("while read l; do echo $l; done < f", [["read", "l"], ["echo", "$l"]]),
    ("until false; do sleep 1; done", [["false"], ["sleep", "1"]]),
    ('case "$A" in\n  cpu) pip install t;;\n  gpu|cuda) pip install g;;\n  *) :;;\nesac\necho ok',
     [["pip", "install", "t"], ["pip", "install", "g"], [":"], ["echo", "ok"]]),
    ("{ pip install a; } || (pip install b) | tee log", [["pip", "install", "a"], ["pip", "install", "b"], ["tee", "log"]]),
    ("! grep -q x f && echo y", [["grep", "-q", "x", "f"], ["echo", "y"]]),
])
def test_commands_inside_compound_syntax(script, commands):
    assert split_commands(script) == commands


def test_comments_and_here_documents_inside_a_script_are_not_commands():
    script = "# Install tools\napt-get update # refresh\ncat <<EOF > /etc/x.conf\nbuild here\nEOF\npip install a\ncat <<-'END' | tee f\n\tnot a command\n\tEND\necho a#b"
    assert split_commands(script) == [["apt-get", "update"], ["cat"], ["pip", "install", "a"], ["cat"], ["tee", "f"], ["echo", "a#b"]]


def test_an_echo_of_a_keyword_is_not_compound_syntax():
    assert split_commands("echo if then fi") == [["echo", "if", "then", "fi"]]


def test_pip_inside_if_and_bash_lc_is_read_at_its_word():
    catches("ML105", """
        FROM python:3.11-slim
        RUN if [ "$GPU" = 1 ]; then \\
              pip install torch==2.3.1; \\
            fi
    """, (3, 11))
    catches("ML105", """
        FROM python:3.11-slim
        RUN bash -lc 'pip install torch==2.3.1'
    """, (2, 19))
    catches("ML105", """
        FROM python:3.11-slim
        RUN sh -euxc "pip install torch==2.3.1"
    """, (2, 19))


# -- installers --------------------------------------------------------------------------


@pytest.mark.parametrize("command, tool, action, start", [
    ("pip install x", "pip", "install", 2),
    ("pip3.11 install x", "pip", "install", 2),
    ("python3.11 -m pip install x", "pip", "install", 4),
    ("pip --no-cache-dir install x", "pip", "install", 3),
    ("uv pip install --system x", "uv", "install", 3),
    ("python -m uv pip install x", "uv", "install", 5),
    ("uv add torch", "uv-project", "add", 2),
    ("uv sync --locked", "uv-project", "sync", 2),
    ("pipx install ruff", "pipx", "install", 2),
    ("poetry install --no-root", "poetry", "install", 2),
    ("micromamba install -y numpy", "conda", "install", 2),
    ("conda run -n ml pip install x", "pip", "install", 6),
])
def test_installers(command, tool, action, start):
    found = installer(command.split())
    assert (found.tool, found.action, found.start) == (tool, action, start)


@pytest.mark.parametrize("command", ["pip download x", "python -m venv /v", "uv venv", "poetry lock", "conda create -n x", "pipx run x"])
def test_not_installers(command):
    assert installer(command.split()) is None


def test_lock_aware_installers():
    assert installer("uv sync".split()).locked and installer("poetry install".split()).locked
    assert not installer("uv add x".split()).locked and not installer("pip install x".split()).locked


def test_pip_reads_unique_prefixes_of_long_options():
    assert pip_long_option("--no-cache") == "--no-cache-dir"
    assert pip_long_option("--no-c") == "--no-c"  # --no-cache-dir, --no-color, --no-compile
    assert pip_options(["--no-cache", "--constr", "c.txt", "x"]) == ({"--no-cache-dir": [], "--constraint": ["c.txt"]}, ["x"])
    # uv spells --no-cache itself
    assert pip_options(["--no-cache", "x"], "uv") == ({"--no-cache": []}, ["x"])


def test_needs_shell():
    assert needs_shell("gunicorn -b :$PORT app:app") and needs_shell("a && b") and needs_shell('echo "${X:-1}"')
    assert not needs_shell("gunicorn app:app") and not needs_shell("python -c 'print(1)'")


# -- ML105 and pip's settings ------------------------------------------------------------------


def test_ml105_abbreviated_option_arg_and_pip_config():
    for src in [
        "FROM python:3.11-slim\nRUN pip install --no-cache torch==2.3.1\n",
        "FROM python:3.11-slim\nARG PIP_NO_CACHE_DIR=1\nRUN pip install torch==2.3.1\n",
        "ARG PIP_NO_CACHE_DIR=off\nFROM python:3.11-slim\nARG PIP_NO_CACHE_DIR\nRUN pip install torch==2.3.1\n",
        "FROM python:3.11-slim\nRUN pip config set global.no-cache-dir false\nRUN pip install torch==2.3.1\n",
        "FROM python:3.11-slim\nRUN printf '[global]\\nno-cache-dir = true\\n' > /etc/pip.conf\nRUN pip install torch==2.3.1\n",
        "FROM python:3.11-slim\nRUN export PIP_NO_CACHE_DIR=1 && pip install torch==2.3.1\n",
        "FROM python:3.11-slim\nCOPY wheels /wheels\nRUN pip install --no-index /wheels/*.whl\n",
        "FROM python:3.11-slim\nCOPY . /src\nRUN pip install --no-deps /src\n",
        "FROM python:3.11-slim\nRUN pip install -U pip setuptools wheel\n",
    ]:
        does_not_catch("ML105", src)
    # a build argument without a value sets nothing
    catches("ML105", "FROM python:3.11-slim\nARG PIP_NO_CACHE_DIR\nRUN pip install torch==2.3.1\n", (3, 9))
    # a pip config set after the install comes too late; a local wheel with dependencies downloads them
    catches("ML105", "FROM python:3.11-slim\nRUN pip install torch==2.3.1\nRUN pip config set global.no-cache-dir 1\n", (2, 9))
    catches("ML105", "FROM python:3.11-slim\nRUN pip install /wheels/app-1.0-py3-none-any.whl\n", (2, 9))


def test_ml105_uv_project_installs():
    catches("ML105", "FROM python:3.12-slim\nRUN uv sync --locked\n", (2, 8))
    does_not_catch("ML105", "FROM python:3.12-slim\nENV UV_NO_CACHE=1\nRUN uv sync --locked\n")
    does_not_catch("ML105", "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n")


def test_ml105_one_finding_per_stage_naming_the_lines():
    src = """
        FROM python:3.11-slim
        RUN pip install -r requirements.txt
        RUN pip install --no-cache-dir gunicorn==22.0.0
        RUN pip install torch==2.3.1 && pip install flask==3.0.3
        FROM python:3.11-slim
        RUN pip install rich==13.7.1
    """
    got = [(f.line, f.column, f.message) for f in findings(src, "ML105")]
    assert got == [(
        6, 9, "`pip install` keeps downloaded wheels in the layer; add --no-cache-dir or set ENV PIP_NO_CACHE_DIR=1",
    )]  # only the final stage is in the image
    src = src.replace("FROM python:3.11-slim\n        RUN pip install rich==13.7.1", "")
    [f] = findings(src, "ML105")
    assert (f.line, f.column) == (2, 9)
    assert f.message == (
        "installs on lines 2 and 4 keep downloaded packages in the layer; set ENV PIP_NO_CACHE_DIR=1 (UV_NO_CACHE=1 for uv) "
        "once after this stage's FROM, or add --no-cache-dir (--no-cache for uv) to each"
    )


# -- ML202 -------------------------------------------------------------------------------------


def test_ml202_inside_compound_syntax():
    catches("ML202", """
        FROM python:3.11-slim
        RUN case "$TARGET" in \\
              gpu) pip install --no-cache-dir onnxruntime-gpu ;; \\
              *) pip install --no-cache-dir onnxruntime==1.18.0 ;; \\
            esac
    """, (2, 1))
    does_not_catch("ML202", """
        FROM python:3.11-slim
        RUN for p in flask==3.0.3 rich==13.7.1; do pip install --no-cache-dir "$p"; done
    """)


def test_ml202_every_installer():
    catches("ML202", """
        FROM python:3.12-slim
        RUN uv add fastapi
        RUN pipx install ruff
        RUN poetry add httpx
        RUN micromamba install -y -c conda-forge faiss-cpu
        RUN python -m uv pip install --system rich
    """, (2, 1), (3, 1), (4, 1), (5, 1), (6, 1))
    does_not_catch("ML202", """
        FROM python:3.12-slim
        RUN uv sync --locked && poetry install --no-root
        RUN micromamba install -y -c conda-forge faiss-cpu=1.8.0 python=3.11 pip
        RUN uv add fastapi==0.111.0
    """)
    [f] = findings("FROM python:3.12-slim\nRUN micromamba install -y -f env.yml && micromamba install -y faiss-cpu\n", "ML202")
    assert "(`faiss-cpu=X.Y.Z`)" in f.message


def test_ml202_vcs_needs_a_full_commit_and_a_url_is_not_a_path():
    catches("ML202", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir git+https://github.com/org/lib.git
        RUN pip install --no-cache-dir "git+https://github.com/org/lib.git@v1.2"
        RUN pip install --no-cache-dir "git+https://github.com/org/lib.git@3f2a9c1"
        RUN pip install --no-cache-dir https://github.com/org/lib/archive/refs/heads/main.zip#egg=lib
    """, (2, 1), (3, 1), (4, 1))
    does_not_catch("ML202", """
        FROM python:3.11-slim
        RUN pip install --no-cache-dir "git+https://github.com/org/lib.git@3f2a9c1d4e5b6a7980112233445566778899aabb"
        RUN pip install --no-cache-dir https://example.com/wheels/lib-1.0-py3-none-any.whl
    """)


def test_ml202_unquoted_range_is_a_redirect():
    [f] = findings("FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy>=1.26 rich==13.7.1\n", "ML202")
    assert f.message == (
        "installs a package without an exact version: `numpy`; pin it (`numpy==X.Y.Z`) or install from a pinned requirements "
        "or constraints file; `numpy>=1.26` is not quoted, so the shell reads `>=1.26` as a redirect and pip installs bare `numpy`"
    )
    [f] = findings("FROM python:3.11-slim\nRUN pip install --no-cache-dir 'numpy>=1.26'\n", "ML202")
    assert "redirect" not in f.message


def test_ml202_constraints_from_arg_and_pip_config_but_not_empty():
    does_not_catch("ML202", "FROM python:3.11-slim\nARG PIP_CONSTRAINT=/c.txt\nRUN pip install --no-cache-dir flask\n")
    does_not_catch("ML202", "FROM python:3.11-slim\nRUN pip config set global.constraint /c.txt\nRUN pip install --no-cache-dir flask\n")
    does_not_catch("ML202", "FROM python:3.12-slim\nENV UV_CONSTRAINT=/c.txt\nRUN uv pip install --system flask\n")
    catches("ML202", 'FROM python:3.11-slim\nENV PIP_CONSTRAINT=""\nRUN pip install --no-cache-dir flask\n', (3, 1))


def test_ml202_base_image_and_earlier_pins_provide_packages():
    does_not_catch("ML202", """
        FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime
        RUN pip install --no-cache-dir torch torchvision
    """)
    does_not_catch("ML202", """
        FROM nvcr.io/nvidia/pytorch:24.05-py3
        RUN pip install --no-cache-dir torch
    """)
    does_not_catch("ML202", """
        FROM python:3.11-slim AS base
        RUN pip install --no-cache-dir numpy==1.26.4
        FROM base
        RUN pip install --no-cache-dir numpy
    """)
    # a floating tag, an upgrade, or another package are not provided
    catches("ML202", "FROM pytorch/pytorch:latest\nRUN pip install --no-cache-dir torch\n", (2, 1))
    catches("ML202", "FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime\nRUN pip install --no-cache-dir -U torch\n", (2, 1))
    catches("ML202", "FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime\nRUN pip install --no-cache-dir transformers\n", (2, 1))


# -- ML104 -------------------------------------------------------------------------------------


def test_ml104_update_only_run_before_an_install_run():
    [f] = findings("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n", "ML104")
    assert (f.line, f.column) == (2, 13)
    assert f.message == "`apt-get update` leaves the package lists in this layer; merge it with the install RUN on line 3 and end that RUN with `&& rm -rf /var/lib/apt/lists/*`"
    # a later RUN that updates again does not need these lists
    [f] = findings("FROM debian:12\nRUN apt-get update && apt-get install -y a\nRUN apt-get update && apt-get install -y b && rm -rf /var/lib/apt/lists/*\n", "ML104")
    assert f.message.endswith("end the RUN with `&& rm -rf /var/lib/apt/lists/*`")


def test_ml104_cleanup_script_in_the_same_run():
    does_not_catch("ML104", "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends git && clean-layer.sh\n")
    catches("ML104", "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends git && apt-get clean\n", (2, 13))


# -- ML101 -------------------------------------------------------------------------------------


def test_ml101_only_code_counts():
    does_not_catch("ML101", """
        FROM python:3.11-slim
        COPY matplotlibrc /root/.config/matplotlib/matplotlibrc
        COPY motd /etc/motd
        COPY config.yaml .condarc ./
        COPY scripts /usr/share/app/
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
    """)
    catches("ML101", """
        FROM python:3.11-slim
        COPY app /app/app
        COPY requirements.txt .
        RUN if [ -f requirements.txt ]; then pip install --no-cache-dir -r requirements.txt; fi
    """, (2, 1))


# -- ML301 -------------------------------------------------------------------------------------


def test_ml301_uv_images():
    does_not_catch("ML301", """
        FROM python:3.12-slim
        ENV PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1
        RUN uv sync --locked
        CMD ["python", "app.py"]
    """)
    [f] = findings('FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nRUN uv sync --locked\nCMD ["python", "app.py"]\n', "ML301")
    assert f.message == (
        "the image runs Python without PYTHONDONTWRITEBYTECODE; add `ENV PYTHONDONTWRITEBYTECODE=1` (or, as uv images do, "
        "compile bytecode at build time with `ENV UV_COMPILE_BYTECODE=1` instead of PYTHONDONTWRITEBYTECODE)"
    )
    [f] = findings('FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nRUN pip install --no-cache-dir x==1\nCMD ["python", "app.py"]\n', "ML301")
    assert "UV_COMPILE_BYTECODE" not in f.message


# -- ML303 -------------------------------------------------------------------------------------


def test_ml303_messages():
    def message(src):
        [f] = findings("FROM python:3.11-slim\nUSER 1000\n" + src, "ML303")
        return f.line, f.column, f.message

    assert message("CMD gunicorn -b 0.0.0.0:$PORT app:app\n") == (
        3, 1, "CMD in shell form runs under /bin/sh, which does not forward SIGTERM; the command needs the shell, "
        "so start it with exec (CMD exec ...) or from a wrapper script that ends in exec",
    )
    assert message("CMD ['python', 'app.py']\n") == (
        3, 1, "CMD [...] is not valid JSON (expecting value at line 3, column 6), so Docker runs it in shell form: "
        'it runs under /bin/sh, which does not forward SIGTERM; write it as a JSON array of double-quoted strings: ["...", "..."]',
    )
    assert message('ENTRYPOINT ["python", "app.py",]\n')[2].startswith("ENTRYPOINT [...] is not valid JSON (expecting value at line 3, column 32)")
    assert message("CMD python app.py\n")[2].endswith('use exec form: CMD ["...", "..."]')


def test_ml303_interactive_shell_and_exec():
    does_not_catch("ML303", "FROM python:3.11-slim\nCMD /bin/bash\n")
    does_not_catch("ML303", "FROM python:3.11-slim\nCMD ssh-keygen -A && bash -l\n")
    does_not_catch("ML303", "FROM python:3.11-slim\nCMD exec gunicorn -b 0.0.0.0:$PORT app:app\n")
    catches("ML303", "FROM python:3.11-slim\nCMD bash -c 'python app.py'\n", (2, 1))


def test_ml303_no_exec_form_fix_when_the_command_needs_the_shell(tmp_path):
    from mldocklint import fix as fixmod
    from mldocklint.engine import Options

    for src, fixed in [
        ("FROM python:3.11-slim\nUSER 1000\nCMD gunicorn -b 0.0.0.0:$PORT app:app\n", None),
        ("FROM python:3.11-slim\nUSER 1000\nCMD ['python', 'app.py']\n", None),
        ("FROM python:3.11-slim\nUSER 1000\nCMD gunicorn app:app\n", 'FROM python:3.11-slim\nUSER 1000\nCMD ["gunicorn", "app:app"]\n'),
    ]:
        path = tmp_path / "Dockerfile"
        path.write_text(src)
        fixmod.run([str(path)], Options(select=["ML303"]), write=True, unsafe=False, out=open("/dev/null", "w"))
        assert path.read_text() == (fixed or src)


# -- real-world review regressions ------------------------------------------------------------


def test_ml104_brace_expansion_removes_the_lists():
    does_not_catch("ML104", "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends a && rm -rf /var/lib/{apt,dpkg,cache,log}\n")
    catches("ML104", "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends a && rm -rf /var/lib/{dpkg,log}\n", (2, 13))


def test_ml105_cache_mount_named_by_a_variable():
    does_not_catch("ML105", "FROM python:3.11-slim\nENV PIP_CACHE_DIR=/.cache\nRUN --mount=type=cache,target=${PIP_CACHE_DIR} pip install -r requirements.txt\n")
    catches("ML105", "FROM python:3.11-slim\nRUN --mount=type=cache,target=${PIP_CACHE_DIR} pip install -r requirements.txt\n", (2, 52))


def test_ml101_a_version_file_copied_for_setup_py_is_not_code():
    does_not_catch("ML101", """
        FROM python:3.11-slim
        COPY mylib/version.py mylib/version.py
        COPY mylib/_version.py mylib/__about__.py mylib/
        COPY setup.py requirements.txt ./
        RUN pip install --no-cache-dir -r requirements.txt
    """)
    catches("ML101", """
        FROM python:3.11-slim
        COPY mylib/models.py mylib/
        RUN pip install --no-cache-dir -r requirements.txt
    """, (2, 1))


def test_ml202_suggests_a_commit_for_a_vcs_url():
    [f] = findings("FROM python:3.11-slim\nRUN pip install --no-cache-dir git+https://github.com/org/lib.git@main\n", "ML202")
    assert "pin it (`git+https://github.com/org/lib.git@<full commit hash>`)" in f.message
    [f] = findings("FROM python:3.11-slim\nRUN pip install --no-cache-dir git+https://github.com/org/lib.git rich\n", "ML202")
    assert "pin them (`rich==X.Y.Z`)" in f.message
