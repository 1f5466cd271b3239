"""``mldocklint image`` against a real engine: Podman's Docker-compatible service, and the same
images exported as docker-archive, oci-archive and an OCI layout (skopeo).

The engine is the ``podman`` fixture of image_engines.py (built offline from busybox-static;
with CI=true a missing podman fails, elsewhere it skips).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from image_engines import BUSYBOX, DOCKERFILE, ZERO_MB, contexts, require

from mldocklint.engine import Options
from mldocklint.image.lint import lint_image
from mldocklint.image.source import from_client, load

@pytest.fixture(scope="session")
def exported(podman):
    """The test image from every source: engine client, docker-archive, oci-archive, OCI layout."""
    client, run, tmp = podman
    da, oa, layout = tmp / "img.docker.tar", tmp / "img.oci.tar", tmp / "layout"
    run("save", "--format", "docker-archive", "-o", str(da), "localhost/mlt-waste:1")
    run("save", "--format", "oci-archive", "-o", str(oa), "localhost/mlt-waste:1")
    subprocess.run(["skopeo", "copy", f"docker-archive:{da}", f"oci:{layout}:latest"], check=True, capture_output=True, timeout=120)
    return {
        "podman": from_client(client, "localhost/mlt-waste:1"),
        "docker-archive": load(f"docker-archive:{da}"),
        "oci-archive": load(f"oci-archive:{oa}"),
        "oci": load(f"oci:{layout}"),
    }, tmp


def _layers(facts):
    return [(layer.size, layer.files, layer.wasted, layer.instruction.split(" ", 1)[0]) for layer in facts.layers]


def test_all_sources_give_the_same_layers(podman, exported):
    sources, _ = exported
    got = {name: _layers(facts) for name, facts in sources.items()}
    base = got["docker-archive"]  # layer 1 also holds the empty /etc/hosts, hostname, resolv.conf of the RUN
    assert base[1:] == [(2_000_000, 4, 0, "RUN"), (12_000_000, 1, 12_000_000, "RUN"), (0, 0, 0, "RUN")]
    assert base[0][0] == os.path.getsize(BUSYBOX)
    for name, layers in got.items():
        assert layers == base, name
    rootfs = podman[0].api.inspect_image("localhost/mlt-waste:1")["RootFS"]["Layers"]
    assert len(rootfs) == 4
    for name, facts in sources.items():  # real digests (the diff ids), never file names
        assert [layer.digest for layer in facts.layers] == rootfs, name
    for facts in sources.values():
        assert facts.wasted == 12_000_000
        assert [(w.path, w.size, w.added_in, w.removed_in, w.how) for w in facts.top_wasted] == [("big.bin", 12_000_000, (2,), 3, "deleted")]
        assert [(c.kind, c.path, c.size) for c in facts.caches] == [("pip cache", "/root/.cache/pip", 2_000_000)]
        assert facts.user == ""
        assert facts.exposed_ports == ("8000/tcp",)


def test_findings_per_source_without_dockerfile(exported):
    sources, _ = exported
    for name, facts in sources.items():
        result = lint_image(facts, Options())
        rules = [(f.rule, f.line, f.column) for f in result.findings]
        expected = [("ML603", 1, 1), ("ML604", 1, 1), ("ML605", 1, 1), ("ML607", 1, 1), ("ML610", 1, 1)]
        if name == "docker-archive":  # the only source that can say a healthcheck is absent
            expected.insert(3, ("ML606", 1, 1))
        assert rules == expected, name
        assert all(f.path == facts.ref for f in result.findings)
        assert all("s3cr3t" not in f.message for f in result.findings)
        assert (facts.healthcheck is None) == (name != "docker-archive")


def test_findings_point_at_dockerfile_lines(exported, tmp_path):
    sources, tmp = exported
    dockerfile = tmp / "mlt-waste-1" / "Dockerfile"
    for name in ("docker-archive", "podman", "oci"):
        result = lint_image(sources[name], Options(select=["ML6", "ML302"]), str(dockerfile))
        got = [(f.rule, f.line, f.column) for f in result.findings]
        # ML302 (no USER) is the Dockerfile twin of ML605: reported once, with the image's evidence
        expected = [("ML605", 1, 1), ("ML604", 2, 1), ("ML603", 3, 1), ("ML610", 3, 1), ("ML607", 5, 5)]
        if name == "docker-archive":
            expected.append(("ML606", 7, 1))
        assert got == sorted(expected, key=lambda t: (t[1], t[2], t[0])), name
    result = lint_image(sources["docker-archive"], Options(select=["ML302", "ML309", "ML603"]), str(dockerfile))
    assert [(f.rule, f.line) for f in result.findings] == [("ML302", 1), ("ML603", 3), ("ML309", 5)]  # no twin selected: kept
    result = lint_image(sources["docker-archive"], Options(select=["ML309", "ML607"]), str(dockerfile))
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("ML607", 5, 5)]


def test_inline_pragma_in_dockerfile_suppresses_an_image_finding(exported, tmp_path):
    sources, tmp = exported
    df = tmp_path / "Dockerfile"
    df.write_text(DOCKERFILE.replace("RUN dd if=/dev/zero of=/big", "# mldocklint: ignore=ML603 -- scratch file\nRUN dd if=/dev/zero of=/big"))
    result = lint_image(sources["docker-archive"], Options(select=["ML603", "ML604"]), str(df))
    assert [(f.rule, f.line, f.suppressed) for f in result.findings] == [("ML604", 2, None), ("ML603", 4, "scratch file")]


def test_cli_json_and_text_reports(exported):
    _, tmp = exported
    ref = f"docker-archive:{tmp / 'img.docker.tar'}"
    cmd = [sys.executable, "-m", "mldocklint", "image", ref, "--isolated"]
    out = subprocess.run([*cmd, "--format", "json"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["ML603", "ML604", "ML605", "ML606", "ML607", "ML610"]
    assert [layer["bytes"] for layer in doc["image"]["layers"]][1:] == [2_000_000, 12_000_000, 0]
    assert doc["image"]["wasted_bytes"] == 12_000_000
    assert "s3cr3t" not in out.stdout
    text = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    assert text.splitlines()[0].startswith(f"image {ref}: ML603 wasted-space 12.0 MB are deleted")
    github = subprocess.run([*cmd, "--format", "github"], capture_output=True, text=True, timeout=60).stdout
    shown = ref.replace(":", "%3A")
    assert github.splitlines()[0].startswith(f"::warning title=ML603 wasted-space (image {shown})::12.0 MB are deleted")
    table = text.split("\n\n", 1)[1].splitlines()
    assert table[0] == f"{ref} (docker-archive): 4 layers, {_mb(doc['image']['bytes'])}, 12.0 MB wasted"
    share = 100 * 12_000_000 / doc["image"]["bytes"]
    assert table[2] == f"    2    12.0 MB  {share:>5.1f}%    12.0 MB  RUN dd if=/dev/zero of=/big.bin bs=1000000 count=12"
    assert table[-1].startswith("  total ")


def _mb(n: int) -> str:
    from mldocklint.units import human

    return human(n)


def test_cli_podman_engine_through_docker_host(podman):
    client, _, tmp = podman
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp}/podman.sock"}
    out = subprocess.run([sys.executable, "-m", "mldocklint", "image", "localhost/mlt-waste:1", "--isolated", "--select", "ML605"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 1, out.stderr
    assert out.stdout.startswith("image localhost/mlt-waste:1: ML605 image-runs-as-root ")
    assert "healthcheck: unknown (Podman's Docker-compatible API" in out.stdout
    missing = subprocess.run([sys.executable, "-m", "mldocklint", "image", "localhost/nope:1", "--isolated"], capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [f"mldocklint: error: localhost/nope:1: no such image in the podman engine at unix://{tmp}/podman.sock"]


# -- a 600 MB file of zeros (a preallocated file; what `useradd` without -l leaves in lastlog) --


def run_measured(cmd: list[str], tmp, **kw) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak RSS in KiB) of one command, measured by GNU time: a child
    forked from this process would inherit its high-water mark."""
    require([] if os.path.exists("/usr/bin/time") else ["GNU time"], "apt-get install time (.ci/run does)")
    rss = tmp / "rss.txt"
    out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss), *cmd], capture_output=True, text=True, timeout=600, **kw)
    return out.returncode, out.stdout, out.stderr, int(rss.read_text().split()[-1])


@pytest.fixture(scope="session")
def zero_image(podman):
    """The 600 MB zero-file image from Podman as a docker-archive and as an OCI layout with gzip layers."""
    _, run, tmp = podman
    run("build", "--format", "docker", "--isolation=chroot", "-t", "localhost/mlt-zeros:1", contexts(tmp)["localhost/mlt-zeros:1"])
    da, layout = tmp / "zeros.docker.tar", tmp / "zeros-layout"
    run("save", "--format", "docker-archive", "-o", str(da), "localhost/mlt-zeros:1")
    run("rmi", "localhost/mlt-zeros:1")
    subprocess.run(["skopeo", "copy", "--dest-compress-format", "gzip", "--dest-compress-level", "1", f"docker-archive:{da}", f"oci:{layout}:latest"], check=True, capture_output=True, timeout=300)
    return {"docker-archive": f"docker-archive:{da}", "oci": f"oci:{layout}:latest"}


def test_a_600_mb_zero_file_image_is_analysed_in_flat_memory(zero_image, tmp_path):
    layout = zero_image["oci"][len("oci:") : -len(":latest")]
    index = json.load(open(f"{layout}/index.json"))
    digest = index["manifests"][0]["digest"].split(":", 1)[1]
    layers = json.load(open(f"{layout}/blobs/sha256/{digest}"))["layers"]
    assert [desc["mediaType"] for desc in layers] == ["application/vnd.oci.image.layer.v1.tar+gzip"] * 2
    assert layers[1]["size"] < 5_000_000  # 600 MB of zeros, gzip'd
    for name, ref in zero_image.items():
        code, out, err, rss = run_measured([sys.executable, "-m", "mldocklint", "image", ref, "--isolated", "--format", "json"], tmp_path)
        assert code == 1, err
        doc = json.loads(out)
        assert [(f["rule"], f["line"], f["column"]) for f in doc["findings"]] == [("ML605", 1, 1), ("ML610", 1, 1)], name
        assert doc["findings"][1]["message"].startswith("a 600.0 MB file of zeros: /prealloc.img (layer 1); a preallocated file"), name
        assert [layer["bytes"] for layer in doc["image"]["layers"]][1] == ZERO_MB * 1_000_000, name
        assert doc["image"]["zero_files"] == [{"path": "/prealloc.img", "bytes": ZERO_MB * 1_000_000, "layer": 1}], name
        assert rss < 80_000, (name, rss)  # KiB: the same range as any small image (about 45 MB)


def test_no_engine_is_one_line_exit_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "CONTAINER_HOST")}
    env["DOCKER_HOST"] = f"unix://{tmp_path}/none.sock"
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "mldocklint", "image", "app:1", "--isolated"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"mldocklint: error: no container engine reachable (tried DOCKER_HOST=unix://{tmp_path}/none.sock: no such socket;")
