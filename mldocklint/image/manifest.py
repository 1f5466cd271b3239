"""What every source shares once it has the bytes: choosing a manifest from an index, and
checking manifests, configs and layers against their descriptors and ``rootfs.diff_ids``."""

from __future__ import annotations

import hashlib

from mldocklint.image.layers import ArchiveError, LayerScan

MAX_JSON = 16 << 20  # manifests and configs larger than this are refused


def check_digest(data: bytes, desc: dict, what: str) -> None:
    """``data`` is what descriptor ``desc`` names: its size and its sha256 digest, else ArchiveError."""
    size, digest = desc.get("size"), str(desc.get("digest", ""))
    if isinstance(size, int) and len(data) != size:
        raise ArchiveError(f"{what} is {len(data)} bytes, its descriptor says {size}")
    got = "sha256:" + hashlib.sha256(data).hexdigest()
    if got != digest:
        raise ArchiveError(f"{what} does not match its digest: {digest[:80]} is expected, the bytes hash to {got}")


def verify_layers(where: str, config: dict, scans: list[LayerScan], descs: list[dict | None]) -> None:
    """Each layer against the config's ``rootfs.diff_ids`` and, where known, its descriptor (size, digest)."""
    rootfs = config.get("rootfs")
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if not isinstance(diff_ids, list):
        raise ArchiveError(f"{where}: the image config has no rootfs.diff_ids: its layers cannot be verified")
    if len(diff_ids) != len(scans):
        raise ArchiveError(f"{where}: the config lists {len(diff_ids)} layer digests for {len(scans)} layers")
    for k, (scan, want, desc) in enumerate(zip(scans, diff_ids, descs)):
        if desc:
            size, digest = desc.get("size"), str(desc.get("digest", ""))
            if isinstance(size, int) and scan.stored_bytes != size:
                raise ArchiveError(f"{where}: layer {k} is {scan.stored_bytes} bytes, its descriptor says {size}")
            if scan.digest != digest:
                raise ArchiveError(f"{where}: layer {k} does not match its digest: the manifest says {digest}, the bytes hash to {scan.digest}")
        if scan.diff_id != want:
            raise ArchiveError(f"{where}: layer {k} does not match the config: rootfs.diff_ids says {str(want)[:80]}, the uncompressed bytes hash to {scan.diff_id}")


INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")


def _platform(desc: dict) -> str:
    p = desc.get("platform") if isinstance(desc.get("platform"), dict) else {}
    return "/".join(str(p[k]) for k in ("os", "architecture", "variant") if p.get(k))


def pick_manifest(index, fetch, where: str, tag: str = "", platform: str = "", depth: int = 0) -> dict:
    """The image manifest an index points at: for ``platform`` (os/arch[/variant]) when given,
    else the one tagged ``tag``, else linux/amd64, else the first. ``fetch(desc)`` reads one."""
    if depth > 4 or not isinstance(index, dict):
        raise ArchiveError(f"{where}: no image manifest in the index")
    descs = [d for d in index.get("manifests") or [] if isinstance(d, dict)]
    if not descs:
        raise ArchiveError(f"{where}: the index lists no manifest")
    if platform:
        chosen = [d for d in descs if (_platform(d) + "/").startswith(platform.rstrip("/") + "/")]
        if not chosen:
            have = ", ".join(sorted({_platform(d) or "unknown" for d in descs}))
            raise ArchiveError(f"{where}: no manifest for platform {platform} (the index has {have})")
    else:
        tagged = [d for d in descs if (d.get("annotations") or {}).get("org.opencontainers.image.ref.name") == tag]
        chosen = tagged or [d for d in descs if _platform(d).startswith("linux/amd64")] or descs
    desc = chosen[0]
    doc = fetch(desc)
    if not isinstance(doc, dict):
        raise ArchiveError(f"{where}: manifest is not a JSON object")
    if desc.get("mediaType") in INDEX_TYPES or "manifests" in doc:
        return pick_manifest(doc, fetch, where, tag, platform, depth + 1)
    return doc
