"""What is read is verified: layers against the config's ``rootfs.diff_ids`` and, where the
manifest names them, their stored size and digest; configs and manifests against their
descriptors. A mismatch is an error (one line, exit 2), never a finding."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest
from test_image_layers import diff_ids, docker_archive, layer

from mldocklint.image.layers import ArchiveError
from mldocklint.image.source import load


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def oci_layout(root, layers: list[bytes], config: dict | None = None, lie=None) -> str:
    """An OCI image layout with gzip'd ``layers``; ``lie(manifest)`` may alter the manifest."""
    blobs = root / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def put(data: bytes, media: str) -> dict:
        (blobs / sha(data).split(":")[1]).write_bytes(data)
        return {"mediaType": media, "digest": sha(data), "size": len(data)}

    gz = [gzip.compress(data, mtime=0) for data in layers]
    config = config or {"architecture": "amd64", "os": "linux", "config": {"User": "app"}, "rootfs": {"type": "layers", "diff_ids": diff_ids(layers)}}
    manifest = {
        "schemaVersion": 2,
        "config": put(json.dumps(config).encode(), "application/vnd.oci.image.config.v1+json"),
        "layers": [put(data, "application/vnd.oci.image.layer.v1.tar+gzip") for data in gz],
    }
    if lie:
        lie(manifest)
    desc = put(json.dumps(manifest).encode(), "application/vnd.oci.image.manifest.v1+json")
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [desc]}))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return f"oci:{root}"


def oci_archive(root, path) -> str:
    with tarfile.open(path, "w") as tar:
        for name in sorted(os.listdir(root)):
            tar.add(root / name, arcname=name)
    return f"oci-archive:{path}"


APP = layer(("app", None), ("app/main.py", b"print('hi')\n"))
LIB = layer(("lib/x.so", b"\x7fELF" + bytes(3000)))


def test_layer_digests_are_the_diff_ids_in_every_source(tmp_path):
    want = diff_ids([APP, LIB])
    da = load(docker_archive(tmp_path / "img.tar", [APP, LIB]))
    layout = load(oci_layout(tmp_path / "layout", [APP, LIB]))
    archive = load(oci_archive(tmp_path / "layout", tmp_path / "img.oci.tar"))
    for facts in (da, layout, archive):
        assert [layer.digest for layer in facts.layers] == want
        assert [layer["digest"] for layer in facts.as_dict()["layers"]] == want


def test_a_tampered_layer_in_a_docker_archive_is_refused(tmp_path):
    evil = layer(("app", None), ("app/main.py", b"print('ha')\n"))  # same size, one byte changed
    config = {"config": {}, "rootfs": {"type": "layers", "diff_ids": diff_ids([APP, LIB])}}
    ref = docker_archive(tmp_path / "img.tar", [evil, LIB], config=config)
    with pytest.raises(ArchiveError) as e:
        load(ref)
    assert str(e.value) == f"{tmp_path}/img.tar: layer 0 does not match the config: rootfs.diff_ids says {diff_ids([APP])[0]}, the uncompressed bytes hash to {diff_ids([evil])[0]}"


@pytest.mark.parametrize(
    "config, message",
    [
        ({"config": {}, "rootfs": None}, "the image config has no rootfs.diff_ids: its layers cannot be verified"),
        ({"config": {}, "rootfs": {"diff_ids": ["sha256:00"]}}, "the config lists 1 layer digests for 2 layers"),
    ],
)
def test_a_config_without_matching_diff_ids_is_refused(tmp_path, config, message):
    with pytest.raises(ArchiveError, match=message):
        load(docker_archive(tmp_path / "img.tar", [APP, LIB], config=config))


def _swap_layer(manifest, root):
    """Replace layer 1's blob by another gzip stream of the same tar (same diff id, other digest)."""
    old = manifest["layers"][1]
    other = gzip.compress(LIB, compresslevel=1, mtime=1)
    (root / "blobs" / "sha256" / old["digest"].split(":")[1]).write_bytes(other)
    old["size"] = len(other)


@pytest.mark.parametrize("kind", ["oci", "oci-archive"])
@pytest.mark.parametrize(
    "lie, message",
    [
        (lambda m, root: _swap_layer(m, root), r"layer 1 does not match its digest: the manifest says sha256:[0-9a-f]{64}, the bytes hash to sha256:"),
        (lambda m, root: m["layers"][0].update(digest="sha512:" + "0" * 128), r"descriptor digest 'sha512:0+' is not sha256, the only algorithm read here"),
        (lambda m, root: m["config"].update(size=m["config"]["size"] + 1), r"(config|blob blobs/sha256/[0-9a-f]{64}) is \d+ bytes, its descriptor says \d+"),
    ],
)
def test_an_oci_manifest_that_lies_is_refused(tmp_path, kind, lie, message):
    root = tmp_path / "layout"
    ref = oci_layout(root, [APP, LIB], lie=lambda m: lie(m, root))
    if kind == "oci-archive":
        ref = oci_archive(root, tmp_path / "img.oci.tar")
    with pytest.raises(ArchiveError, match=message):
        load(ref)


@pytest.mark.parametrize("kind", ["oci", "oci-archive"])
def test_a_tampered_config_blob_is_refused(tmp_path, kind):
    root = tmp_path / "layout"
    ref = oci_layout(root, [APP])
    index = json.loads((root / "index.json").read_text())
    manifest = json.loads((root / "blobs" / "sha256" / index["manifests"][0]["digest"].split(":")[1]).read_bytes())
    config_file = root / "blobs" / "sha256" / manifest["config"]["digest"].split(":")[1]
    config_file.write_bytes(config_file.read_bytes().replace(b'"app"', b'"0"  '))  # same size: root instead of app
    if kind == "oci-archive":
        ref = oci_archive(root, tmp_path / "img.oci.tar")
    with pytest.raises(ArchiveError, match=r"config does not match its digest: sha256:[0-9a-f]{64} is expected, the bytes hash to sha256:"):
        load(ref)


def test_cli_tampered_image_is_one_line_exit_2(tmp_path):
    config = {"config": {}, "rootfs": {"type": "layers", "diff_ids": diff_ids([APP, APP])}}
    ref = docker_archive(tmp_path / "img.tar", [APP, LIB], config=config)
    out = subprocess.run([sys.executable, "-m", "mldocklint", "image", ref, "--isolated"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stdout == ""
    [line] = out.stderr.splitlines()
    assert line.startswith(f"mldocklint: error: {tmp_path}/img.tar: layer 1 does not match the config: rootfs.diff_ids says sha256:")


def test_a_layout_reports_the_diff_id_not_the_compressed_digest(tmp_path):
    root = tmp_path / "layout"
    ref = oci_layout(root, [APP])
    facts = load(ref)
    assert facts.layers[0].digest == sha(APP)
    # the layout's blob is gzip'd: the manifest's digest is another one
    index = json.loads((root / "index.json").read_text())
    manifest = json.loads((root / "blobs" / "sha256" / index["manifests"][0]["digest"].split(":")[1]).read_bytes())
    assert manifest["layers"][0]["digest"] != facts.layers[0].digest


def _oci_style_docker_save(path, layers: list[bytes], config: bytes, config_name: str | None = None) -> str:
    """docker save's OCI-style archive (Docker 25 and later): manifest.json naming blobs/sha256/<digest>."""
    names = [f"blobs/sha256/{sha(data).split(':')[1]}" for data in layers]
    config_name = config_name or f"blobs/sha256/{sha(config).split(':')[1]}"
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["app:1"], "Layers": names}]).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in [*zip(names, layers), (config_name, config), ("manifest.json", manifest)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return f"docker-archive:{path}"


def test_docker_save_oci_style_blobs_are_checked_against_their_names(tmp_path):
    config = json.dumps({"config": {"User": "app"}, "rootfs": {"type": "layers", "diff_ids": diff_ids([APP])}}).encode()
    assert [layer.digest for layer in load(_oci_style_docker_save(tmp_path / "ok.tar", [APP], config)).layers] == diff_ids([APP])
    wrong = f"blobs/sha256/{sha(b'other').split(':')[1]}"
    with pytest.raises(ArchiveError, match=r"bad.tar: the config does not match its digest: sha256:[0-9a-f]{64} is expected"):
        load(_oci_style_docker_save(tmp_path / "bad.tar", [APP], config, config_name=wrong))
