"""Where images come from: a Docker or Podman engine, ``docker save`` archives, OCI layouts.

``load(ref)`` understands:

- ``docker-archive:PATH``: ``docker save`` / ``podman save`` output, legacy and OCI-style layouts;
- ``oci-archive:PATH``: an OCI image layout in a tar file;
- ``oci:DIR[:TAG]``: an OCI image layout directory;
- ``registry://HOST[:PORT]/NAME[:TAG|@DIGEST]``: an image in a registry, read over HTTP(S)
  (``registry.py``);
- anything else: an image in a local engine, reached through the ``docker`` SDK
  (``DOCKER_HOST``, ``CONTAINER_HOST``, then the usual Docker and Podman sockets).

Archives are read front to back in one pass; layers are scanned as they go by and matched
to the manifest at the end, so an engine's ``docker save`` stream is never written to disk.
"""

from __future__ import annotations

import json
import os
import posixpath
import re

from mldocklint.image import ImageError
from mldocklint.image.facts import ImageFacts, build
from mldocklint.image.layers import ArchiveError, Budget, Chunks, Limits, Prefixed, Reader, clean, is_tar_start, members, scan_layer
from mldocklint.image.manifest import MAX_JSON, check_digest, pick_manifest, verify_layers

_DIGEST = re.compile(r"^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$")
_MAX_LINKS = 40


def load(ref: str, limits: Limits = Limits(), platform: str = "", insecure: bool = False) -> ImageFacts:
    """Facts for ``ref``; ``platform`` (os/arch[/variant]) picks from an index, ``insecure`` allows plain HTTP."""
    if ref.startswith("registry://"):
        from mldocklint.image import registry

        return registry.load(ref, limits, platform, insecure)
    if ref.startswith("docker-archive:"):
        return _from_file(ref, ref[len("docker-archive:") :], "docker-archive", limits, platform)
    if ref.startswith("oci-archive:"):
        return _from_file(ref, ref[len("oci-archive:") :], "oci-archive", limits, platform)
    if ref.startswith("oci:"):
        return _from_layout(ref, ref[len("oci:") :], limits, platform)
    return _from_engine(ref, limits)


# -- archives ------------------------------------------------------------------------


def _from_file(ref: str, path: str, kind: str, limits: Limits, platform: str) -> ImageFacts:
    try:
        fh = open(path, "rb")
    except OSError as e:
        raise ImageError(f"{path}: cannot read: {e.strerror or e}") from None
    with fh:
        return read_archive(fh, ref, path, kind, healthcheck_known=kind == "docker-archive", limits=limits, platform=platform)


def read_archive(stream, ref: str, where: str, kind: str, healthcheck_known: bool, limits: Limits = Limits(), note: str = "", platform: str = "") -> ImageFacts:
    """Facts from a ``docker save`` or OCI archive read front to back (a file or an engine's stream)."""
    budget = Budget(limits)
    reader = Reader(stream, where, budget)  # `docker save | gzip` is read as it is
    blobs: dict[str, bytes] = {}  # small non-tar members: manifests and configs
    scans = {}
    links: dict[str, str] = {}
    for m, data in members(reader, where, limits):
        if m.kind in ("symlink", "hardlink"):
            links[m.name] = m.link if m.kind == "hardlink" else _link_target(m.name, m.link, where)
        elif m.kind == "file":
            head = data.read(min(m.size, 512))
            if m.size and is_tar_start(head):
                scans[m.name] = scan_layer(Prefixed(head, data), f"{where}: {m.name}", limits, budget)
            elif m.size <= MAX_JSON:
                blobs[m.name] = head + data.read()
    names = _Names(where, blobs, scans, links)
    if "manifest.json" in blobs:
        entries = names.json("manifest.json")
        if not isinstance(entries, list) or not entries or not isinstance(entries[0], dict):
            raise ArchiveError(f"{where}: manifest.json lists no image")
        if len(entries) > 1:
            tags = ", ".join(str(t) for e in entries if isinstance(e, dict) for t in e.get("RepoTags") or ["<untagged>"])
            raise ArchiveError(f"{where}: the archive holds {len(entries)} images ({tags}); save one image per archive")
        entry = entries[0]
        config_name = names.resolve(str(entry.get("Config", "")))
        config = names.json(config_name)
        if _named_by_digest(config_name):
            check_digest(names.blobs[config_name], _named_by_digest(config_name), f"{where}: the config")
        layers = [names.resolve(str(p)) for p in entry.get("Layers") or []]
        descs = [_named_by_digest(p) for p in layers]
    elif "index.json" in blobs:
        manifest = pick_manifest(names.json("index.json"), names.verified_json, where, ref, platform)
        config = names.verified_json(manifest.get("config") or {}, "config")
        descs = [d if isinstance(d, dict) else {} for d in manifest.get("layers") or []]
        layers = [names.blob(d) for d in descs]
    else:
        raise ArchiveError(f"{where}: neither manifest.json nor index.json: not an image archive")
    missing = [p for p in layers if p not in scans]
    if missing:
        raise ArchiveError(f"{where}: the manifest names layer {missing[0]!r}, which the archive does not hold as a tar")
    config = _dict(config, where)
    verify_layers(where, config, [scans[p] for p in layers], descs)
    return build(ref, kind, config, [scans[p] for p in layers], healthcheck_known, note)


_BLOB_NAME = re.compile(r"^blobs/sha256/([0-9a-f]{64})$")


def _named_by_digest(path: str) -> dict | None:
    """A descriptor for a member of docker save's OCI-style layout, whose blobs are named by digest."""
    m = _BLOB_NAME.match(path)
    return {"digest": f"sha256:{m.group(1)}"} if m else None


def _link_target(name: str, target: str, where: str) -> str:
    """A symlink inside an archive, resolved inside the archive; escapes are refused."""
    if target.startswith("/"):
        raise ArchiveError(f"{where}: symlink {name!r} -> {target!r} points outside the archive: refusing it")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if joined == ".." or joined.startswith("../"):
        raise ArchiveError(f"{where}: symlink {name!r} -> {target!r} points outside the archive: refusing it")
    return joined


class _Names:
    def __init__(self, where, blobs, scans, links):
        self.where, self.blobs, self.scans, self.links = where, blobs, scans, links

    def resolve(self, name: str) -> str:
        try:
            path = clean(name, self.where)
        except ArchiveError:
            raise ArchiveError(f"{self.where}: the manifest points outside the archive ({name!r}): refusing it") from None
        for _ in range(_MAX_LINKS):
            if path not in self.links:
                return path
            path = self.links[path]
        raise ArchiveError(f"{self.where}: symlink loop at {name!r}")

    def blob(self, desc) -> str:
        return self.resolve(_blob_path(desc, self.where))

    def json(self, name: str):
        if name not in self.blobs:
            raise ArchiveError(f"{self.where}: {name!r} is missing from the archive")
        return _parse_json(self.blobs[name], f"{self.where}: {name}")

    def verified_json(self, desc, what: str = "manifest"):
        """The JSON blob a descriptor names, checked against its size and digest."""
        name = self.blob(desc)
        value = self.json(name)
        check_digest(self.blobs[name], desc, f"{self.where}: {what}")
        return value


def _blob_path(desc, where: str) -> str:
    digest = desc.get("digest", "") if isinstance(desc, dict) else ""
    m = _DIGEST.match(str(digest))
    if not m:
        raise ArchiveError(f"{where}: descriptor digest {str(digest)[:80]!r} is not a digest: refusing it")
    if m.group(1) != "sha256":
        raise ArchiveError(f"{where}: descriptor digest {str(digest)[:80]!r} is not sha256, the only algorithm read here")
    return f"blobs/{m.group(1)}/{m.group(2)}"


def _parse_json(data: bytes, where: str):
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise ArchiveError(f"{where}: invalid JSON ({e})") from None


def _dict(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ArchiveError(f"{where}: the image config is not a JSON object")
    return value


# -- OCI layout directory ----------------------------------------------------------------


def _from_layout(ref: str, spec: str, limits: Limits, platform: str) -> ImageFacts:
    path, tag = spec, ""
    if not os.path.isdir(path) and ":" in spec:
        path, tag = spec.rsplit(":", 1)
    if not os.path.isdir(path):
        raise ImageError(f"{path}: not a directory (an OCI image layout)")
    root = os.path.realpath(path)

    def blob_file(desc) -> str:
        name = _blob_path(desc, path)
        full = os.path.realpath(os.path.join(root, *name.split("/")))
        if not full.startswith(root + os.sep):
            raise ArchiveError(f"{path}: blob {name} points outside the layout: refusing it")
        if not os.path.isfile(full):
            raise ArchiveError(f"{path}: blob {name} is missing")
        size = desc.get("size")
        if isinstance(size, int) and os.path.getsize(full) != size:
            raise ArchiveError(f"{path}: blob {name} is {os.path.getsize(full)} bytes, its descriptor says {size}")
        return full

    def read_json(full: str, what: str, desc: dict | None = None):
        if os.path.getsize(full) > MAX_JSON:
            raise ArchiveError(f"{path}: {what} is larger than {MAX_JSON} bytes: refusing it")
        with open(full, "rb") as fh:
            data = fh.read()
        if desc is not None:
            check_digest(data, desc, f"{path}: {what}")
        return _parse_json(data, f"{path}: {what}")

    index_file = os.path.join(root, "index.json")
    if not os.path.isfile(index_file):
        raise ImageError(f"{path}: no index.json: not an OCI image layout")
    manifest = pick_manifest(read_json(index_file, "index.json"), lambda d: read_json(blob_file(d), "manifest", d), path, tag, platform)
    config_desc = manifest.get("config") or {}
    config = _dict(read_json(blob_file(config_desc), "config", config_desc), path)
    scans, descs = [], [d if isinstance(d, dict) else {} for d in manifest.get("layers") or []]
    budget = Budget(limits)
    for desc in descs:
        full = blob_file(desc)
        with open(full, "rb") as fh:
            scans.append(scan_layer(fh, f"{path}: {_blob_path(desc, path)}", limits, budget))
    verify_layers(path, config, scans, descs)
    return build(ref, "oci", config, scans, healthcheck_known=False, note="the OCI image format has no healthcheck field")


# -- engines ---------------------------------------------------------------------------


def engine_urls() -> list[tuple[str, str]]:
    """(how it was found, URL) for every engine to try, in order."""
    out = []
    for var in ("DOCKER_HOST", "CONTAINER_HOST"):
        if os.environ.get(var):
            out.append((var, os.environ[var]))
    uid = os.getuid() if hasattr(os, "getuid") else 0
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{uid}"
    for sock in ("/var/run/docker.sock", "/run/podman/podman.sock", f"{runtime}/podman/podman.sock", f"{runtime}/docker.sock"):
        url = "unix://" + sock
        if all(u != url for _, u in out):
            out.append(("socket", url))
    return out


def connect():
    """A docker SDK client for the first engine that answers, and its name; ImageError naming what was tried."""
    import docker

    tried = []
    for how, url in engine_urls():
        label = f"{how}={url}" if how != "socket" else url
        if url.startswith("unix://") and not os.path.exists(url[len("unix://") :]):
            tried.append(f"{label}: no such socket")
            continue
        try:
            client = docker.DockerClient(base_url=url, timeout=60)
            version = client.version()
        except Exception as e:  # the SDK raises many kinds; all mean "not reachable"
            tried.append(f"{label}: {type(e).__name__}")
            continue
        names = " ".join(str(c.get("Name", "")) for c in version.get("Components") or [])
        return client, ("podman" if "podman" in names.lower() else "docker"), url
    raise ImageError(
        "no container engine reachable (tried " + "; ".join(tried) + "); start Docker or `podman system service`, "
        "set DOCKER_HOST, or pass docker-archive:FILE, oci-archive:FILE or oci:DIR"
    )


def _from_engine(ref: str, limits: Limits, client=None) -> ImageFacts:
    if client is None:
        client, engine, url = connect()
    else:
        engine, url = _engine_name(client), client.api.base_url
    import docker.errors

    try:
        client.api.inspect_image(ref)
        stream = client.api.get_image(ref, chunk_size=1 << 20)
    except docker.errors.ImageNotFound:
        raise ImageError(f"{ref}: no such image in the {engine} engine at {url}") from None
    except docker.errors.APIError as e:
        raise ImageError(f"{ref}: the {engine} engine at {url} refused: {e.explanation or e}") from None
    note = "Podman's Docker-compatible API does not always carry it" if engine == "podman" else ""
    return read_archive(Chunks(stream), ref, ref, engine, healthcheck_known=engine == "docker", limits=limits, note=note)


def _engine_name(client) -> str:
    names = " ".join(str(c.get("Name", "")) for c in client.version().get("Components") or [])
    return "podman" if "podman" in names.lower() else "docker"


def from_client(client, ref: str, limits: Limits = Limits()) -> ImageFacts:
    """Facts for ``ref`` from an already connected ``docker.DockerClient``."""
    return _from_engine(ref, limits, client)
