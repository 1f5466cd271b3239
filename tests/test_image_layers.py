"""The streaming layer walk and the archive readers, on archives built here with tarfile.

Hostile inputs must be refused with one clear error, nothing
written, in bounded memory.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tracemalloc
import zlib

import pytest
import zstandard

from mldocklint.engine import Options
from mldocklint.image import ImageError
from mldocklint.image.layers import BLOCK, ArchiveError, Limits, Tree, scan_layer
from mldocklint.image.lint import lint_image
from mldocklint.image.source import load


def layer(*entries) -> bytes:
    """A layer tar: (name, bytes) files, (name, None) directories, (name, '->target') symlinks."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif isinstance(data, str):
                info.type, info.linkname = tarfile.SYMTYPE, data[2:]
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def scan(data: bytes):
    return scan_layer(io.BytesIO(data), "test")


def merged(*layers: bytes) -> Tree:
    tree = Tree()
    for k, data in enumerate(layers):
        tree.apply(k, scan(data))
    return tree


def diff_ids(layers: list[bytes]) -> list[str]:
    out = []
    for data in layers:
        h = hashlib.sha256()
        with gzip.GzipFile(fileobj=io.BytesIO(data)) if data[:2] == b"\x1f\x8b" else io.BytesIO(data) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        out.append("sha256:" + h.hexdigest())
    return out


def docker_archive(path, layers: list[bytes], config: dict | None = None, manifest=None, extra=()) -> str:
    """A legacy ``docker save`` archive; the config's ``rootfs.diff_ids`` are filled in unless given."""
    config = config or {"config": {"User": "app", "Cmd": ["python", "app.py"]}, "history": [{"created_by": f"RUN step {k}"} for k in range(len(layers))]}
    config.setdefault("rootfs", {"type": "layers", "diff_ids": diff_ids(layers)})
    with tarfile.open(path, "w") as tar:

        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

        for k, data in enumerate(layers):
            add(f"l{k}/layer.tar", data)
        add("config.json", json.dumps(config).encode())
        add("manifest.json", json.dumps(manifest or [{"Config": "config.json", "Layers": [f"l{k}/layer.tar" for k in range(len(layers))]}]).encode())
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data else None)
    return f"docker-archive:{path}"


# -- sizes, whiteouts, opaque directories --------------------------------------------


def test_sizes_and_counts_of_one_layer():
    s = scan(layer(("app", None), ("app/a.py", b"x" * 100), ("app/b.bin", b"y" * 4000), ("app/link", "->a.py")))
    assert (s.size, s.files, s.dirs, s.links) == (4100, 2, 1, 1)
    assert s.entries == [("app", -1), ("app/a.py", 100), ("app/b.bin", 4000), ("app/link", 0)]


def test_whiteout_counts_deleted_bytes_with_their_layers():
    tree = merged(
        layer(("tmp/model.bin", b"m" * 5000), ("keep", b"k" * 10)),
        layer(("tmp/.wh.model.bin", b"")),
    )
    assert tree.wasted == 5000
    [w] = tree.top_wasted()
    assert (w.path, w.size, w.added_in, w.removed_in, w.how) == ("tmp/model.bin", 5000, (0,), 1, "deleted")
    assert tree.layer_wasted == {0: 5000}


def test_whiteout_of_a_directory_removes_everything_below_it():
    tree = merged(
        layer(("root/.cache/pip/a", b"a" * 300), ("root/.cache/pip/b/c", b"c" * 700)),
        layer(("root/.cache/x", b"x" * 50)),
        layer(("root/.wh..cache", b"")),
    )
    assert tree.wasted == 1050
    [w] = tree.top_wasted()
    assert (w.path, w.files, w.added_in, w.removed_in) == ("root/.cache", 3, (0, 1), 2)


def test_opaque_directory_hides_lower_entries_but_keeps_its_own():
    tree = merged(
        layer(("opt/app/old.py", b"o" * 400), ("opt/other", b"z" * 9)),
        layer(("opt/app/new.py", b"n" * 30), ("opt/app/.wh..wh..opq", b"")),
    )
    assert tree.wasted == 400
    assert tree.top_wasted()[0].how == "opaque"
    assert sorted(tree.root["opt"]["app"]) == ["new.py"]
    assert tree.root["opt"]["other"] == (9, 0)


def test_overwritten_file_counts_the_old_bytes_only():
    tree = merged(layer(("etc/conf", b"a" * 1000)), layer(("etc/conf", b"b" * 10)))
    assert tree.wasted == 1000
    assert tree.root["etc"]["conf"] == (10, 1)


def test_file_replaced_by_directory_and_whiteout_of_missing_path():
    tree = merged(layer(("data", b"d" * 77)), layer(("data", None), ("data/x", b"1"), ("nothing/.wh.here", b"")))
    assert tree.wasted == 77
    assert tree.root["data"] == {"x": (1, 1)}


def test_gzip_zstd_and_plain_layers_give_the_same_scan():
    raw = layer(("a", b"a" * 123456), ("b/c", os.urandom(5000)))
    plain, gz, zst = scan(raw), scan(gzip.compress(raw)), scan(zstandard.ZstdCompressor().compress(raw))
    assert (gz.compression, zst.compression) == ("gzip", "zstd")
    assert plain.entries == gz.entries == zst.entries
    assert plain.size == gz.size == zst.size == 128456


def test_caches_and_toolchain_in_the_final_tree():
    tree = merged(
        layer(
            ("root/.cache/pip/http/w.whl", b"w" * 2000),
            ("var/lib/apt/lists/lock", b""),
            ("opt/conda/conda-meta/history", b"h"),
            ("opt/conda/pkgs/torch.tar.bz2", b"t" * 900),
            ("app/__pycache__/m.cpython-311.pyc", b"p" * 40),
            ("usr/local/lib/python3.11/site-packages/x/__pycache__/y.pyc", b"s" * 99),
            ("usr/bin/gcc-12", b"g" * 60),
            ("usr/local/cuda-12.1/bin/nvcc", b"n" * 70),
            ("usr/local/cuda-12.1/include/cuda.h", b"i" * 80),
            ("usr/lib/x86_64-linux-gnu/libfoo.a", b"a" * 90),
        )
    )
    caches, tools, cuda = tree.findings()
    assert [(c.kind, c.path, c.size) for c in caches] == [
        ("pip cache", "/root/.cache/pip", 2000),
        ("conda pkgs", "/opt/conda/pkgs", 900),
        ("__pycache__", "1 __pycache__ directories", 40),
    ]
    assert [(t.kind, t.path, t.size) for t in tools] == [
        ("CUDA headers", "/usr/local/cuda-12.1/include", 80),
        ("compiler", "/usr/bin/gcc-12", 60),
        ("nvcc", "/usr/local/cuda-12.1/bin/nvcc", 70),
        ("static libraries", "/usr/lib/x86_64-linux-gnu/libfoo.a", 90),
    ]
    assert cuda


# -- archives -------------------------------------------------------------------------


def test_docker_archive_with_symlinked_layer_and_findings(tmp_path):
    ref = docker_archive(
        tmp_path / "img.tar",
        [layer(("big", b"0" * 11_000_001)), layer((".wh.big", b""))],
        config={"config": {"User": "0", "Env": ["HF_TOKEN=hf_verysecret", "TOKEN_FILE=/run/secrets/t"], "ExposedPorts": {"8000/tcp": {}}}},
    )
    facts = load(ref)
    assert [layer.size for layer in facts.layers] == [11_000_001, 0]
    result = lint_image(facts, Options())
    assert [(f.rule, f.path, f.line) for f in result.findings] == [
        ("ML603", ref, 1),
        ("ML605", ref, 1),
        ("ML606", ref, 1),
        ("ML607", ref, 1),
    ]
    assert all("hf_verysecret" not in f.message for f in result.findings)
    assert "HF_TOKEN" in result.findings[3].message


def _info(name, kind=tarfile.SYMTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda p: docker_archive(p, [layer(("ok", b"1"))], manifest=[{"Config": "config.json", "Layers": ["../../etc/passwd"]}]), "points outside the archive"),
        (lambda p: docker_archive(p, [layer(("ok", b"1"))], manifest=[{"Config": "/etc/passwd", "Layers": []}]), "points outside the archive"),
        (lambda p: docker_archive(p, [layer(("ok", b"1"))], extra=[(_info("evil/layer.tar", link="../../../etc/passwd"), b"")]), "points outside the archive"),
        (lambda p: docker_archive(p, [layer(("ok", b"1"))], extra=[(_info("abs", link="/etc/passwd"), b"")]), "points outside the archive"),
        (lambda p: docker_archive(p, [layer(("../../escape", b"1"))]), "climbs out with '..'"),
        (lambda p: docker_archive(p, [layer(("/etc/cron.d/x", b"1"))]), "absolute member name"),
        (lambda p: docker_archive(p, [layer(("a", b"1"), ("b/.wh...", b""))]), "names no file"),
        (lambda p: docker_archive(p, [layer(("ok", b"1"))], extra=[(_info("hl", tarfile.LNKTYPE, "../x"), b"")]), "climbs out with '..'"),
        (lambda p: docker_archive(p, [layer(("ok", b"1"))], manifest=[{"Config": "config.json", "RepoTags": [f"m:{k}"], "Layers": ["l0/layer.tar"]} for k in (1, 2)]), r"holds 2 images \(m:1, m:2\); save one image per archive"),
    ],
)
def test_hostile_names_are_refused_and_nothing_is_written(tmp_path, build, message):
    ref = build(tmp_path / "img.tar")
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(ArchiveError, match=message):
        load(ref)
    assert sorted(os.listdir(tmp_path)) == before
    assert not os.path.exists("/tmp/escape")


def _zeros_layer(total: int, name: str = "zeros") -> bytes:
    """A gzip'd layer (level 9) holding one file of ``total`` zero bytes: about 1000x smaller."""
    info = tarfile.TarInfo(name)
    info.size = total
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [c.compress(info.tobuf(tarfile.GNU_FORMAT))]
    zeros = bytes(1 << 20)
    for _ in range(total >> 20):
        parts.append(c.compress(zeros))
    parts.append(c.compress(bytes(-total % BLOCK + 2 * BLOCK)))  # padding, end-of-archive blocks
    parts.append(c.flush())
    return b"".join(parts)


def test_a_highly_compressed_zero_file_is_read_in_bounded_memory_and_reported(tmp_path):
    data = _zeros_layer(400 << 20)
    assert len(data) < 1 << 20  # ~400 KB that expand to 400 MB
    ref = docker_archive(tmp_path / "zeros.tar", [layer(("etc/passwd", b"root:x:0:0::/root:/bin/sh\n")), data])
    tracemalloc.start()
    facts = load(ref)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 << 20
    assert [layer.size for layer in facts.layers] == [26, 400 << 20]
    assert [(z.path, z.size, z.layer) for z in facts.zero_files] == [("/zeros", 400 << 20, 1)]
    [finding] = lint_image(facts, Options(select=["ML610"])).findings
    assert (finding.rule, finding.line, finding.column) == ("ML610", 1, 1)
    assert finding.message.startswith("a 419.4 MB file of zeros: /zeros (layer 1); a preallocated file (`fallocate`")


def test_zero_detection_reads_files_of_any_content_correctly():
    mixed = bytes(3 << 20) + b"x"  # non-zero byte at the very end
    s = scan(gzip.compress(layer(("var/log/lastlog", bytes(2 << 20)), ("data/mixed", mixed), ("small", bytes(1000)), ("data/random", os.urandom(2 << 20)))))
    assert s.zeros == [("var/log/lastlog", 2 << 20)]
    assert s.size == (4 << 20) + len(mixed) + 1000


def test_lastlog_of_useradd_names_its_cause(tmp_path):
    facts = load(docker_archive(tmp_path / "img.tar", [layer(("bin/sh", b"x")), gzip.compress(layer(("var/log/lastlog", bytes(11_000_000))))]))
    [finding] = lint_image(facts, Options(select=["ML610"])).findings
    assert finding.message == (
        "a 11.0 MB file of zeros: /var/log/lastlog (layer 1); `useradd` with a high UID and without `-l` "
        "writes this sparse log, which the layer stores in full; use `useradd -l`"
    )
    assert lint_image(facts, Options(select=["ML610"], rule_options={"ML610": {"min-mb": 11}})).findings == []


def test_layers_that_decompress_past_the_total_cap_are_refused(tmp_path):
    ref = docker_archive(tmp_path / "bomb.tar", [_zeros_layer(60 << 20, "a"), _zeros_layer(60 << 20, "b")])
    assert len(load(ref, Limits(max_expanded=130 << 20)).layers) == 2
    with pytest.raises(ArchiveError, match=r"bomb.tar: l1/layer.tar: the image decompresses to more than 104.9 MB in all: refusing it"):
        load(ref, Limits(max_expanded=100 << 20))


def test_cli_total_cap_is_one_line_exit_2_and_an_option(tmp_path):
    ref = docker_archive(tmp_path / "bomb.tar", [_zeros_layer(60 << 20, "a"), _zeros_layer(60 << 20, "b")])
    cmd = [sys.executable, "-m", "mldocklint", "image", ref, "--isolated", "--select", "ML610", "--max-expand-gb"]
    out = subprocess.run([*cmd, "0.1"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [f"mldocklint: error: {tmp_path}/bomb.tar: l1/layer.tar: the image decompresses to more than 100.0 MB in all: refusing it (raise the limit with --max-expand-gb)"]
    assert out.stdout == ""
    ok = subprocess.run([*cmd, "0.2"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 1, ok.stderr
    assert ok.stdout.startswith(f"image {ref}: ML610 zero-filled-file a 62.9 MB file of zeros: /a (layer 0);")


def test_absurd_size_header_is_refused():
    info = tarfile.TarInfo("huge")
    info.size = 1 << 60  # written in base-256
    with pytest.raises(ArchiveError, match="absurd size"):
        scan(info.tobuf(tarfile.GNU_FORMAT) + bytes(1024))


def test_absurd_pax_size_is_refused():
    info = tarfile.TarInfo("huge")
    info.pax_headers = {"size": "9" * 30}
    with pytest.raises(ArchiveError, match="absurd size"):
        scan(info.tobuf(tarfile.PAX_FORMAT) + bytes(1024))


@pytest.mark.parametrize("cut", [100, 700, 5000, 7168])  # 7168: both members whole, no end block
def test_truncated_layer_is_refused(cut):
    raw = layer(("a", b"a" * 3000), ("b", b"b" * 3000))
    with pytest.raises(ArchiveError, match="truncated"):
        scan(raw[:cut])


def test_truncated_gzip_layer_is_refused():
    raw = gzip.compress(layer(("a", os.urandom(20000))))
    with pytest.raises(ArchiveError, match="truncated"):
        scan(raw[: len(raw) // 2])


def test_garbage_and_missing_archives_are_clear_errors(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"this is not a tar archive" * 100)
    with pytest.raises(ArchiveError, match="not a tar archive"):
        load(f"docker-archive:{junk}")
    with pytest.raises(ImageError, match="cannot read"):
        load(f"docker-archive:{tmp_path}/missing.tar")
    with pytest.raises(ImageError, match="not a directory"):
        load(f"oci:{tmp_path}/missing")


def test_oci_layout_digest_and_blob_symlink_cannot_escape(tmp_path):
    root = tmp_path / "layout"
    (root / "blobs" / "sha256").mkdir(parents=True)
    (root / "index.json").write_text(json.dumps({"manifests": [{"digest": "sha256:../../../etc/passwd", "size": 1}]}))
    with pytest.raises(ArchiveError, match="is not a digest"):
        load(f"oci:{root}")
    os.symlink("/etc/hostname", root / "blobs" / "sha256" / "abc")
    (root / "index.json").write_text(json.dumps({"manifests": [{"digest": "sha256:abc", "size": 1}]}))
    with pytest.raises(ArchiveError, match="points outside the layout"):
        load(f"oci:{root}")


def test_a_large_layer_is_streamed_in_flat_memory(tmp_path):
    path = tmp_path / "big.tar"
    with tarfile.open(path, "w") as tar:
        for k in range(8):
            info = tarfile.TarInfo(f"f{k}")
            info.size = 8 << 20
            tar.addfile(info, io.BytesIO(bytes(8 << 20)))
    tracemalloc.start()
    with open(path, "rb") as fh:
        s = scan_layer(fh, "big")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert s.size == 64 << 20
    assert peak < 8 << 20  # a 64 MB layer read through a bounded buffer


@pytest.mark.parametrize(
    "created_by, expected",
    [
        ("RUN /bin/sh -c pip install -r requirements.txt # buildkit", ("RUN", "pip install -r requirements.txt")),
        ("RUN |2 A=1 B=2 /bin/sh -c make # buildkit", ("RUN", "make")),
        ("COPY . /app # buildkit", ("COPY", ". /app")),
        ("/bin/sh -c #(nop)  CMD [\"python\"]", ("CMD", '["python"]')),
        ("/bin/sh -c #(nop) COPY file:0123abcd in /app ", ("COPY", "file:0123abcd in /app")),
        ("|1 VERSION=3 /bin/sh -c apt-get update", ("RUN", "apt-get update")),
        ("/bin/sh -c rm /big", ("RUN", "rm /big")),
        ("WORKDIR /app", ("WORKDIR", "/app")),
    ],
)
def test_history_created_by_as_instructions(created_by, expected):
    from mldocklint.image.facts import instruction_of

    assert instruction_of(created_by) == expected


def _facts(tmp_path, layers, config):
    return load(docker_archive(tmp_path / "img.tar", layers, config={"config": config}))


def test_size_layers_and_toolchain_rules(tmp_path):
    files = layer(("usr/bin/gcc-12", b"g" * 500_000), ("usr/local/cuda-12.1/bin/nvcc", b"n" * 300_000), ("usr/local/lib/libx.a", b"a" * 2_000_000))
    facts = _facts(tmp_path, [files, layer(("app.py", b"print()"))], {"User": "app", "Cmd": ["uvicorn", "app:app"], "Healthcheck": {"Test": ["NONE"]}})
    assert facts.cuda
    opts = Options(rule_options={"ML601": {"max-gb-cuda": 0.002}, "ML602": {"max-layers": 1}})
    result = lint_image(facts, opts)
    assert [(f.rule, f.line) for f in result.findings] == [("ML601", 1), ("ML602", 1), ("ML608", 1)]
    assert "CUDA image is 2.8 MB uncompressed, over its 0.002 GB budget" in result.findings[0].message
    assert result.findings[2].message.startswith("build tools in a serving image: /usr/bin/gcc-12 (500.0 KB), /usr/local/cuda-12.1/bin/nvcc (300.0 KB), 1 static libraries (2.0 MB)")
    # the same files in an image that does not serve, under the default budgets: nothing
    quiet = _facts(tmp_path, [files], {"User": "app", "Cmd": ["python", "train.py"]})
    assert lint_image(quiet, Options()).findings == []


def test_healthcheck_present_and_gzipped_docker_save(tmp_path):
    ref = docker_archive(tmp_path / "img.tar", [layer(("a", b"1"))], config={"config": {"User": "1000", "ExposedPorts": {"80/tcp": {}}, "Healthcheck": {"Test": ["CMD", "true"]}}})
    gz = tmp_path / "img.tar.gz"
    gz.write_bytes(gzip.compress((tmp_path / "img.tar").read_bytes()))
    for facts in (load(ref), load(f"docker-archive:{gz}")):
        assert facts.healthcheck == ("CMD", "true")
        assert lint_image(facts, Options()).findings == []
