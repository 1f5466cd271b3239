"""What a path in the build context is: a model artifact, application code, or neither.

Used by the rules that judge what a COPY brings in (ML101, ML102, ML502, ML505).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mldocklint import lazyre

_MODEL_DIRS = frozenset(("models", "checkpoints", "weights"))
_MODEL_EXT = frozenset(".pt .pth .ckpt .safetensors .onnx .h5 .keras .joblib .pkl .pickle .gguf .tflite".split())
_MODEL_SUFFIXES = tuple(sorted(_MODEL_EXT))
_NOT_CODE_DIRS = _MODEL_DIRS | frozenset(("requirements", "data", "datasets", "wheels", "dist", "vendor", "assets", "static", "docs"))
_MANIFEST = lazyre.compile(
    r"(requirements|constraints)[\w.-]*\.(txt|in)|pyproject\.toml|setup\.(py|cfg)|[\w.-]*\.lock|Pipfile"
    r"|(environment|conda)[\w.-]*\.ya?ml|README[\w.]*|LICEN[CS]E[\w.]*|Makefile[\w.-]*"
    r"|_{0,2}version(__)?\.py|__about__\.py",  # the version file setup.py reads, copied on its own
    re.I,
)
_CODE_EXT = frozenset((".py", ".pyx", ".ipynb"))
# single configuration files without an extension: dotfiles, run-control files
# (matplotlibrc, .condarc, .bashrc) and system files such as /etc/motd
_CONFIG_NAME = lazyre.compile(r"\..*|.*rc|motd|issue|hosts|crontab|Procfile|Dockerfile|Containerfile", re.I)
# where configuration goes in an image, not code
CONFIG_DESTINATIONS = ("/etc/", "/usr/share/", "/usr/local/etc/")
# Data files by extension (tabular, array and record formats datasets are stored in).
DATA_EXT = (".csv", ".tsv", ".parquet", ".feather", ".arrow", ".npy", ".npz", ".h5ad", ".hdf5", ".jsonl", ".tfrecord", ".tfrecords", ".avro", ".orc", ".mat")
# Images and audio are a dataset only by the many: a few are documentation or app assets.
MEDIA_EXT = (".jpg", ".jpeg", ".png", ".wav", ".flac", ".mp3")


def _parts(src: str) -> list[str]:
    return [p for p in src.replace("\\", "/").split("/") if p not in ("", ".")]


@lru_cache(maxsize=1 << 16)
def is_model_path(src: str) -> bool:
    """A model artifact: a weights file (``*.pt``, ``*.joblib``, ...) or a ``models/``-like directory."""
    parts = _parts(src)
    if not parts:
        return False
    last = parts[-1].lower()
    if any(last.endswith(ext) for ext in _CODE_EXT):
        return False  # a module of a Python package named `models`
    if any(p.lower() in _MODEL_DIRS for p in parts):
        return True
    return any(last.endswith(ext) for ext in _MODEL_EXT)


def has_model_ext(path: str) -> bool:
    """A file whose extension is a weights or serialized-model format."""
    return path.lower().endswith(_MODEL_SUFFIXES)


@lru_cache(maxsize=1 << 16)
def is_code_path(src: str) -> bool:
    """Application code: the whole context (``.``, ``*``), Python files, or a source directory."""
    parts = _parts(src)
    if not parts or parts == ["*"]:
        return True
    if is_model_path(src):
        return False
    last = parts[-1]
    if _MANIFEST.fullmatch(last) or any(p.lower() in _NOT_CODE_DIRS for p in parts):
        return False
    if any(last.endswith(ext) for ext in _CODE_EXT):
        return True
    # a directory: written with a trailing slash, or a name without an extension
    return src.endswith("/") or ("." not in last and not _CONFIG_NAME.fullmatch(last))
