"""What image rules read: ``ImageFacts`` (pure data) and ``ImageTarget`` (facts + linked Dockerfile).

``build`` turns an image config and its per-layer scans (in layer order) into facts;
``ImageTarget`` matches layers to the Dockerfile instructions that made them, through the
history's ``created_by``, so that findings can point at Dockerfile lines.
"""

from __future__ import annotations

import re

from mldocklint.image.layers import Found, LayerScan, Tree, Waste
from mldocklint.model import Dockerfile, Instruction, Problem, Stage
from mldocklint.records import NamedTuple


class Layer(NamedTuple):
    index: int
    size: int  # bytes of regular files the layer adds
    files: int
    dirs: int
    links: int
    whiteouts: int  # deletions (whiteouts and opaque directories)
    wasted: int  # bytes of this layer that later layers delete or overwrite
    created_by: str  # the history entry that made it ("" when unknown)
    digest: str  # sha256:... of its uncompressed tar (its diff id), verified against the config

    @property
    def instruction(self) -> str:
        kw, text = instruction_of(self.created_by)
        return f"{kw} {text}".strip()

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "bytes": self.size,
            "files": self.files,
            "dirs": self.dirs,
            "links": self.links,
            "whiteouts": self.whiteouts,
            "wasted_bytes": self.wasted,
            "instruction": self.instruction,
            "created_by": self.created_by,
            "digest": self.digest,
        }


class ZeroFile(NamedTuple):
    """A file whose content is all zero bytes (a layer stores every one of them)."""

    path: str  # absolute path in the image
    size: int
    layer: int

    def as_dict(self) -> dict:
        return {"path": self.path, "bytes": self.size, "layer": self.layer}


class SecretFound(NamedTuple):
    """A credential file in a layer (its class and place only, never its content)."""

    path: str  # absolute path in the image
    kind: str  # the class id in knowledge.secret_files
    what: str  # how messages name the class
    layer: int
    deleted: bool  # deleted or replaced by a later layer, so not in the final file system

    def as_dict(self) -> dict:
        return {"path": self.path, "kind": self.kind, "layer": self.layer, "deleted": self.deleted}


class ImageFacts(NamedTuple):
    ref: str
    source: str  # "docker", "podman", "docker-archive", "oci", "oci-archive"
    user: str
    env: tuple[tuple[str, str], ...]
    cmd: tuple[str, ...]
    entrypoint: tuple[str, ...]
    healthcheck: tuple[str, ...] | None  # the Test; () when there is none; None when unknown
    exposed_ports: tuple[str, ...]
    history: tuple[tuple[str, bool], ...]  # (created_by, empty_layer)
    layers: tuple[Layer, ...]
    wasted: int
    top_wasted: tuple[Waste, ...]
    caches: tuple[Found, ...]
    toolchain: tuple[Found, ...]
    cuda: bool  # CUDA files or CUDA_VERSION in the environment
    healthcheck_note: str = ""  # why the healthcheck is unknown
    zero_files: tuple[ZeroFile, ...] = ()  # largest first, in any layer (deleted later or not)
    secret_files: tuple[SecretFound, ...] = ()  # in layer order, in any layer

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.layers)

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "source": self.source,
            "bytes": self.size,
            "wasted_bytes": self.wasted,
            "layers": [layer.as_dict() for layer in self.layers],
            "top_wasted": [w.as_dict() for w in self.top_wasted],
            "caches": [c.as_dict() for c in self.caches],
            "toolchain": [t.as_dict() for t in self.toolchain],
            "zero_files": [z.as_dict() for z in self.zero_files],
            "secret_files": [f.as_dict() for f in self.secret_files],
            "config": {
                "user": self.user,
                "env": sorted(k for k, _ in self.env),  # names only: values may be secrets
                "cmd": list(self.cmd),
                "entrypoint": list(self.entrypoint),
                "healthcheck": None if self.healthcheck is None else list(self.healthcheck),
                "exposed_ports": list(self.exposed_ports),
            },
            "cuda": self.cuda,
            "healthcheck_note": self.healthcheck_note,
        }


def build(ref: str, source: str, config: dict, scans: list[LayerScan], healthcheck_known: bool, note: str = "") -> ImageFacts:
    """Facts from an image config (Docker or OCI JSON) and its layers' verified scans, base layer first."""
    cfg = config.get("config") or config.get("Config") or {}
    history = tuple((str(h.get("created_by", "")), bool(h.get("empty_layer"))) for h in config.get("history") or [] if isinstance(h, dict))
    made = [c for c, empty in history if not empty]
    made = [""] * (len(scans) - len(made)) + made[-len(scans) :] if scans else []
    tree = Tree()
    for k, scan in enumerate(scans):
        tree.apply(k, scan)
    caches, tools, cuda = tree.findings()
    layers = tuple(
        Layer(k, s.size, s.files, s.dirs, s.links, len(s.whiteouts) + len(s.opaque), tree.layer_wasted.get(k, 0), made[k], s.diff_id)
        for k, s in enumerate(scans)
    )
    env = tuple(tuple(e.split("=", 1)) if "=" in e else (e, "") for e in cfg.get("Env") or [] if isinstance(e, str))
    hc = cfg.get("Healthcheck")
    test = tuple((hc or {}).get("Test") or ()) if isinstance(hc, dict) else ()
    if not test and not healthcheck_known:
        healthcheck, note = None, note or "this source cannot carry a healthcheck"
    else:
        healthcheck, note = test, ""
    return ImageFacts(
        ref=ref,
        source=source,
        user=str(cfg.get("User") or ""),
        env=env,
        cmd=tuple(cfg.get("Cmd") or ()),
        entrypoint=tuple(cfg.get("Entrypoint") or ()),
        healthcheck=healthcheck,
        exposed_ports=tuple(sorted(cfg.get("ExposedPorts") or {})),
        history=history,
        layers=layers,
        wasted=tree.wasted,
        top_wasted=tuple(tree.top_wasted()),
        caches=tuple(caches),
        toolchain=tuple(tools),
        cuda=cuda or any(k in ("CUDA_VERSION", "NV_CUDA_LIB_VERSION") for k, _ in env),
        healthcheck_note=note,
        secret_files=_secrets(scans, tree),
        zero_files=tuple(sorted((ZeroFile("/" + p, n, k) for k, s in enumerate(scans) for p, n in s.zeros), key=lambda z: (-z.size, z.path, z.layer))),
    )


def _secrets(scans: list[LayerScan], tree: Tree) -> tuple[SecretFound, ...]:
    from mldocklint.knowledge.secret_files import TABLE

    what = {entry.id: entry.what for entry in TABLE}
    return tuple(SecretFound("/" + p, kind, what[kind], k, tree.leaf(p) != k) for k, s in enumerate(scans) for p, kind in s.secrets)


# -- history ------------------------------------------------------------------------

_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s+")
_SHELL = re.compile(r"^(?:\|\d+ (?:\S+=\S*\s+)*)?/bin/(?:ba)?sh -c\s+", re.S)
_KEYWORD = re.compile(r"^([A-Z]+)\s+(.*)$", re.S)


def instruction_of(created_by: str) -> tuple[str, str]:
    """(KEYWORD, text) of a history ``created_by``, as BuildKit, the classic builder and Buildah write it."""
    text = created_by.strip()
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    nop = _NOP.match(text)
    if nop:
        text = text[nop.end() :]
    elif text.startswith("RUN "):
        return "RUN", _SHELL.sub("", text[4:].strip(), count=1)
    elif _SHELL.match(text):
        return "RUN", _SHELL.sub("", text, count=1)
    m = _KEYWORD.match(text)
    return (m.group(1), m.group(2).strip()) if m else ("", text)


def _same_run(instr: Instruction, text: str) -> bool:
    mine = " ".join(instr.rest.split())
    if instr.exec_form:
        mine = " ".join(instr.value)
    theirs = " ".join(text.split())
    if instr.heredocs:
        return theirs.startswith(mine.split("<<")[0].strip()[:40])
    return mine == theirs or theirs.endswith(mine) or (len(mine) > 40 and mine[:40] == theirs[:40])


def match_layers(df: Dockerfile, stage: Stage, history: tuple[tuple[str, bool], ...], layers: tuple[Layer, ...]) -> dict[int, Instruction]:
    """Layer index -> the instruction of ``stage`` (or the stages it is built FROM) that made it.

    History entries are matched to instructions from the end backwards, by keyword (and by
    command text for RUN); what is left over belongs to the base image.
    """
    instrs = [i for i in df.effective_instructions(stage) if i.keyword not in ("FROM", "ARG")]
    # history index -> layer index
    layer_of: dict[int, int] = {}
    made = [k for k, (_, empty) in enumerate(history) if not empty]
    for n, h in enumerate(made[-len(layers) :] if layers else []):
        layer_of[h] = len(layers) - len(made[-len(layers) :]) + n
    out: dict[int, Instruction] = {}
    pos = len(instrs)
    for h in range(len(history) - 1, -1, -1):
        if pos == 0:
            break
        kw, text = instruction_of(history[h][0])
        for j in range(pos - 1, -1, -1):
            instr = instrs[j]
            if instr.keyword == kw and (kw != "RUN" or _same_run(instr, text)):
                pos = j
                if h in layer_of:
                    out[layer_of[h]] = instr
                break
    return out


# -- what rules see -----------------------------------------------------------------


class ImageTarget:
    """An image as the rules see it: its facts and, when linked, its Dockerfile."""

    def __init__(self, facts: ImageFacts, dockerfile: Dockerfile | None = None, stage_name: str | None = None):
        self.facts = facts
        self.dockerfile = dockerfile
        self.stage_name = stage_name
        self._layers: dict[int, Instruction] | None = None

    @property
    def final(self) -> Stage | None:
        return self.dockerfile.target(self.stage_name) if self.dockerfile is not None else None

    @property
    def layer_instructions(self) -> dict[int, Instruction]:
        if self._layers is None:
            stage = self.final
            self._layers = match_layers(self.dockerfile, stage, self.facts.history, self.facts.layers) if stage else {}
        return self._layers

    def at_image(self, message: str, **kw) -> Problem:
        """A problem about the whole image: line 1 of the image, or the final stage's FROM."""
        stage = self.final
        if stage is None:
            return Problem(1, 1, message, **kw)
        return Problem.at(stage.from_instruction, message, stage=stage.label, **kw)

    def at_layer(self, layer: int, message: str, **kw) -> Problem:
        instr = self.layer_instructions.get(layer)
        if instr is None:
            return self.at_image(message, **kw)
        return Problem.at(instr, message, stage=self.final.label, **kw)

    def at_keyword(self, keyword: str, message: str, needle: str = "", **kw) -> Problem:
        """At the last ``keyword`` instruction of the final stage that holds ``needle``, else the image."""
        stage = self.final
        if stage is None:
            return Problem(1, 1, message, **kw)
        from mldocklint.target import locate

        for instr in reversed(self.dockerfile.effective_instructions(stage)):
            if instr.keyword == keyword and needle in instr.rest:
                line, col, end_line, end_col = locate(self.dockerfile, instr, needle)
                return Problem(line, col, message, end_line=end_line, end_column=end_col, stage=stage.label, **kw)
        return self.at_image(message, **kw)

    def command(self) -> list[str]:
        """What the container runs: Entrypoint then Cmd, shell forms split into words."""
        words = [*self.facts.entrypoint, *self.facts.cmd]
        if len(words) >= 3 and words[0] in ("/bin/sh", "sh", "/bin/bash", "bash") and words[1] == "-c":
            from mldocklint.syntax.shell import argv, split_commands

            cmds = split_commands(words[2])
            return argv(cmds[0]) if cmds else []
        return words

    def serves(self) -> bool:
        """Whether the image runs a server: its command starts one, or it exposes a port."""
        from mldocklint.roles import starts_server

        words = self.command()
        return bool(self.facts.exposed_ports) or (bool(words) and starts_server(words))
