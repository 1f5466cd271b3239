"""The image's role: inference with evidence, overrides, where it is shown, and the rules that use it."""

from __future__ import annotations

import json
import textwrap

import pytest

from helpers import catches, does_not_catch, findings
from mldocklint.engine import Linter, Options, Result
from mldocklint.rules import all_rules
from mldocklint.syntax.dockerfile import parse
from mldocklint.target import Target


def role_of(src: str, path: str = "Dockerfile", configured: str | None = None):
    df = parse(textwrap.dedent(src).lstrip("\n"), path, {})
    return Target(df, None, None, configured).role


@pytest.mark.parametrize(
    "src, role, evidence, line",
    [
        ('FROM python:3.11-slim\nCMD ["gunicorn", "app:app"]\n', "serving", "CMD starts a server (`gunicorn`)", 2),
        ('FROM python:3.11-slim\nCMD ["python", "-m", "vllm.entrypoints.openai.api_server"]\n', "serving", "CMD starts a server (`vllm.entrypoints.openai.api_server`)", 2),
        ('FROM python:3.11-slim\nCMD ["python", "serve.py"]\n', "serving", "CMD runs `serve.py`, a server by its name", 2),
        ("FROM vllm/vllm-openai:v0.5.0\nRUN pip install --no-cache-dir flask==3.0.3\n", "serving", "the base image `vllm/vllm-openai` starts a server and no CMD replaces it", 1),
        ('FROM python:3.11-slim\nEXPOSE 8000\nCMD ["python", "main.py"]\n', "serving", "EXPOSE, and a CMD not known to end", 2),
        ('FROM python:3.11-slim\nHEALTHCHECK CMD curl -f http://localhost/\nCMD ["python", "main.py"]\n', "serving", "a HEALTHCHECK probes it", 2),
        ('FROM python:3.11-slim\nCMD ["torchrun", "--nproc_per_node=8", "train.py"]\n', "job", "CMD launches a job (`torchrun`)", 2),
        ('FROM python:3.11-slim\nENTRYPOINT ["accelerate", "launch", "run.py"]\n', "job", "ENTRYPOINT launches a job (`accelerate`)", 2),
        ('FROM python:3.11-slim\nCMD ["python", "train.py", "--epochs", "3"]\n', "job", "CMD runs `train.py`, a job by its name", 2),
        ("FROM python:3.11-slim\nENV SAGEMAKER_PROGRAM=entry.py\n", "job", "ENV sets `SAGEMAKER_PROGRAM`, a SageMaker training entry point", 2),
        ('FROM python:3.11-slim\nEXPOSE 8000\nCMD ["pytest", "-x"]\n', "test", "CMD runs `pytest`", 3),
        ('FROM python:3.11-slim\nCMD ["python", "-m", "pytest"]\n', "test", "CMD runs `pytest`", 2),
        ('FROM python:3.11-slim\nEXPOSE 8888\nCMD ["jupyter", "lab", "--ip=0.0.0.0"]\n', "development", "CMD starts a workbench (`jupyter`)", 3),
        ('FROM python:3.11-slim\nEXPOSE 8000\nCMD ["bash"]\n', "development", "CMD is `bash`, an interactive or idle container", 3),
        ("FROM python:3.11-slim\nCMD sleep infinity\n", "development", "CMD is `sleep infinity`, an interactive or idle container", 2),
        ("FROM python:3.11-slim\nCOPY . /src\nRUN pip install -e .\n", "development", "an editable install of the copied source and no CMD", 3),
        ("FROM python:3.11-slim AS dev\nRUN pip install --no-cache-dir black==24.4.2\n", "development", "stage `dev` names a development image", 1),
        ("FROM python:3.11-slim\nONBUILD COPY . /app\n", "base", "ONBUILD and no CMD or ENTRYPOINT: an image to build FROM", 2),
        ('FROM python:3.11-slim\nCMD ["python", "main.py"]\n', "unknown", "nothing decisive", None),
        ("FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy==1.26.4\n", "unknown", "nothing decisive", None),
    ],
)
def test_inferred_role_and_evidence(src, role, evidence, line):
    assert role_of(src) == (role, evidence, line)


@pytest.mark.parametrize(
    "path, role, evidence",
    [
        ("docker/Dockerfile.test", "test", "file name `Dockerfile.test` names a test image"),
        ("ci.Dockerfile", "test", "file name `ci.Dockerfile` names a test image"),
        (".devcontainer/Dockerfile", "development", "folder `.devcontainer` names a development image"),
        ("Dockerfile.base", "base", "file name `Dockerfile.base` names a base image and there is no CMD or ENTRYPOINT"),
        # a folder name is matched whole: `test_images` says nothing
        ("test_images/Dockerfile", "unknown", "nothing decisive"),
    ],
)
def test_role_from_the_file_name(path, role, evidence):
    assert role_of("FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy==1.26.4\n", path)[:2] == (role, evidence)


def test_target_stage_decides_the_role():
    df = parse('FROM python:3.11-slim AS test\nCMD ["pytest"]\nFROM python:3.11-slim AS serve\nCMD ["uvicorn", "app:app"]\n', "Dockerfile", {})
    assert Target(df, "test").role.name == "test"
    assert Target(df, "serve").role.name == "serving"


def test_pragma_overrides_inference_and_configuration():
    src = '# mldocklint: role=job\nFROM python:3.11-slim\nCMD ["gunicorn", "app:app"]\n'
    assert role_of(src, configured="development") == ("job", "set by `# mldocklint: role=job`", 1)
    assert role_of('FROM python:3.11-slim\nCMD ["gunicorn", "app:app"]\n', configured="development") == (
        "development",
        "set by `role` in the configuration",
        None,
    )


def test_unknown_role_in_pragma_is_ml900_and_ignored():
    src = 'FROM python:3.11-slim\n# mldocklint: role=server\nCMD ["gunicorn", "app:app"]\n'
    found = findings(src, ["ML900"], inline_suppressions=True)
    assert [(f.rule, f.line, f.column) for f in found] == [("ML900", 2, 1)]
    assert "unknown role 'server'" in found[0].message
    assert role_of(src).name == "serving"


def test_role_pragma_is_not_an_unused_suppression():
    src = '# mldocklint: role=job\nFROM python:3.11-slim\nUSER 1000\nCMD ["python", "main.py"]\n'
    assert findings(src, ["ML900"], inline_suppressions=True) == []


def test_configured_role_by_file_pattern(tmp_path):
    from mldocklint import config

    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[tool.mldocklint.role]\n"Dockerfile.train" = "job"\n"docker/*" = "test"\n')
    options = Options()
    config.apply(options, str(cfg))
    assert options.role_for(str(tmp_path / "Dockerfile.train")) == "job"
    assert options.role_for(str(tmp_path / "docker" / "Dockerfile")) == "test"
    assert options.role_for(str(tmp_path / "Dockerfile")) is None
    cfg.write_text('[tool.mldocklint]\nrole = "serving"\n')
    options = Options()
    config.apply(options, str(cfg))
    assert options.role_for(str(tmp_path / "any" / "Dockerfile")) == "serving"


def test_configured_role_must_be_a_known_role(tmp_path):
    from mldocklint import config

    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[tool.mldocklint]\nrole = "server"\n')
    with pytest.raises(ValueError) as e:
        config.apply(Options(), str(cfg))
    assert str(e.value) == f"{cfg}: role: invalid value 'server'; valid: serving, job, development, test, base, unknown"


def test_configured_role_drives_the_rules():
    src = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nUSER 1000\n"
    does_not_catch("ML106", src)
    catches("ML106", src, (2, 1), roles={"*": "job"})


def test_role_in_json_files_and_text_header(tmp_path):
    result = Result()
    Linter(Options(select=["ML302"])).lint_text('FROM python:3.11-slim\nEXPOSE 80\nCMD ["uvicorn", "a:app"]\n', "Dockerfile", result, str(tmp_path))
    info = result.file_info["Dockerfile"]
    assert list(info) == ["path", "role", "role_evidence", "context", "context_source"]
    assert (info["role"], info["role_evidence"]) == ("serving", "CMD starts a server (`uvicorn`) (line 3)")
    from mldocklint.report.text import _header

    assert _header("Dockerfile", info).plain.startswith("Dockerfile  role serving (CMD starts a server (`uvicorn`) (line 3))  context ")
    assert json.loads(json.dumps(info))["role"] == "serving"


def test_every_rule_page_says_its_roles():
    from mldocklint.catalog import page

    pages = {r.id: page(r) for r in all_rules().values()}
    assert "- **Roles:** every image" in pages["ML101"]
    assert "- **Roles:** `serving` images" in pages["ML304"]
    assert "- **Roles:** `serving`, `job` images" in pages["ML106"]
    assert "- **Roles:** `serving`, `job` images" in pages["ML403"]
    assert "- **Roles:** `serving`, `job`, `unknown` images" in pages["ML302"]
    assert all("- **Roles:** " in p for p in pages.values())


# -- rules by role ------------------------------------------------------------------------------

BUILD_TOOLS = "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc g++ make cmake ninja-build \\\n    && rm -rf /var/lib/apt/lists/*\nUSER 1000\n"


def test_ml106_judges_serving_and_job_images():
    catches("ML106", BUILD_TOOLS + 'CMD ["gunicorn", "app:app"]\n', (2, 1))
    catches("ML106", BUILD_TOOLS + 'CMD ["torchrun", "train.py"]\n', (2, 1))
    for cmd in ('CMD ["pytest"]\n', 'CMD ["bash"]\n', 'CMD ["python", "main.py"]\n', ""):
        does_not_catch("ML106", BUILD_TOOLS + cmd)


def test_ml106_one_finding_per_run_lists_the_packages():
    (f,) = findings(BUILD_TOOLS + 'CMD ["gunicorn", "app:app"]\n', ["ML106"])
    assert (f.line, f.column, f.end_line) == (2, 1, 3)
    assert f.message.startswith("`gcc`, `g++`, `make`, `cmake` and 1 more: 5 build tools left in the final image of this serving image")


@pytest.mark.parametrize(
    "extra",
    [
        "RUN pip install --no-cache-dir deepspeed==0.14.2\n",
        "RUN pip install --no-cache-dir vllm==0.5.0\n",
        "RUN pip install --no-cache-dir triton==2.3.0\n",
        "ENV TORCH_EXTENSIONS_DIR=/cache\nRUN python -c 'import torch.utils.cpp_extension'\n",
    ],
)
def test_ml106_and_ml403_skip_images_that_compile_at_run_time(extra):
    src = "FROM nvidia/cuda:12.1.1-devel-ubuntu22.04\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\n" + extra + 'CMD ["python", "serve.py"]\n'
    does_not_catch("ML106", src)
    does_not_catch("ML403", src)


def test_ml106_start_script_that_builds_sources():
    does_not_catch("ML106", "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nEXPOSE 80\nCMD pip install -e . && python serve.py\n")


def test_ml304_only_for_serving_images():
    catches("ML304", 'FROM python:3.11-slim\nEXPOSE 8000\nCMD ["python", "main.py"]\n', (3, 1))
    catches("ML304", 'FROM python:3.11-slim\nCMD ["python", "api_server.py"]\n', (2, 1))
    catches("ML304", "FROM vllm/vllm-openai:v0.5.0\nENV HF_HOME=/models\n", (1, 1))
    # EXPOSE with a known non-server command is not a server
    does_not_catch("ML304", 'FROM python:3.11-slim\nEXPOSE 8000\nCMD ["pytest", "-x"]\n')
    does_not_catch("ML304", 'FROM python:3.11-slim\nEXPOSE 8000\nCMD ["python", "train.py"]\n')
    does_not_catch("ML304", 'FROM python:3.11-slim\nEXPOSE 8888\nCMD ["jupyter", "lab"]\n')


def test_ml304_message_says_what_made_it_a_server():
    (f,) = findings('FROM python:3.11-slim\nEXPOSE 8000\nCMD ["python", "main.py"]\n', ["ML304"])
    assert f.message.startswith("the image serves (EXPOSE, and a CMD not known to end) but has no HEALTHCHECK")


def test_ml302_by_role():
    catches("ML302", 'FROM python:3.11-slim\nCMD ["gunicorn", "app:app"]\n', (1, 1))
    catches("ML302", 'FROM python:3.11-slim\nCMD ["torchrun", "train.py"]\n', (1, 1))
    catches("ML302", 'FROM python:3.11-slim\nCMD ["python", "main.py"]\n', (1, 1))
    does_not_catch("ML302", 'FROM python:3.11-slim\nCMD ["pytest"]\n')
    does_not_catch("ML302", 'FROM python:3.11-slim\nCMD ["bash"]\n')
    does_not_catch("ML302", "FROM python:3.11-slim\nONBUILD COPY . /app\n")
    (f,) = findings('FROM python:3.11-slim\nCMD ["gunicorn", "app:app"]\n', ["ML302"])
    assert f.severity == "error"


def test_ml403_names_the_role_and_offers_runtime_only_where_published():
    (f,) = findings('FROM nvidia/cuda:12.1.1-devel-ubuntu22.04\nCMD ["python3", "train.py"]\n', ["ML403"])
    assert (f.line, f.column) == (1, 6)
    assert f.message.startswith("this job image is based on the CUDA development image `nvidia/cuda:12.1.1-devel-ubuntu22.04`")
    assert "run FROM `nvidia/cuda:12.1.1-runtime-ubuntu22.04`" in f.message
    (f,) = findings('FROM tensorflow/tensorflow:2.15.0-devel-gpu\nCMD ["python3", "serve.py"]\n', ["ML403"])
    assert f.message.startswith("this serving image is based on")
    assert "run FROM a CUDA runtime image of the same version" in f.message and "-runtime" not in f.message.split("`")[-1]
    does_not_catch("ML403", 'FROM nvidia/cuda:12.1.1-devel-ubuntu22.04\nCMD ["bash"]\n')


# -- patterns found in the real-world review (bench/realworld/review-roles.md) -----------------


def test_review_ssh_port_only_is_a_machine_to_log_into():
    src = "FROM nvidia/cuda:12.1.1-devel-ubuntu22.04\nRUN apt-get update && apt-get install -y --no-install-recommends cmake openssh-server\nEXPOSE 22\n"
    assert role_of(src)[:2] == ("development", "EXPOSE of the ssh port only: a machine to log into")
    assert role_of("FROM python:3.11-slim\nARG PORT_SSH=22\nEXPOSE ${PORT_SSH}\nENTRYPOINT [\"/entry.sh\"]\n").name == "development"
    does_not_catch("ML106", src)
    does_not_catch("ML304", src)


def test_review_workbench_base_without_command():
    src = "FROM mltooling/ml-workspace-minimal:0.13.2\nEXPOSE 8080\n"
    assert role_of(src)[:2] == ("development", "the base image `mltooling/ml-workspace-minimal` is a workbench and no CMD replaces it")
    does_not_catch("ML304", src)


def test_review_scratch_bundle_and_tests_folder():
    assert role_of("FROM scratch\nCOPY model.bin /\n").name == "base"
    assert role_of("FROM python:3.11-slim\nCOPY . /app\n", "tests/fixtures/backend-image/Dockerfile").name == "test"
    does_not_catch("ML302", "FROM python:3.11-slim\nCOPY . /app\n", path="tests/fixtures/backend-image/Dockerfile")


def test_review_ml302_skips_an_environment_with_no_command():
    does_not_catch("ML302", "FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy==1.26.4\n")
    catches("ML302", 'FROM python:3.11-slim\nRUN pip install --no-cache-dir numpy==1.26.4\nCMD ["python", "main.py"]\n', (1, 1))


def test_review_devel_base_without_command_is_development():
    src = "FROM nvidia/cuda:11.0-cudnn8-devel-ubuntu18.04\nRUN apt-get update && apt-get install -y --no-install-recommends cmake\n"
    assert role_of(src).name == "development"
    does_not_catch("ML403", src)


def test_review_notebook_start_script_and_jupyter_install_are_workbenches():
    assert role_of('FROM python:3.11-slim\nEXPOSE 8888\nCMD ["/run_jupyter.sh", "--allow-root"]\n')[:2] == ("development", "CMD starts a workbench (`run_jupyter.sh`)")
    src = 'FROM ubuntu:22.04\nRUN pip install --no-cache-dir jupyterlab==4.2.0\nEXPOSE 8080\nCMD ["python", "/resources/docker-entrypoint.py"]\n'
    assert role_of(src)[:2] == ("development", "installs Jupyter or a code server, and nothing else says what it runs")


def test_review_vllm_started_by_the_command_compiles_at_run_time():
    does_not_catch("ML106", 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends python3-dev\nENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]\n')


def test_review_ml302_unprivileged_nginx_and_lambda_images():
    does_not_catch("ML302", 'FROM nginxinc/nginx-unprivileged:1.27-alpine\nEXPOSE 8080\nCMD ["nginx", "-g", "daemon off;"]\n')
    does_not_catch("ML302", 'FROM python:3.11-slim\nENTRYPOINT ["python", "-m", "awslambdaric"]\nCMD ["app.handler"]\n')
    does_not_catch("ML302", 'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n')
    catches("ML302", 'FROM nginx:1.27-alpine\nEXPOSE 80\nCMD ["nginx", "-g", "daemon off;"]\n', (1, 1))
    does_not_catch("ML302", 'FROM agrigorev/zoomcamp-cats-dogs-lambda:v2\nCMD ["homework.lambda_handler"]\n')
    catches("ML302", 'FROM agrigorev/zoomcamp-cats-dogs-lambda:v2\nCMD ["python", "main.py"]\n', (1, 1))
