"""The Dockerfile as rules see it: the parsed model, the stage being built, and facts
derived from them once per file (commands of each RUN, the environment, the stages that make
the image), plus helpers that place a problem at a word of the source.

Everything here is derived from data already read: no I/O.
"""

from __future__ import annotations

from bisect import bisect_left

from mldocklint import lazyre
from mldocklint import roles
from mldocklint.model import Dockerfile, Instruction, Problem, Stage
from mldocklint.records import NamedTuple
from mldocklint.syntax import shell
from mldocklint.syntax.dockerfile import BUILTIN_ARGS

_PY = lazyre.compile(r"(^|/)(python[0-9.]*|pip[0-9.]*|gunicorn|uvicorn|hypercorn|flask|streamlit|gradio|jupyter|torchrun|celery|fastapi|mlflow|bentoml|pytest)$")


class Target:
    """One Dockerfile as the rules see it: the model, the stage being built, and facts.

    ``context`` is the build context (``context.BuildContext``) when a rule that needs it
    is selected, else None; ``role`` the role the configuration gives the file, if any.
    Everything here is derived from data already read.
    """

    def __init__(self, dockerfile: Dockerfile, stage_name: str | None = None, context: object | None = None, role: str | None = None):
        self.dockerfile = dockerfile
        self.stage_name = stage_name
        self.context = context
        self.configured_role = role
        self._cache: dict = {}  # derived facts, computed once per file

    def memo(self, key: tuple, compute, *args):
        """``compute(self, *args)``, worked out once per file under ``key``: for facts several
        rules (or one rule's fixer, once per finding) ask for."""
        if key not in self._cache:
            self._cache[key] = compute(self, *args)
        return self._cache[key]

    @property
    def role(self) -> roles.Role:
        """What the image being built is for (``roles``): the file's ``# mldocklint: role=``
        pragma, else the configuration's ``role``, else inferred; cached."""
        found = self._cache.get("role")
        if found is None:
            found = roles.pragma(self.dockerfile)
            if found is None and self.configured_role is not None:
                found = roles.Role(self.configured_role, "set by `role` in the configuration")
            found = self._cache["role"] = found or roles.infer(self)
        return found

    def compiles_at_runtime(self) -> tuple[str, int] | None:
        """(what, line) when the container compiles code as it runs (``roles.compiles_at_runtime``); cached."""
        if "runtime_build" not in self._cache:
            self._cache["runtime_build"] = roles.compiles_at_runtime(self)
        return self._cache["runtime_build"]

    @property
    def final(self) -> Stage:
        return self.dockerfile.target(self.stage_name)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self.dockerfile.stages

    def commands(self, instr: Instruction) -> list[list[str]]:
        """Simple commands a RUN (or CMD/ENTRYPOINT/HEALTHCHECK) runs; cached per instruction."""
        key = id(instr)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = shell.commands(_healthcheck_command(instr))
        return cached

    def problem_at_word(self, instr: Instruction, command: int, word: int, message: str, **kw) -> Problem:
        """A problem at word ``word`` of ``self.commands(instr)[command]``, or at the instruction."""
        span = self.word_span(instr, command, word)
        if span is None:
            return Problem.at(instr, message, **kw)
        return Problem(span[0], span[1], message, end_line=span[2], end_column=span[3], **kw)

    def word_span(self, instr: Instruction, command: int, word: int) -> tuple[int, int, int, int] | None:
        """(line, column, end_line, end_column) of word ``word`` of ``self.commands(instr)[command]``
        when it is written verbatim in the source, else None; cached per instruction."""
        key = ("spans", id(instr))
        spans = self._cache.get(key)
        if spans is None:
            spans = self._cache[key] = word_spans(self.dockerfile, instr, self.commands(instr))
        return spans[command][word] if command < len(spans) and word < len(spans[command]) else None

    def runs(self, stage: Stage | None = None):
        """(RUN instruction, command words) pairs, for one stage or all."""
        stages = [stage] if stage is not None else self.dockerfile.stages
        for s in stages:
            for instr in s.instructions:
                if instr.keyword == "RUN":
                    for words in self.commands(instr):
                        yield instr, words

    def run_commands(self):
        """(stage, RUN instruction, command index, words) of every command of every RUN."""
        for s in self.dockerfile.stages:
            for instr in s.instructions:
                if instr.keyword == "RUN":
                    for ci, words in enumerate(self.commands(instr)):
                        yield s, instr, ci, words

    def installs(self, stages: list[Stage] | None = None) -> list:
        """Every command that installs Python packages (``PipInstall``) in ``stages`` (default: all):
        pip, uv, pipx, poetry and conda (see ``shell.installer``); cached per stage."""
        found = []
        for stage in stages if stages is not None else self.dockerfile.stages:
            key = ("installs", stage.index)
            cached = self._cache.get(key)
            if cached is None:
                cached = self._cache[key] = list(self._stage_installs(stage))
            found += cached
        return found

    def _stage_installs(self, stage: Stage):
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            for ci, words in enumerate(self.commands(instr)):
                found = shell.installer(words)
                if found is None:
                    continue
                args = words[found.start :]
                opts, reqs = shell.pip_options(args, found.tool)
                if found.start > 2 and found.tool == "pip":  # `pip --no-cache-dir install`
                    before, _ = shell.pip_options([w for w in words[1 : found.start - 1] if w.startswith("-")])
                    opts = {**before, **opts}
                k, listed = 0, []
                for r in reqs:
                    k = args.index(r, k) + 1
                    listed.append((found.start + k - 1, r))
                yield PipInstall(stage, instr, ci, words, opts, listed, found.tool, found.action, self._settings(stage, instr))

    def shipped_requirements(self) -> list[tuple[Stage, object]]:
        """(stage, ``context.RequirementsSource``) of each requirements source that a RUN of a
        stage that ships installs; none without a build context."""
        if self.context is None:
            return []
        built = {s.index: s for s in self.built_stages()}
        return [(built[src.instruction.stage], src) for src in self.context.requirements if src.instruction.stage in built]

    def pip_installs(self, stages: list[Stage] | None = None) -> list:
        """The installs of ``installs`` whose arguments are pip requirements (all but conda's)."""
        return [p for p in self.installs(stages) if p.tool != "conda"]

    def _settings(self, stage: Stage, instr: Instruction) -> dict[str, str]:
        """Installer settings in effect for a RUN of ``stage`` (see ``PipInstall.settings``).

        One pass over the stage, cached: ``PIP_*``/``UV_*`` values from ENV and ARG (build
        arguments are in every RUN's environment), pip configuration earlier RUNs write, and
        assignments in the RUN itself.
        """
        key = ("settings", stage.index)
        by_run = self._cache.get(key)
        if by_run is None:
            by_run = self._cache[key] = {}
            env: dict[str, str] = {}
            config: dict[str, str] = {}
            for i in self.effective(stage):
                if i.keyword == "ENV":
                    env.update((i.value[k], dequote(i.value[k + 1])) for k in range(0, len(i.value) - 1, 2) if i.value[k].startswith(_INSTALLER_VARS))
                elif i.keyword == "ARG":
                    for item in i.value:
                        name, eq, val = item.partition("=")
                        val = dequote(val) if eq else self.dockerfile.global_args.get(name)
                        if name.startswith(_INSTALLER_VARS) and val is not None and name not in env:
                            env[name] = val
                elif i.keyword == "RUN":
                    inline = {m.group(1): dequote(m.group(2)) for m in _INLINE_VAR.finditer(i.rest)} if "PIP_" in i.rest or "UV_" in i.rest else {}
                    by_run[id(i)] = {**config, **env, **inline}
                    config.update(_pip_config(self.commands(i), i))
        return by_run.get(id(instr), {})

    def built_stages(self) -> list[Stage]:
        """Stages that end up in the target image or feed it (FROM parent, COPY --from,
        RUN --mount=from=...): the stages that ship. The others are never built; cached."""
        cached = self._cache.get("built_stages")
        if cached is not None:
            return cached
        df = self.dockerfile
        final = self.final
        needed = {final.index}
        todo = [final]
        while todo:
            s = todo.pop()
            refs = [s.parent] if s.parent is not None else []
            for i in s.instructions:
                for ref in [source_stage(df, i)] + mount_stages(df, i):
                    if ref is not None:
                        refs.append(ref.index)
            for r in refs:
                if r not in needed:
                    needed.add(r)
                    todo.append(df.stages[r])
        cached = self._cache["built_stages"] = [s for s in df.stages if s.index in needed]
        return cached

    def image_stages(self, stage: Stage | None = None) -> list[Stage]:
        """Stages whose files are in the image of ``stage`` (default: the final stage), in file
        order: the stage, the stages it is built FROM and, with theirs, every stage one of them
        copies whole (``COPY --from=build / /``, the way images are flattened); cached."""
        stage = stage or self.final
        key = ("image_stages", stage.index)
        cached = self._cache.get(key)
        if cached is None:
            df = self.dockerfile
            found: dict[int, Stage] = {}
            todo = [stage]
            while todo:
                for s in df.lineage(todo.pop()):
                    if s.index in found:
                        continue
                    found[s.index] = s
                    for i in s.instructions:
                        ref = source_stage(df, i) if i.keyword == "COPY" and i.value[:-1] == ("/",) else None
                        if ref is not None and ref.index < s.index:
                            todo.append(ref)
            cached = self._cache[key] = [found[k] for k in sorted(found)]
        return cached

    # -- runtime facts of the stage being built ------------------------------------

    def effective(self, stage: Stage | None = None) -> list[Instruction]:
        """Instructions that shape ``stage`` (default: the final stage), parents first; cached."""
        stage = stage or self.final
        key = ("effective", stage.index)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self.dockerfile.effective_instructions(stage)
        return cached

    def position(self, instr: Instruction, stage: Stage | None = None) -> int:
        """Index of ``instr`` in ``effective(stage)``; its length when the stage does not run it."""
        stage = stage or self.final
        key = ("position", stage.index)
        index = self._cache.get(key)
        if index is None:
            index = self._cache[key] = {id(i): k for k, i in enumerate(self.effective(stage))}
        return index.get(id(instr), len(index))

    def last(self, keyword: str, stage: Stage | None = None) -> Instruction | None:
        found = None
        for i in self.effective(stage):
            if i.keyword == keyword:
                found = i
        return found

    def env(self, stage: Stage | None = None, before: Instruction | None = None) -> dict[str, tuple[str, Instruction]]:
        """Variables set by ENV (and ARG defaults) in the stage and its parents: name -> (value, instr).

        With ``before``, only what is set ahead of that instruction.
        """
        stage = stage or self.final
        key = ("env", stage.index)
        steps = self._cache.get(key)
        if steps is None:  # (positions of the ENVs, the variables after each)
            steps = self._cache[key] = ([], [])
            out: dict[str, tuple[str, Instruction]] = {}
            for pos, i in enumerate(self.effective(stage)):
                if i.keyword == "ENV":
                    out = dict(out)
                    for k in range(0, len(i.value) - 1, 2):
                        out[i.value[k]] = (dequote(i.value[k + 1]), i)
                    steps[0].append(pos)
                    steps[1].append(out)
        end = self.position(before, stage) if before is not None else len(self.effective(stage))
        k = bisect_left(steps[0], end)
        return dict(steps[1][k - 1]) if k else {}

    def entrypoint_words(self, stage: Stage | None = None) -> list[str]:
        """What the container runs: ENTRYPOINT followed by CMD, as words."""
        words: list[str] = []
        for kw in ("ENTRYPOINT", "CMD"):
            instr = self.last(kw, stage)
            if instr is None:
                continue
            if kw == "CMD":
                ep = self.last("ENTRYPOINT", stage)
                if ep is not None and ep.line > instr.line and ep.stage == instr.stage:
                    # an ENTRYPOINT after the CMD resets it
                    continue
            if instr.exec_form:
                words.extend(instr.value)
            else:
                words.extend(w for c in self.commands(instr) for w in c)
        return words

    def runs_python(self, stage: Stage | None = None) -> bool:
        words = self.entrypoint_words(stage)
        if any(_PY.search(w) for w in words[:3]):
            return True
        base = self.dockerfile.root_base(stage or self.final).lower()
        return any(p in base for p in ("python", "pytorch", "tensorflow", "conda", "jupyter", "huggingface"))


def stage_ref(df: Dockerfile, src: str | None) -> Stage | None:
    """The stage a ``from`` value names (by name or index), or None (an image, or no value)."""
    if not src:
        return None
    ref = df.stage_named(src)
    if ref is None and src.isdigit() and int(src) < len(df.stages):
        ref = df.stages[int(src)]
    return ref


def source_stage(df: Dockerfile, instr: Instruction) -> Stage | None:
    """The stage an instruction's ``--from`` names, or None (an image, or no flag)."""
    return stage_ref(df, instr.flag("from"))


def mount_stages(df: Dockerfile, instr: Instruction) -> list[Stage]:
    """The stages a RUN's ``--mount=...,from=NAME`` flags read."""
    return [ref for ref in (stage_ref(df, fields.get("from")) for fields in mounts(instr)) if ref is not None]


_ARG_REF = lazyre.compile(r"\$\{(\w+)(:?-)?[^}]*\}|\$(\w+)")


def known_root_base(df: Dockerfile, stage: Stage) -> str | None:
    """The external base image ``stage`` rests on, or None while it depends on an ARG with no value."""
    root = df.lineage(stage)[0]
    for m in _ARG_REF.finditer(root.base_raw):
        name = m.group(1) or m.group(3)
        if df.global_args.get(name) is None and name not in BUILTIN_ARGS and not m.group(2):
            return None
    return root.base or None


class PipInstall(NamedTuple):
    """One command that installs Python packages in a RUN (see ``Target.installs``)."""

    stage: Stage
    instr: Instruction
    command: int  # index into Target.commands(instr)
    words: list[str]
    options: dict[str, list[str]]  # as given on the command; pip's abbreviations spelled out
    requirements: list[tuple[int, str]]  # (word index, requirement word)
    tool: str = "pip"  # see shell.Install
    action: str = "install"
    # PIP_*/UV_* variables from ENV, ARG and the RUN itself, and pip config (`pip config set`, a
    # pip.conf a RUN writes) under PIP_* names: {"PIP_NO_CACHE_DIR": "1"}
    settings: dict = {}

    @property
    def locked(self) -> bool:
        return shell.Install(self.tool, self.action, 0).locked

    def setting(self, option: str) -> str | None:
        """The value an option has for this command: given on it (``""`` for a flag), else from the
        settings (``--no-cache-dir`` -> ``PIP_NO_CACHE_DIR``, ``UV_NO_CACHE`` for uv), else None."""
        if option in self.options:
            values = self.options[option]
            return values[-1] if values else ""
        prefix = "UV_" if self.tool in ("uv", "uv-project") else "PIP_"
        return self.settings.get(prefix + option.lstrip("-").upper().replace("-", "_"))

    def indexes(self) -> list[tuple[int, str]]:
        """(word index, URL) of the package indexes and find-links locations given on the command."""
        found = []
        for k, w in enumerate(self.words):
            name, eq, val = w.partition("=")
            if name in ("-i", "--index-url", "--extra-index-url", "-f", "--find-links"):
                if eq:
                    found.append((k, val))
                elif k + 1 < len(self.words):
                    found.append((k + 1, self.words[k + 1]))
        return found


_INSTALLER_VARS = ("PIP_", "UV_")
_INLINE_VAR = lazyre.compile(r"(?:^|(?<=[\s;&|(]))((?:PIP|UV)_[A-Z0-9_]+)=(\"[^\"]*\"|'[^']*'|[^\s;&|)]*)")
_CONF_LINE = lazyre.compile(r"(?m)^\s*([a-z][a-z0-9-]*)\s*=\s*(\S+)")


def _pip_config(cmds: list[list[str]], instr: Instruction) -> dict[str, str]:
    """Settings a RUN leaves in pip's configuration: ``pip config set SECTION.KEY VALUE`` and the
    ``key = value`` lines of a ``pip.conf``/``pip.ini`` it writes; as PIP_* names."""
    found = {}
    for words in cmds:
        if words and shell._PIP.fullmatch(shell.program(words[0])) and "config" in words:
            rest = words[words.index("config") + 1 :]
            rest = [w for w in rest if not w.startswith("--")]
            if rest[:1] == ["set"] and len(rest) >= 3:
                found["PIP_" + rest[1].partition(".")[2].upper().replace("-", "_")] = rest[2]
    text = instr.rest + "".join(d.content for d in instr.heredocs)
    if "pip.conf" in text or "pip.ini" in text:
        for m in _CONF_LINE.finditer(text.replace("\\n", "\n")):
            if "--" + m.group(1) in shell._PIP_LONG:
                found["PIP_" + m.group(1).upper().replace("-", "_")] = m.group(2).strip("\"'")
    return found


def _healthcheck_command(instr: Instruction) -> Instruction:
    """HEALTHCHECK CMD ... as the instruction its command would be."""
    if instr.keyword != "HEALTHCHECK" or not instr.value or instr.value[0].upper() != "CMD":
        return instr
    value = instr.value[1:]
    rest = value[0] if value and not instr.exec_form else ""
    return Instruction("CMD", (), value, rest, instr.exec_form, instr.line, instr.end_line, instr.column, instr.end_column, instr.start, instr.end, (), instr.stage)


def dequote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def locate(df: Dockerfile, instr: Instruction, needle: str) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of ``needle`` inside an instruction's source, or the instruction."""
    src = df.text[instr.start : instr.end]
    k = src.find(needle) if needle else -1
    if k < 0:
        return instr.line, instr.column, instr.end_line, instr.end_column
    return span(instr, src, k, len(needle))


def span(instr: Instruction, src: str, k: int, length: int) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of ``src[k : k + length]``, ``src`` being the instruction's source."""
    before = src[:k]
    line = instr.line + before.count("\n")
    nl = before.rfind("\n")
    column = (instr.column + k) if nl < 0 else (k - nl)
    return line, column, line, column + length


_EDGE = frozenset(" \t\r\n\"'[],;&|()`\\<>")


def word_spans(df: Dockerfile, instr: Instruction, cmds: list[list[str]]) -> list[list[tuple[int, int, int, int] | None]]:
    """Where each word of ``cmds`` (``Target.commands(instr)``) is in the source, searched in order.

    A word is matched whole (not inside a longer word); None where it is not written
    verbatim (quotes or escapes inside it). The search does not move past a word that
    holds whitespace (a ``sh -c`` script), so the commands inside it are found next.
    """
    src = df.text[instr.start : instr.end]
    n = len(src)
    pos = 0
    out = []
    for words in cmds:
        spans = []
        for w in words:
            k = src.find(w, pos) if w else -1
            while k >= 0 and ((k > 0 and src[k - 1] not in _EDGE) or (k + len(w) < n and src[k + len(w)] not in _EDGE)):
                k = src.find(w, k + 1)
            if k < 0:
                spans.append(None)
                continue
            spans.append(span(instr, src, k, len(w)))
            pos = k if any(c.isspace() for c in w) else k + len(w)
        out.append(spans)
    return out


def mounts(instr: Instruction) -> list[dict[str, str]]:
    """The fields of each of a RUN's ``--mount`` flags: ``type=secret,id=x,env=X`` -> {"type": "secret", ...}."""
    return [dict(part.partition("=")[::2] for part in spec.split(",")) for spec in instr.flag_values("mount")]


def mount_targets(instr: Instruction, types: tuple[str, ...] = ("cache",)) -> list[str]:
    """Targets of a RUN's ``--mount`` flags of the given types (a mount's type defaults to bind)."""
    found = []
    for fields in mounts(instr):
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        if fields.get("type", "bind") in types and target:
            found.append(target)
    return found


def copy_sources(instr: Instruction) -> list[str]:
    """Source paths of a COPY or ADD from the build context (not ``--from``, URLs or heredocs)."""
    if instr.keyword not in ("COPY", "ADD") or instr.heredocs or instr.flag("from") is not None:
        return []
    return [s for s in instr.value[:-1] if not s.startswith("<<") and "://" not in s and not s.startswith("git@")]


def problem_at(df: Dockerfile, instr: Instruction, needle: str, message: str, **kw) -> Problem:
    line, col, end_line, end_col = locate(df, instr, needle)
    return Problem(line, col, message, end_line=end_line, end_column=end_col, **kw)
