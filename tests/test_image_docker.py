"""``mldocklint image`` against a private Docker Engine (the ``dockerd`` fixture of image_engines.py),
compared with Podman: the same Dockerfile built by both engines gives the same findings.

Docker 20.10's classic builder writes ``/bin/sh -c #(nop)`` history and a legacy docker-archive
(``<id>/layer.tar``); Podman writes Buildah history. With CI=true a missing engine fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from image_engines import ZERO_MB
from test_image_engine import run_measured

from mldocklint.engine import Options
from mldocklint.image.lint import lint_image
from mldocklint.image.source import from_client, load

WASTE, HC = "localhost/mlt-waste:1", "localhost/mlt-hc:1"


@pytest.fixture(scope="session")
def docker_sources(dockerd):
    """mlt-waste:1 and mlt-hc:1 from the Docker Engine's API and from `docker save` archives."""
    client, run, tmp = dockerd
    out = {}
    for tag in (WASTE, HC):
        path = tmp / (tag.split("/")[1].replace(":", "-") + ".tar")
        run("save", "-o", str(path), tag)
        out[tag] = {"docker": from_client(client, tag), "docker-archive": load(f"docker-archive:{path}")}
    return out


@pytest.fixture(scope="session")
def podman_sources(podman):
    """The same two images built by Podman, saved as docker-archive (the format that carries HEALTHCHECK)."""
    _, run, tmp = podman
    out = {}
    for tag in (WASTE, HC):
        path = tmp / (tag.split("/")[1].replace(":", "-") + ".docker.tar")
        run("save", "--format", "docker-archive", "-o", str(path), tag)
        out[tag] = load(f"docker-archive:{path}")
    return out, tmp


def _findings(facts, dockerfile=None):
    result = lint_image(facts, Options(select=["ML6"]), dockerfile)
    assert not result.errors
    return [(f.rule, f.line, f.column, f.message) for f in result.findings]


def _layers(facts):
    """(instruction, wasted bytes, files of regular size) of the layers the Dockerfile made."""
    return [(layer.instruction, layer.wasted, layer.size) for layer in facts.layers[1:]]


def test_docker_engine_and_docker_save_read_the_same(docker_sources):
    for tag, sources in docker_sources.items():
        engine, archive = sources["docker"], sources["docker-archive"]
        assert engine.source == "docker" and archive.source == "docker-archive"
        assert [layer.as_dict() for layer in engine.layers] == [layer.as_dict() for layer in archive.layers], tag
        assert _findings(engine) == _findings(archive), tag


def test_docker_layers_are_named_by_digest(dockerd, docker_sources):
    client, _, _ = dockerd
    for tag, sources in docker_sources.items():
        rootfs = client.api.inspect_image(tag)["RootFS"]["Layers"]
        for facts in sources.values():
            assert [layer.digest for layer in facts.layers] == rootfs  # not "layer.tar"


def test_docker_and_podman_give_the_same_findings(docker_sources, podman_sources):
    podman, tmp = podman_sources
    dockerfile = str(tmp / "mlt-waste-1" / "Dockerfile")
    docker = docker_sources[WASTE]["docker"]
    assert _layers(docker) == [
        ("RUN mkdir -p /root/.cache/pip && dd if=/dev/zero of=/root/.cache/pip/wheel.whl bs=1000 count=2000", 0, 2_000_000),
        ("RUN dd if=/dev/zero of=/big.bin bs=1000000 count=12", 12_000_000, 12_000_000),
        ("RUN rm /big.bin", 0, 0),
    ]
    assert _layers(podman[WASTE]) == _layers(docker)
    assert docker.wasted == podman[WASTE].wasted == 12_000_000
    expected = [
        ("ML605", 1, 1),
        ("ML604", 2, 1),
        ("ML603", 3, 1),
        ("ML610", 3, 1),
        ("ML607", 5, 5),
        ("ML606", 7, 1),
    ]
    for facts in (docker, podman[WASTE]):
        assert [f[:3] for f in _findings(facts, dockerfile)] == expected
    assert _findings(docker, dockerfile) == _findings(podman[WASTE], dockerfile)
    assert _findings(docker) == _findings(podman[WASTE])


def test_healthcheck_from_both_engines(docker_sources, podman_sources):
    podman, tmp = podman_sources
    dockerfile = str(tmp / "mlt-hc-1" / "Dockerfile")
    for facts in (docker_sources[HC]["docker"], docker_sources[HC]["docker-archive"], podman[HC]):
        assert facts.healthcheck == ("CMD", "/bin/sh", "-c", "echo ok"), facts.source
        rules = [f[:3] for f in _findings(facts, dockerfile)]
        assert rules == [("ML605", 1, 1), ("ML604", 2, 1), ("ML603", 3, 1), ("ML610", 3, 1), ("ML607", 5, 5)], facts.source


def test_cli_against_dockerd_through_docker_host(dockerd):
    _, _, tmp = dockerd
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp}/docker.sock"}
    cmd = [sys.executable, "-m", "mldocklint", "image", WASTE, "--isolated", "--select", "ML6", "--dockerfile", str(tmp / "mlt-waste-1" / "Dockerfile")]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines[:6]] == [
        [f"{tmp}/mlt-waste-1/Dockerfile:1:1:", "ML605"],
        [f"{tmp}/mlt-waste-1/Dockerfile:2:1:", "ML604"],
        [f"{tmp}/mlt-waste-1/Dockerfile:3:1:", "ML603"],
        [f"{tmp}/mlt-waste-1/Dockerfile:3:1:", "ML610"],
        [f"{tmp}/mlt-waste-1/Dockerfile:5:5:", "ML607"],
        [f"{tmp}/mlt-waste-1/Dockerfile:7:1:", "ML606"],
    ]
    assert f"{WASTE} (docker): 4 layers, 16.0 MB, 12.0 MB wasted" in lines
    assert "s3cr3t" not in out.stdout
    missing = subprocess.run([sys.executable, "-m", "mldocklint", "image", "localhost/nope:1", "--isolated"], capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [f"mldocklint: error: localhost/nope:1: no such image in the docker engine at unix://{tmp}/docker.sock"]


def test_a_600_mb_zero_file_from_dockerd_in_flat_memory(dockerd, tmp_path):
    _, run, tmp = dockerd
    run("build", "--network=none", "-t", "localhost/mlt-zeros:1", str(tmp / "mlt-zeros-1"))
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp}/docker.sock"}
    try:
        code, out, err, rss = run_measured([sys.executable, "-m", "mldocklint", "image", "localhost/mlt-zeros:1", "--isolated", "--format", "json"], tmp_path, env=env)
    finally:
        run("rmi", "localhost/mlt-zeros:1")
    assert code == 1, err
    doc = json.loads(out)
    assert [(f["rule"], f["line"], f["column"]) for f in doc["findings"]] == [("ML605", 1, 1), ("ML610", 1, 1)]
    assert doc["image"]["zero_files"] == [{"path": "/prealloc.img", "bytes": ZERO_MB * 1_000_000, "layer": 1}]
    assert rss < 80_000  # KiB: the same range as any small image (about 45 MB)
