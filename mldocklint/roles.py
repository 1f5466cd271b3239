"""What the image being built is for: its role, and the evidence that decided it.

| role | decided by |
|---|---|
| `serving` | the command starts a server (gunicorn, uvicorn, vllm serve, tritonserver, ...), a script named like a server (`serve.py`, `api.py`), a serving base image with no command of its own, a `HEALTHCHECK`, or `EXPOSE` with a command not known to end |
| `job` | training or batch: `torchrun`, `deepspeed`, `accelerate launch`, `python train.py`, SageMaker's `SAGEMAKER_PROGRAM` |
| `development` | a shell, `sleep infinity` or a notebook / VS Code server as the command, a stage named `dev`, `EXPOSE` of the ssh port only; with no command: a workbench base image (Jupyter, ml-workspace, code-server), a CUDA `-devel` base, or an editable install of the copied source |
| `test` | pytest, tox or nox as the command; `Dockerfile.test`/`.ci`/`.qa` names, stages named `test` or `ci`, a Dockerfile under a `tests/` folder |
| `base` | no `CMD`/`ENTRYPOINT` and `ONBUILD`, `base` in the file or stage name, or `FROM scratch` |
| `unknown` | nothing decisive |

The first match wins, in this order: what the command runs; SageMaker's variable; the
stage, file and folder names; an ssh-only `EXPOSE`; for an image with no command, `ONBUILD`,
its names and its base image; a `HEALTHCHECK`; a Jupyter install; `EXPOSE`. ``# mldocklint: role=job`` in the file, or ``role`` in the
configuration, overrides the inference (see ``Target.role``).

``compiles_at_runtime`` tells whether the running container builds code (DeepSpeed ops,
Triton/vLLM JIT kernels, ``torch.utils.cpp_extension.load``), which needs compilers there.
Everything here reads the parsed model only: no I/O.
"""

from __future__ import annotations

import re

from mldocklint import lazyre
from mldocklint.model import Dockerfile, Instruction
from mldocklint.records import NamedTuple
from mldocklint.syntax.image_ref import image_parts
from mldocklint.syntax.shell import program

ROLES = ("serving", "job", "development", "test", "base", "unknown")

_PRAGMA = lazyre.compile(r"mldocklint\s*:\s*role\s*=\s*(\S*)\s*(--.*)?$", re.IGNORECASE)


class Role(NamedTuple):
    name: str  # one of ROLES
    evidence: str  # what decided it
    line: int | None = None  # where, when it is a line of the Dockerfile

    def describe(self) -> str:
        return self.evidence + (f" (line {self.line})" if self.line else "")


# -- servers -------------------------------------------------------------------------

_SERVER_PROGRAMS = frozenset(
    "gunicorn uvicorn hypercorn daphne waitress-serve tritonserver torchserve tensorflow_model_server "
    "text-generation-launcher gradio lmdeploy-serve ollama".split()
)
# program -> sub-commands that serve
_SERVER_SUBCOMMANDS = {
    "flask": ("run",),
    "fastapi": ("run", "dev"),
    "streamlit": ("run",),
    "bentoml": ("serve",),
    "vllm": ("serve",),
    "mlflow": ("server", "models"),
    "ray": ("serve",),
    "ollama": ("serve",),
    "lmdeploy": ("serve",),
}
_SERVER_MODULE = lazyre.compile(r"(uvicorn|gunicorn|hypercorn|flask|streamlit|vllm\.entrypoints(\..*)?|sglang\.launch_server|http\.server|lmdeploy\.serve(\..*)?)$")
# scripts whose name says they serve (`python serve.py`, `python3 api/server.py`)
_SERVER_SCRIPT = lazyre.compile(r"(serve|server|serving|api|api_server|webui|web_demo|gradio_app)\.py")
# base images whose own command starts a server (an image FROM them with no CMD serves)
SERVING_BASES = (
    "vllm/vllm-openai",  # https://docs.vllm.ai/en/latest/deployment/docker.html (ENTRYPOINT vllm serve)
    "ghcr.io/huggingface/text-generation-inference",  # https://huggingface.co/docs/text-generation-inference (text-generation-launcher)
    "nvcr.io/nvidia/tritonserver",  # https://docs.nvidia.com/deeplearning/triton-inference-server/ (tritonserver)
    "pytorch/torchserve",  # https://github.com/pytorch/serve/tree/master/docker (torchserve --start)
    "tensorflow/serving",  # https://www.tensorflow.org/tfx/serving/docker (tensorflow_model_server)
    "openmmlab/lmdeploy",  # https://lmdeploy.readthedocs.io/en/latest/get_started/installation.html
    "ollama/ollama",  # https://hub.docker.com/r/ollama/ollama (ENTRYPOINT ollama serve)
)


def _python_module(words: list[str]) -> tuple[str, list[str]] | None:
    """(module, its arguments) of ``python -m module ...``."""
    if program(words[0]).startswith("python") and "-m" in words[1:]:
        k = words.index("-m", 1)
        if k + 1 < len(words):
            return words[k + 1], words[k + 2 :]
    return None


def _python_script(words: list[str]) -> str | None:
    """The script ``python script.py ...`` runs (its base name, lower case)."""
    if not program(words[0]).startswith("python"):
        return None
    for w in words[1:]:
        if w.startswith("-"):
            if w in ("-m", "-c"):
                return None
            continue
        return program(w).lower() if w.endswith(".py") else None
    return None


def starts_server(words: list[str]) -> bool:
    """True when a command starts a web or inference server (gunicorn, tritonserver, vllm serve, ...)."""
    prog = program(words[0])
    rest = words[1:]
    module = _python_module(words)
    if module is not None and _SERVER_MODULE.match(module[0]):
        return module[0] not in ("flask", "streamlit") or module[1][:1] == ["run"]
    if prog in _SERVER_PROGRAMS:
        return True
    return prog in _SERVER_SUBCOMMANDS and bool(rest) and rest[0] in _SERVER_SUBCOMMANDS[prog]


# -- the other roles' commands -----------------------------------------------------------

_TEST_PROGRAMS = frozenset(("pytest", "py.test", "tox", "nox", "unittest"))
_SHELL_PROGRAMS = frozenset(("bash", "sh", "zsh", "ash", "fish"))
_WORKBENCH = lazyre.compile(r"jupyter|notebook|code-server|openvscode-server")  # in the program's name: run_jupyter.sh, start-notebook.py
# packages that make an image a workbench when nothing else says what it runs
_WORKBENCH_PACKAGES = lazyre.compile(r"\b(pip3?|conda|mamba|micromamba|uv)\b.*\binstall\b.*\b(jupyterlab|jupyter|notebook|code-server)\b")
_JOB_PROGRAMS = frozenset(("torchrun", "deepspeed", "horovodrun", "mpirun", "colossalai", "composer", "llamafactory-cli", "axolotl", "tune"))
_JOB_MODULES = lazyre.compile(r"torch\.distributed\.(run|launch)|accelerate\.commands\.launch|deepspeed(\.launcher\.runner)?|axolotl\.cli\.train")
_JOB_SCRIPT = lazyre.compile(r"(train|training|finetune|fine_tune|pretrain|run_clm|run_glue|run_mlm|evaluate|eval|benchmark|batch|predict|inference|infer|preprocess|export|convert)[\w-]*\.py")


def _command_role(words: list[str], instr: Instruction) -> Role | None:
    """The role one command of CMD/ENTRYPOINT decides, or None."""
    prog = program(words[0])
    module = _python_module(words)
    kw = instr.keyword
    if prog in _TEST_PROGRAMS or (module is not None and module[0] in ("pytest", "tox", "nox", "unittest")):
        return Role("test", f"{kw} runs `{prog if module is None else module[0]}`", instr.line)
    if starts_server(words):
        return Role("serving", f"{kw} starts a server (`{prog if module is None else module[0]}`)", instr.line)
    if _WORKBENCH.search(prog.lower()) or (module is not None and module[0] in ("jupyter", "jupyterlab", "notebook")):
        return Role("development", f"{kw} starts a workbench (`{prog}`)", instr.line)
    if prog in _JOB_PROGRAMS or (prog == "accelerate" and words[1:2] == ["launch"]) or (module is not None and _JOB_MODULES.fullmatch(module[0])):
        return Role("job", f"{kw} launches a job (`{prog if module is None else module[0]}`)", instr.line)
    script = _python_script(words)
    if script is not None and _JOB_SCRIPT.fullmatch(script):
        return Role("job", f"{kw} runs `{script}`, a job by its name", instr.line)
    if script is not None and _SERVER_SCRIPT.fullmatch(script):
        return Role("serving", f"{kw} runs `{script}`, a server by its name", instr.line)
    if prog in _SHELL_PROGRAMS and len(words) == 1 or " ".join(words) in ("sleep infinity", "tail -f /dev/null"):
        return Role("development", f"{kw} is `{' '.join(words)}`, an interactive or idle container", instr.line)
    return None


# -- names -------------------------------------------------------------------------------

_TEST_NAME = lazyre.compile(r"(^|[._-])(test|tests|ci|qa)($|[._-])", re.IGNORECASE)
_DEV_NAME = lazyre.compile(r"(^|[._-])(dev|devel|develop|development|devcontainer|notebook|jupyter)($|[._-])", re.IGNORECASE)
_BASE_NAME = lazyre.compile(r"(^|[._-])base($|[._-])", re.IGNORECASE)


def _names(df: Dockerfile, stage) -> list[tuple[str, str, int | None]]:
    """(name, what it is, line) of what names the image: the stage, the file (``Dockerfile.test``),
    or the folder of a plain ``Dockerfile`` (``.devcontainer/Dockerfile``), the folder's
    name matched whole."""
    names = [(stage.name, f"stage `{stage.name}`", stage.from_instruction.line)] if stage.name else []
    parts = df.path.replace("\\", "/").split("/")
    if parts[-1].lower() != "dockerfile":
        names.append((parts[-1], f"file name `{parts[-1]}`", None))
    elif len(parts) > 1:
        folder = parts[-2].lstrip(".")
        names.append((folder if _FOLDER.fullmatch(folder) else "", f"folder `{parts[-2]}`", None))
    tests = next((p for p in parts[:-1] if p.lower() in ("test", "tests")), None)
    if tests is not None:
        names.append((tests, f"folder `{tests}/`", None))
    return names


_SSH = lazyre.compile(r"22(/tcp)?|\$\{?\w*SSH\w*\}?", re.IGNORECASE)
# base images that are workbenches (Jupyter, VS Code in the browser): an image FROM them with no CMD is one too
WORKBENCH_BASES = (
    "jupyter/",  # https://jupyter-docker-stacks.readthedocs.io/ (start-notebook.py)
    "quay.io/jupyter/",
    "mltooling/ml-workspace",  # https://github.com/ml-tooling/ml-workspace (Jupyter, VS Code, desktop)
    "codercom/code-server",  # https://hub.docker.com/r/codercom/code-server
    "gitpod/openvscode-server",  # https://hub.docker.com/r/gitpod/openvscode-server
)
_FOLDER = lazyre.compile(r"test|tests|ci|qa|dev|devel|development|devcontainer|notebook|jupyter|base", re.IGNORECASE)


_EDITABLE = lazyre.compile(r"\bpip3?\s+install\b.*\s(-e|--editable)\s+\.(\[[^\]]*\])?(\s|$)")


def infer(target) -> Role:
    """The role of the image ``target`` (a ``Target``) builds, from its model alone."""
    df, stage = target.dockerfile, target.final
    effective = target.effective(stage)
    ep, cmd = target.last("ENTRYPOINT", stage), target.last("CMD", stage)
    if ep is not None and cmd is not None and ep.line > cmd.line and ep.stage == cmd.stage:
        cmd = None  # an ENTRYPOINT after the CMD resets it
    starts = [i for i in (ep, cmd) if i is not None]
    commands = target.commands
    for instr in starts:
        for words in commands(instr):
            found = _command_role(words, instr)
            if found is not None:
                return found
    for i in effective:
        if i.keyword == "ENV" and "SAGEMAKER_PROGRAM" in i.value[::2]:
            return Role("job", "ENV sets `SAGEMAKER_PROGRAM`, a SageMaker training entry point", i.line)
    names = _names(df, stage)
    for name, what, line in names:
        if _TEST_NAME.search(name):
            return Role("test", f"{what} names a test image", line)
        if _DEV_NAME.search(name):
            return Role("development", f"{what} names a development image", line)
    expose = next((i for i in effective if i.keyword == "EXPOSE"), None)
    if expose is not None and all(_SSH.fullmatch(p) for i in effective if i.keyword == "EXPOSE" for p in i.value):
        return Role("development", "EXPOSE of the ssh port only: a machine to log into", expose.line)
    if not starts:
        onbuild = next((i for i in effective if i.keyword == "ONBUILD"), None)
        if onbuild is not None:
            return Role("base", "ONBUILD and no CMD or ENTRYPOINT: an image to build FROM", onbuild.line)
        for name, what, line in names:
            if _BASE_NAME.search(name):
                return Role("base", f"{what} names a base image and there is no CMD or ENTRYPOINT", line)
        root = df.lineage(stage)[0]
        repo, tag = image_parts(root.base)
        if repo.startswith(SERVING_BASES):
            return Role("serving", f"the base image `{repo}` starts a server and no CMD replaces it", root.from_instruction.line)
        if repo.startswith(WORKBENCH_BASES):
            return Role("development", f"the base image `{repo}` is a workbench and no CMD replaces it", root.from_instruction.line)
        if repo == "scratch":
            return Role("base", "FROM scratch with no command: files for other images to copy", root.from_instruction.line)
        if "devel" in re.split(r"[-_.]", tag):
            return Role("development", f"no CMD, on the development image `{root.base}`", root.from_instruction.line)
        for i in effective:
            if i.keyword == "RUN" and any(_EDITABLE.search(" ".join(words) + " ") for words in commands(i)):
                return Role("development", "an editable install of the copied source and no CMD", i.line)
    health = target.last("HEALTHCHECK", stage)
    if health is not None and health.value[:1] != ("NONE",) and starts:
        return Role("serving", "a HEALTHCHECK probes it", health.line)
    workbench = next((i for i in effective if i.keyword == "RUN" and _WORKBENCH_PACKAGES.search(i.rest)), None)
    if workbench is not None:
        return Role("development", "installs Jupyter or a code server, and nothing else says what it runs", workbench.line)
    if expose is not None:
        if not starts:
            return Role("serving", "EXPOSE, and no command of its own", expose.line)
        return Role("serving", f"EXPOSE, and a {starts[-1].keyword} not known to end", expose.line)
    return Role("unknown", "nothing decisive")


# -- overrides -----------------------------------------------------------------------------


def pragma_value(comment: str) -> str | None:
    """The role a ``mldocklint: role=NAME`` comment names (as written, lower case), or None for other comments."""
    m = _PRAGMA.match(comment.strip())
    return m.group(1).lower() if m else None


def pragma(df: Dockerfile) -> Role | None:
    """The role the file's last valid ``# mldocklint: role=NAME`` comment sets, or None."""
    found = None
    for line, text in df.comments:
        name = pragma_value(text)
        if name in ROLES:
            found = Role(name, f"set by `# mldocklint: role={name}`", line)
    return found


# -- code built at run time ----------------------------------------------------------------

# What makes a container compile code when it runs, and so need compilers (and nvcc) there
# (what, a word every match holds, the pattern):
_RUNTIME_BUILD = (
    # DeepSpeed builds its C++/CUDA ops on first use unless DS_BUILD_OPS=1 prebuilt them:
    # https://www.deepspeed.ai/tutorials/advanced-install/ ("JIT compile ... at runtime")
    ("deepspeed", "deepspeed", lazyre.compile(r"\bdeepspeed\b")),
    # vLLM / FlashInfer / Triton compile kernels on first use (Triton needs a C compiler for its launcher):
    # https://triton-lang.org/main/getting-started/installation.html, https://docs.flashinfer.ai/installation.html
    ("vllm", "vllm", lazyre.compile(r"\bvllm\b")),
    ("flashinfer", "flashinfer", lazyre.compile(r"\bflashinfer")),
    ("triton", "triton", lazyre.compile(r"\btriton\b(?!server|-model)")),
    # torch.utils.cpp_extension.load() compiles C++/CUDA sources when called:
    # https://pytorch.org/docs/stable/cpp_extension.html
    ("torch.utils.cpp_extension", "cpp_extension", lazyre.compile(r"torch\.utils\.cpp_extension|cpp_extension\.load")),
)
_BUILD_AT_START = lazyre.compile(r"\b(python3?\s+setup\.py\s+(build|develop|install)|pip3?\s+install\s+(-e\s+)?\.|make\b|cmake\b|ninja\b)")


def compiles_at_runtime(target) -> tuple[str, int] | None:
    """(what, line) when the image ``target`` builds compiles code when it runs, else None."""
    effective = target.effective()
    texts = [(i.line, (i.rest + "".join(d.content for d in i.heredocs)).lower()) for i in effective if i.keyword in ("RUN", "ENV")]
    every = "\n".join(t for _, t in texts)  # one search of all the text rules most images out
    for what, word, pattern in _RUNTIME_BUILD:
        if word in every and pattern.search(every):
            return what, next(line for line, t in texts if pattern.search(t))
    for i in effective:
        if i.keyword not in ("CMD", "ENTRYPOINT"):
            continue
        text = " ".join(w for c in target.commands(i) for w in c)
        if _BUILD_AT_START.search(text):
            return "a start command that builds sources", i.line
        low = text.lower()
        for what, word, pattern in _RUNTIME_BUILD:
            if word in low and pattern.search(low):
                return what, i.line
    return None
