"""A streaming walk over tar archives and image layers, safe against hostile input.

Each layer is read once, front to back, through a bounded buffer: nothing is extracted,
nothing is written, no layer is held in memory. What is kept is an index of paths and
sizes (memory grows with the number of files, not with their bytes).

Archives are treated as hostile: absolute member names and names with ``..`` are refused,
as are absurd sizes, truncated archives, and images whose layers decompress to more than
``Limits.max_expanded`` bytes in all, each with one clear line. A high compression ratio
alone is not refused: a layer holding a large file of zeros is read like any other, in the
same bounded buffer, and the file is reported. Symbolic links inside a layer are recorded,
never followed.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import tarfile
import zlib

from mldocklint.image import ImageError
from mldocklint.knowledge import secret_files
from mldocklint.records import NamedTuple
from mldocklint.units import human

BLOCK = 512
CHUNK = 1 << 20
MiB = 1 << 20
_REGULAR = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE)
_META = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)
_NO_DATA = (tarfile.DIRTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE)


class ArchiveError(ImageError):
    """A layer or archive that is malformed or hostile."""


class Limits(NamedTuple):
    max_bytes: int = 1 << 40  # the size one member may claim (1 TiB)
    max_expanded: int = 10**12  # bytes decompression may produce for one image, all layers together (1 TB)
    max_meta: int = MiB  # PAX headers and GNU long names
    max_entries: int = 10_000_000  # members of one archive


class Budget:
    """What decompression may still produce for one image; shared by all its readers."""

    def __init__(self, limits: Limits):
        self.total = self.left = limits.max_expanded

    def spend(self, n: int, where: str) -> None:
        self.left -= n
        if self.left < 0:
            raise ArchiveError(f"{where}: the image decompresses to more than {human(self.total)} in all: refusing it (raise the limit with --max-expand-gb)")


# -- byte streams ------------------------------------------------------------------


class _Counting:
    def __init__(self, raw, hashed: bool):
        self.raw, self.count = raw, 0
        self.sha = hashlib.sha256() if hashed else None

    def read(self, n: int) -> bytes:
        b = self.raw.read(n)
        self.count += len(b)
        if self.sha is not None:
            self.sha.update(b)
        return b


class Prefixed:
    """``head`` followed by the rest of ``raw`` (after sniffing a few bytes)."""

    def __init__(self, head: bytes, raw):
        self.head, self.raw = head, raw

    def read(self, n: int) -> bytes:
        if self.head:
            out, self.head = self.head[:n], self.head[n:]
            return out
        return self.raw.read(n)


class _Gunzip:
    """gzip (several members allowed), never more than ``n`` bytes out per read."""

    def __init__(self, raw, where: str):
        self.raw, self.where = raw, where
        self.d = zlib.decompressobj(31)
        self.buf = b""

    def read(self, n: int) -> bytes:
        try:
            while True:
                if self.d.eof:
                    rest = self.d.unused_data or self.raw.read(CHUNK)
                    if not rest:
                        return b""
                    self.d, self.buf = zlib.decompressobj(31), rest
                if not self.buf:
                    self.buf = self.raw.read(CHUNK)
                    if not self.buf:
                        raise ArchiveError(f"{self.where}: truncated gzip stream")
                out = self.d.decompress(self.buf, n)
                self.buf = self.d.unconsumed_tail
                if out:
                    return out
        except zlib.error as e:
            raise ArchiveError(f"{self.where}: corrupt gzip data ({e})") from None


class _Zstd:
    def __init__(self, raw, where: str):
        try:
            import zstandard
        except ImportError:  # pragma: no cover - a declared dependency
            raise ArchiveError(f"{where}: zstd-compressed layer and the `zstandard` package is missing") from None
        self.where, self.err = where, zstandard.ZstdError
        self.r = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)

    def read(self, n: int) -> bytes:
        try:
            return self.r.read(n)
        except self.err as e:
            raise ArchiveError(f"{self.where}: corrupt zstd data ({e})") from None


class Reader:
    """Exact reads over a stream; what a compressed stream expands to is charged to ``budget``."""

    def __init__(self, raw, where: str, budget: Budget, decompress: bool = True, hashed: bool = False):
        self.where, self.budget = where, budget
        self.counter = _Counting(raw, hashed)
        head = self.counter.read(4)
        src = Prefixed(head, self.counter)
        self.compression = "none"
        if decompress and head[:2] == b"\x1f\x8b":
            self.compression, src = "gzip", _Gunzip(src, where)
        elif decompress and head == b"\x28\xb5\x2f\xfd":
            self.compression, src = "zstd", _Zstd(src, where)
        self.src = src
        self.pos = 0  # bytes delivered (uncompressed)
        self.sha = hashlib.sha256() if hashed and self.compression != "none" else self.counter.sha

    def read(self, n: int) -> bytes:
        b = self.src.read(n)
        self.pos += len(b)
        if self.compression != "none":
            self.budget.spend(len(b), self.where)
            if self.sha is not None:
                self.sha.update(b)
        return b

    def exact(self, n: int) -> bytes:
        parts, got = [], 0
        while got < n:
            b = self.read(min(n - got, CHUNK))
            if not b:
                break
            parts.append(b)
            got += len(b)
        return b"".join(parts)

    def skip(self, n: int) -> bool:
        while n > 0:
            b = self.read(min(n, CHUNK))
            if not b:
                return False
            n -= len(b)
        return True


class Chunks:
    """A file-like view of an iterator of byte chunks (an engine's ``docker save`` stream, an
    HTTP body): ``read(n)`` returns ``n`` bytes unless the stream ends, copying only those."""

    def __init__(self, chunks):
        self.it, self.buf, self.pos = iter(chunks), b"", 0

    def next_chunk(self) -> bytes | None:
        return next(self.it, None)

    def read(self, n: int) -> bytes:
        parts = []
        while n > 0:
            if self.pos >= len(self.buf):
                chunk = self.next_chunk()
                if chunk is None:
                    break
                self.buf, self.pos = chunk, 0
                continue
            piece = self.buf[self.pos : self.pos + n]
            self.pos += len(piece)
            n -= len(piece)
            parts.append(piece)
        return parts[0] if len(parts) == 1 else b"".join(parts)


class Data:
    """The data of one member: at most ``size`` bytes of the underlying reader."""

    def __init__(self, reader: Reader, size: int):
        self.reader, self.left = reader, size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        b = self.reader.read(n) if n else b""
        self.left -= len(b)
        return b


# -- tar members -------------------------------------------------------------------


class Member(NamedTuple):
    name: str  # cleaned relative path, "" for the archive root
    kind: str  # "file", "dir", "symlink", "hardlink" or "other"
    size: int
    link: str  # a symlink's target as written; a hard link's cleaned archive path


def clean(path: str, where: str) -> str:
    """A member name as a relative path; absolute names and ``..`` are refused."""
    if path.startswith("/"):
        raise ArchiveError(f"{where}: absolute member name {path!r}: refusing the archive")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveError(f"{where}: member name {path!r} climbs out with '..': refusing the archive")
    return "/".join(parts)


def _pax(data: bytes, where: str) -> dict[str, str]:
    out, k = {}, 0
    while k < len(data):
        m = re.match(rb"(\d+) ", data[k:])
        length = int(m.group(1)) if m else 0
        if not m or length <= len(m.group(0)) or k + length > len(data):
            raise ArchiveError(f"{where}: corrupt PAX header")
        key, _, value = data[k + len(m.group(0)) : k + length - 1].partition(b"=")
        out[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        k += length
    return out


def _size(value: str, where: str, limits: Limits) -> int:
    if not value.isdigit() or int(value) > limits.max_bytes:
        raise ArchiveError(f"{where}: PAX size {value[:30]!r}: refusing an absurd size")
    return int(value)


def members(reader: Reader, where: str, limits: Limits = Limits()):
    """(Member, Data) for each member in order; read the data (or not) before the next."""
    offset, count = 0, 0
    pax: dict[str, str] = {}
    long_name = long_link = None
    while True:
        buf = reader.exact(BLOCK)
        if len(buf) < BLOCK:
            what = "empty archive" if offset == 0 and not buf else f"truncated archive (it ends at byte {offset + len(buf)} without an end-of-archive block)"
            raise ArchiveError(f"{where}: {what}")
        if buf.count(0) == BLOCK:
            return
        try:
            info = tarfile.TarInfo.frombuf(buf, "utf-8", "surrogateescape")
        except tarfile.HeaderError as e:
            raise ArchiveError(f"{where}: not a tar archive or corrupt header at byte {offset} ({e})") from None
        size = info.size
        if size < 0 or size > limits.max_bytes:
            raise ArchiveError(f"{where}: member {info.name[:80]!r} claims {size} bytes: refusing an absurd size")
        t = info.type
        if t in _META:
            if size > limits.max_meta:
                raise ArchiveError(f"{where}: {size}-byte tar extension header: refusing an absurd size")
            padded = -(-size // BLOCK) * BLOCK
            data = reader.exact(padded)
            if len(data) < padded:
                raise ArchiveError(f"{where}: truncated archive (inside a header at byte {offset})")
            data = data[:size]
            if t == tarfile.XHDTYPE:
                pax = _pax(data, where)
            elif t == tarfile.GNUTYPE_LONGNAME:
                long_name = data.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
            elif t == tarfile.GNUTYPE_LONGLINK:
                long_link = data.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
            offset += BLOCK + padded
            continue
        name = pax.get("path") or long_name or info.name
        link = pax.get("linkpath") or long_link or info.linkname
        if "size" in pax:
            size = _size(pax["size"], where, limits)
        pax, long_name, long_link = {}, None, None
        if t in _NO_DATA:
            size = 0
        kind = {tarfile.DIRTYPE: "dir", tarfile.SYMTYPE: "symlink", tarfile.LNKTYPE: "hardlink"}.get(t, "file" if t in _REGULAR else "other")
        if kind == "hardlink":
            link = clean(link, where)
        count += 1
        if count > limits.max_entries:
            raise ArchiveError(f"{where}: more than {limits.max_entries} members: refusing the archive")
        data = Data(reader, size)
        yield Member(clean(name, where), kind, size, link), data
        padded = -(-size // BLOCK) * BLOCK
        if not reader.skip(data.left + padded - size):
            raise ArchiveError(f"{where}: truncated archive (member {name[:80]!r} ends early)")
        offset += BLOCK + padded


def is_tar_start(head: bytes) -> bool:
    """Whether the first bytes of a stream look like a (possibly compressed) tar archive."""
    if head[:2] == b"\x1f\x8b" or head[:4] == b"\x28\xb5\x2f\xfd":
        return True
    if len(head) < BLOCK:
        return False
    if head[:BLOCK].count(0) == BLOCK:
        return True
    try:
        tarfile.TarInfo.frombuf(head[:BLOCK], "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return False
    return True


# -- one layer ----------------------------------------------------------------------


class LayerScan:
    """What one pass over a layer found: entries, whiteouts, opaque directories, counts."""

    def __init__(self, compression: str = "none"):
        self.entries: list[tuple[str, int]] = []  # (path, size); size -1 for a directory
        self.whiteouts: list[str] = []
        self.opaque: list[str] = []
        self.files = 0
        self.dirs = 0
        self.links = 0
        self.size = 0  # bytes of regular files
        self.compression = compression
        self.zeros: list[tuple[str, int]] = []  # (path, size) of files of ZERO_MIN bytes or more, all zero
        self.secrets: list[tuple[str, str]] = []  # (path, credential-file class id); never their bytes
        self.digest = ""  # sha256:... of the bytes as stored (compressed or not)
        self.stored_bytes = 0  # how many bytes that is
        self.diff_id = ""  # sha256:... of the uncompressed tar


WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"


ZERO_MIN = MiB  # smaller files are not checked for all-zero content
_ZEROS = bytes(CHUNK)


def _all_zero(data: Data) -> bool:
    """Whether a member's data is all zero bytes, read until the first other byte; nothing kept."""
    while data.left:
        b = data.read(CHUNK)
        if not b or (b != _ZEROS if len(b) == CHUNK else b.count(0) != len(b)):
            return False
    return True


def _holds_credential(kind, size: int, data: Data) -> bool:
    """Whether a file named like a credential file holds one: its first bytes only, when the
    name is not enough (and JSON files only up to the size of real keys). Nothing is kept."""
    if kind.marker is None:
        return True
    if kind.names == ("*.json",) and size > secret_files.MAX_JSON_BYTES:
        return False
    return secret_files.confirmed(kind, data.read(min(size, secret_files.HEAD_BYTES)))


def scan_layer(raw, where: str, limits: Limits = Limits(), budget: Budget | None = None) -> LayerScan:
    """One pass over a layer blob: its entries, its zero-filled files, and the digests of the bytes read."""
    reader = Reader(raw, where, budget or Budget(limits), hashed=True)
    scan = LayerScan(compression=reader.compression)
    for m, data in members(reader, where, limits):
        if not m.name:
            continue
        parent, _, base = m.name.rpartition("/")
        if base == OPAQUE:
            scan.opaque.append(parent)
        elif base.startswith(WHITEOUT + WHITEOUT):
            continue  # other AUFS metadata
        elif base.startswith(WHITEOUT):
            gone = base[len(WHITEOUT) :]
            if gone in ("", ".", ".."):
                raise ArchiveError(f"{where}: whiteout {m.name!r} names no file: refusing the archive")
            scan.whiteouts.append(f"{parent}/{gone}" if parent else gone)
        elif m.kind == "dir":
            scan.dirs += 1
            scan.entries.append((m.name, -1))
        else:
            if m.kind == "file":
                scan.files += 1
                scan.size += m.size
                kind = secret_files.by_name(m.name)
                if kind is not None:
                    if _holds_credential(kind, m.size, data):
                        scan.secrets.append((m.name, kind.id))
                elif m.size >= ZERO_MIN and _all_zero(data):
                    scan.zeros.append((m.name, m.size))
            else:
                scan.links += 1
            scan.entries.append((m.name, m.size if m.kind == "file" else 0))
    while reader.skip(CHUNK):  # the end-of-archive blocks and padding belong to the digest
        pass
    scan.digest = "sha256:" + reader.counter.sha.hexdigest()
    scan.stored_bytes = reader.counter.count
    scan.diff_id = "sha256:" + reader.sha.hexdigest()
    return scan


# -- the merged file system -------------------------------------------------------------


class Waste(NamedTuple):  # ordered by size first
    size: int
    path: str
    files: int
    added_in: tuple[int, ...]  # layers whose bytes were hidden
    removed_in: int  # the layer that deleted or overwrote them
    how: str  # "deleted", "overwritten" or "opaque"

    def as_dict(self) -> dict:
        return {"path": "/" + self.path, "bytes": self.size, "files": self.files, "added_in": list(self.added_in), "removed_in": self.removed_in, "how": self.how}


class Found(NamedTuple):
    kind: str
    path: str  # absolute path in the image
    size: int
    files: int
    layer: int  # the layer that added most of its bytes

    def as_dict(self) -> dict:
        return {"kind": self.kind, "path": self.path, "bytes": self.size, "files": self.files, "layer": self.layer}


_CACHES = (
    ("pip cache", re.compile(r"(^|/)\.cache/pip$")),
    ("huggingface cache", re.compile(r"(^|/)\.cache/huggingface$")),
    ("torch hub cache", re.compile(r"(^|/)\.cache/torch$")),
    ("apt lists", re.compile(r"^var/lib/apt/lists$")),
    (".git directory", re.compile(r"(^|/)\.git$")),
)
_PYLIB = re.compile(r"(^|/)lib/python[0-9.]*(/|$)")
_CUDA_INCLUDE = re.compile(r"^usr/local/cuda[^/]*/(targets/[^/]+/)?include$")
_COMPILER = re.compile(r"^(?:[a-z0-9_]+-linux-gnu-)?(gcc|g\+\+|cc|c\+\+|clang|clang\+\+|gfortran)(-[0-9.]+)?$")
_BIN = re.compile(r"(^|/)bin$")


class Tree:
    """The image's file system, layer by layer: ``dict`` for directories, ``(size, layer)`` for the rest."""

    def __init__(self, top: int = 10):
        self.root: dict = {}
        self.top = top
        self.wasted = 0
        self.layer_wasted: dict[int, int] = {}
        self._heap: list[Waste] = []

    def apply(self, k: int, scan: LayerScan) -> None:
        for d in scan.opaque:
            node = self._lookup(d)
            if isinstance(node, dict) and node:
                self._hide(d, node, k, "opaque")
                node.clear()
        for p in scan.whiteouts:
            parent, name = self._parent(p, k, create=False)
            if parent is not None and name in parent:
                self._hide(p, parent.pop(name), k, "deleted")
        for path, size in scan.entries:
            parent, name = self._parent(path, k, create=True)
            old = parent.get(name)
            if size < 0:
                if not isinstance(old, dict):
                    if old is not None:
                        self._hide(path, old, k, "overwritten")
                    parent[name] = {}
            else:
                if old is not None:
                    self._hide(path, old, k, "overwritten")
                parent[name] = (size, k)

    def leaf(self, path: str) -> int | None:
        """The layer a file at ``path`` of the final file system comes from, or None."""
        node = self._lookup(path)
        return node[1] if isinstance(node, tuple) else None

    def _lookup(self, path: str):
        node = self.root
        for part in filter(None, path.split("/")):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def _parent(self, path: str, k: int, create: bool):
        parts = path.split("/")
        node = self.root
        for i, part in enumerate(parts[:-1]):
            child = node.get(part)
            if not isinstance(child, dict):
                if not create:
                    return None, parts[-1]
                if child is not None:  # a file replaced by a directory
                    self._hide("/".join(parts[: i + 1]), child, k, "overwritten")
                child = node[part] = {}
            node = child
        return node, parts[-1]

    def _hide(self, path: str, node, k: int, how: str) -> None:
        size, files, per_layer = _measure(node)
        if size <= 0:
            return
        self.wasted += size
        for layer, b in per_layer.items():
            self.layer_wasted[layer] = self.layer_wasted.get(layer, 0) + b
        item = Waste(size, path, files, tuple(sorted(per_layer)), k, how)
        if len(self._heap) < self.top:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    def top_wasted(self) -> list[Waste]:
        return sorted(self._heap, key=lambda w: (-w.size, w.path))

    def findings(self) -> tuple[list[Found], list[Found], bool]:
        """Caches and toolchain files left in the final file system, and whether it holds CUDA."""
        caches: list[Found] = []
        tools: list[Found] = []
        pycache = [0, 0, {}, 0]  # bytes, files, per-layer, directories
        static = [0, 0, {}, None]
        cuda = False
        stack = [("", self.root)]
        while stack:
            path, node = stack.pop()
            for name in sorted(node, reverse=True):
                child = node[name]
                sub = f"{path}/{name}" if path else name
                if isinstance(child, dict):
                    if re.match(r"^usr/local/cuda", sub):
                        cuda = True
                    found = _cache_kind(sub, name, node)
                    if found is None and name == "__pycache__" and not _PYLIB.search(path):
                        size, files, per = _measure(child)
                        pycache[0] += size
                        pycache[1] += files
                        pycache[3] += 1
                        for layer, b in per.items():
                            pycache[2][layer] = pycache[2].get(layer, 0) + b
                        continue
                    if found is not None or _CUDA_INCLUDE.match(sub):
                        size, files, per = _measure(child)
                        if size > 0:
                            target = caches if found else tools
                            target.append(Found(found or "CUDA headers", "/" + sub, size, files, _main_layer(per)))
                        continue
                    stack.append((sub, child))
                    continue
                size, layer = child
                if name == "nvcc" and _BIN.search(path):
                    tools.append(Found("nvcc", "/" + sub, size, 1, layer))
                elif _BIN.search(path) and _COMPILER.match(name):
                    tools.append(Found("compiler", "/" + sub, size, 1, layer))
                elif name.endswith(".a") and not _PYLIB.search(path):
                    static[0] += size
                    static[1] += 1
                    static[2][layer] = static[2].get(layer, 0) + size
                    static[3] = static[3] or "/" + sub
        if pycache[0] > 0:
            caches.append(Found("__pycache__", f"{pycache[3]} __pycache__ directories", pycache[0], pycache[1], _main_layer(pycache[2])))
        if static[1]:
            tools.append(Found("static libraries", static[3], static[0], static[1], _main_layer(static[2])))
        caches.sort(key=lambda f: (-f.size, f.path))
        tools.sort(key=lambda f: (f.kind, f.path))
        return caches, tools, cuda


def _cache_kind(path: str, name: str, parent: dict) -> str | None:
    for kind, pattern in _CACHES:
        if pattern.search(path):
            return kind
    if name == "pkgs" and isinstance(parent.get("conda-meta"), dict):
        return "conda pkgs"
    return None


def _measure(node) -> tuple[int, int, dict[int, int]]:
    """(bytes, files, bytes per layer) of a leaf or a directory tree."""
    if not isinstance(node, dict):
        return node[0], 1, {node[1]: node[0]} if node[0] else {}
    size = files = 0
    per: dict[int, int] = {}
    stack = [node]
    while stack:
        for child in stack.pop().values():
            if isinstance(child, dict):
                stack.append(child)
            else:
                files += 1
                if child[0]:
                    size += child[0]
                    per[child[1]] = per.get(child[1], 0) + child[0]
    return size, files, per


def _main_layer(per: dict[int, int]) -> int:
    return max(sorted(per), key=lambda k: per[k]) if per else -1
