"""``mldocklint image registry://...``: against a real registry (Debian's docker-registry, the
``registry`` fixture of image_engines.py) holding images pushed from Podman, and against a
small stub server on 127.0.0.1 for what the real one cannot be made to do: bearer-token auth
(the packaged registry's token auth needs a signing service), 401/403, lying manifests, a
layer cut mid-stream, a stalled server, and a redirect to blob storage on another host.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_image_layers import diff_ids, layer

from mldocklint.engine import Options
from mldocklint.image import ImageError
from mldocklint.image.layers import ArchiveError
from mldocklint.image.lint import lint_image
from mldocklint.image.registry import credentials
from mldocklint.image.source import load

# -- the real registry -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def podman_archive(podman):
    _, run, tmp = podman
    path = tmp / "waste-for-registry.docker.tar"
    run("save", "--format", "docker-archive", "-o", str(path), "localhost/mlt-waste:1")
    return load(f"docker-archive:{path}")


def _rules(facts):
    return [(f.rule, f.line, f.column, f.message) for f in lint_image(facts, Options(select=["ML6"])).findings]


def test_registry_reads_what_the_archive_holds(registry, podman_archive):
    v2 = load(f"registry://{registry}/mlt/waste:1", insecure=True)
    oci = load(f"registry://{registry}/mlt/waste:oci", insecure=True)
    assert v2.source == oci.source == "registry"
    assert v2.layers == podman_archive.layers  # sizes, instructions, wasted bytes, digests
    assert oci.layers == podman_archive.layers
    assert _rules(v2) == _rules(podman_archive)  # Docker's manifest carries the healthcheck
    assert [r[0] for r in _rules(oci)] == ["ML603", "ML604", "ML605", "ML607", "ML610"]  # OCI: healthcheck unknown
    assert oci.healthcheck is None and v2.healthcheck == ()


def test_by_digest_and_platforms_of_an_index(registry, podman_archive):
    import requests

    head = requests.get(f"http://{registry}/v2/mlt/waste/manifests/1", headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"}, timeout=10)
    digest = head.headers["Docker-Content-Digest"]
    assert load(f"registry://{registry}/mlt/waste@{digest}", insecure=True).layers == podman_archive.layers
    multi = f"registry://{registry}/mlt/multi:1"
    amd64, arm64 = load(multi, insecure=True), load(multi, platform="linux/arm64", insecure=True)
    assert amd64.layers == podman_archive.layers
    assert arm64.layers == podman_archive.layers  # mlt-hc:1 is mlt-waste:1 plus a HEALTHCHECK
    assert (amd64.healthcheck, arm64.healthcheck) == ((), ("CMD", "/bin/sh", "-c", "echo ok"))
    with pytest.raises(ArchiveError, match=rf"^{multi}: no manifest for platform linux/s390x \(the index has linux/amd64, linux/arm64\)$"):
        load(multi, platform="linux/s390x", insecure=True)


def test_cli_registry_json_and_errors(registry):
    ref = f"registry://{registry}/mlt/waste:1"
    cmd = [sys.executable, "-m", "mldocklint", "image", "--isolated"]
    out = subprocess.run([*cmd, ref, "--insecure", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    assert doc["image"]["source"] == "registry"
    assert [f["rule"] for f in doc["findings"]] == ["ML603", "ML604", "ML605", "ML606", "ML607", "ML610"]
    cases = [
        ([ref], f"{ref}: TLS error talking to {registry} (for a plain-HTTP registry pass --insecure)"),
        ([f"registry://{registry}/mlt/waste:nope", "--insecure"], f"registry://{registry}/mlt/waste:nope: {registry} has no manifest nope (404)"),
        ([f"registry://{registry}/mlt/none:1", "--insecure"], f"registry://{registry}/mlt/none:1: {registry} has no manifest 1 (404)"),
        (["registry://127.0.0.1:9/mlt/waste:1", "--insecure"], "registry://127.0.0.1:9/mlt/waste:1: cannot reach 127.0.0.1:9 (connection refused)"),
    ]
    for args, line in cases:
        bad = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)
        assert (bad.returncode, bad.stdout, bad.stderr.splitlines()) == (2, "", [f"mldocklint: error: {line}"]), args


# -- a stub registry ----------------------------------------------------------------------------

APP = layer(("app", None), ("app/main.py", b"print('hi')\n"))
BIG = layer(("data/weights.bin", os.urandom(3 << 20)))
TOKEN = "tok-9f8e7d-secret"


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Stub:
    """An image (two gzip'd layers, Docker v2 schema 2) served by ThreadingHTTPServer; ``mode``
    changes what it does wrong. Records the Authorization header of every request."""

    def __init__(self, mode: str = "", blob_host: Stub | None = None):
        self.mode, self.blob_host, self.seen = mode, blob_host, []
        self.blobs = {}
        gz = [gzip.compress(data, mtime=0) for data in (APP, BIG)]
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"User": "app"}, "rootfs": {"type": "layers", "diff_ids": diff_ids([APP, BIG])}}).encode()
        descs = [self._put(config, "application/vnd.docker.container.image.v1+json")] + [self._put(g, "application/vnd.docker.image.rootfs.diff.tar.gzip") for g in gz]
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "config": descs[0], "layers": descs[1:]}
        if mode == "lie-size":
            manifest["layers"][1]["size"] -= 100
        if mode == "lie-digest":  # other bytes served under the digest the manifest names
            manifest["layers"][0]["digest"] = sha(b"something else")
            self.blobs[sha(b"something else")] = gz[0]
        self.manifest = json.dumps(manifest).encode()
        self.layer_digest = descs[2]["digest"]
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                stub.seen.append((self.path, self.headers.get("Authorization")))
                stub.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _put(self, data: bytes, media: str) -> dict:
        self.blobs[sha(data)] = data
        return {"mediaType": media, "digest": sha(data), "size": len(data)}

    def send(self, h, code: int, body: bytes = b"", headers=()):
        h.send_response(code)
        for k, v in headers:
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def handle(self, h):
        path, auth = h.path, h.headers.get("Authorization")
        if path.startswith("/token"):
            ok = auth == "Basic " + base64.b64encode(b"ci:pw-123").decode()
            return self.send(h, 200 if ok else 401, json.dumps({"token": TOKEN}).encode() if ok else b"")
        if path.startswith("/storage/"):  # blob storage on another host: never sees the registry's token
            return self.send(h, 200, self.blobs[path.split("/")[-1]])
        if self.mode == "bearer" and auth != f"Bearer {TOKEN}":
            challenge = f'Bearer realm="http://{self.host}/token",service="stub",scope="repository:app:pull"'
            return self.send(h, 401, b"{}", [("WWW-Authenticate", challenge)])
        if self.mode == "forbidden":
            return self.send(h, 403, b"{}")
        if path == "/v2/app/manifests/1":
            return self.send(h, 200, self.manifest, [("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")])
        digest = path.rsplit("/", 1)[-1]
        if not path.startswith("/v2/app/blobs/") or digest not in self.blobs:
            return self.send(h, 404, b"{}")
        data = self.blobs[digest]
        if self.blob_host is not None:
            return self.send(h, 307, b"", [("Location", f"http://{self.blob_host.host}/storage/{digest}")])
        if digest == self.layer_digest and self.mode in ("truncate", "stall"):
            h.send_response(200)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[: len(data) // 2])
            h.wfile.flush()
            if self.mode == "stall":
                time.sleep(3)
            return None  # the connection closes with half the layer sent
        return self.send(h, 200, data)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    made = []

    def make(mode="", blob_host=None):
        made.append(Stub(mode, blob_host))
        return made[-1]

    yield make
    for s in made:
        s.close()


@pytest.fixture
def no_creds(monkeypatch, tmp_path):
    for var in ("MLDOCKLINT_REGISTRY_USER", "MLDOCKLINT_REGISTRY_PASSWORD", "REGISTRY_AUTH_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    return tmp_path / "docker"


def test_stub_image_reads_and_verifies(stub, no_creds):
    s = stub()
    facts = load(f"registry://{s.host}/app:1", insecure=True)
    assert [layer.digest for layer in facts.layers] == diff_ids([APP, BIG])
    assert [layer.size for layer in facts.layers] == [12, 3 << 20]
    assert all(auth is None for _, auth in s.seen)


def test_bearer_token_auth_with_credentials_from_docker_config(stub, no_creds, capsys):
    s = stub("bearer")
    ref = f"registry://{s.host}/app:1"
    with pytest.raises(ImageError, match=rf"^{ref}: {s.host} asks for credentials \(401\) and none were found"):
        load(ref, insecure=True)
    no_creds.mkdir()
    (no_creds / "config.json").write_text(json.dumps({"auths": {s.host: {"auth": base64.b64encode(b"ci:pw-123").decode()}}}))
    assert credentials(s.host) == ("ci", "pw-123")
    facts = load(ref, insecure=True)
    assert [layer.size for layer in facts.layers] == [12, 3 << 20]
    token_requests = [p for p, _ in s.seen if p.startswith("/token")]
    assert token_requests[-1] == "/token?service=stub&scope=repository%3Aapp%3Apull"
    assert ("/v2/app/manifests/1", f"Bearer {TOKEN}") in s.seen
    out = subprocess.run([sys.executable, "-m", "mldocklint", "image", ref, "--insecure", "--isolated", "--format", "json"], capture_output=True, text=True, timeout=60, env={**os.environ, "DOCKER_CONFIG": str(no_creds)})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["image"]["source"] == "registry"
    assert TOKEN not in out.stdout + out.stderr and "pw-123" not in out.stdout + out.stderr


def test_wrong_credentials_from_the_environment_are_refused_without_printing_them(stub, no_creds, monkeypatch):
    s = stub("bearer")
    monkeypatch.setenv("MLDOCKLINT_REGISTRY_USER", "ci")
    monkeypatch.setenv("MLDOCKLINT_REGISTRY_PASSWORD", "wrong-pw-456")
    with pytest.raises(ImageError) as e:
        load(f"registry://{s.host}/app:1", insecure=True)
    assert str(e.value) == f"registry://{s.host}/app:1: {s.host} asks for credentials (401) and refused the credentials found: set MLDOCKLINT_REGISTRY_USER and MLDOCKLINT_REGISTRY_PASSWORD, or log in"
    assert "wrong-pw-456" not in str(e.value)
    monkeypatch.setenv("MLDOCKLINT_REGISTRY_PASSWORD", "pw-123")
    assert len(load(f"registry://{s.host}/app:1", insecure=True).layers) == 2


def test_redirect_to_blob_storage_does_not_carry_the_token(stub, no_creds, monkeypatch):
    storage = stub()
    s = stub("bearer", blob_host=storage)
    monkeypatch.setenv("MLDOCKLINT_REGISTRY_USER", "ci")
    monkeypatch.setenv("MLDOCKLINT_REGISTRY_PASSWORD", "pw-123")
    facts = load(f"registry://{s.host}/app:1", insecure=True)
    assert [layer.digest for layer in facts.layers] == diff_ids([APP, BIG])
    assert sorted(p.split("/")[1] for p, _ in storage.seen) == ["storage"] * 3
    assert all(auth is None for _, auth in storage.seen)


@pytest.mark.parametrize(
    "mode, error, message",
    [
        ("forbidden", ImageError, r"{host} denies access to manifest 1 \(403\)$"),
        ("lie-size", ArchiveError, r"layer 1 is longer than the \d+ bytes its descriptor says$"),
        ("lie-digest", ArchiveError, r"layer 0 does not match its digest: the manifest says sha256:[0-9a-f]{64}, the bytes hash to sha256:[0-9a-f]{64}$"),
        ("truncate", ArchiveError, r"layer 1 ends early: the connection broke after \d+ bytes$"),
    ],
)
def test_bad_registries_are_one_clear_error(stub, no_creds, mode, error, message):
    s = stub(mode)
    ref = f"registry://{s.host}/app:1"
    with pytest.raises(error, match="^" + ref + ": " + message.replace("{host}", s.host)):
        load(ref, insecure=True)


def test_a_stalled_server_times_out(stub, no_creds):
    from mldocklint.image import registry

    s = stub("stall")
    ref = f"registry://{s.host}/app:1"
    with pytest.raises(ImageError, match=rf"^{ref}: {s.host} stalled for 1 s while sending layer 1$"):
        registry.load(ref, insecure=True, timeout=(2, 1))


def test_credentials_from_auth_file_and_credential_helper(no_creds, monkeypatch, tmp_path):
    host = "127.0.0.1:5999"
    assert credentials(host) is None
    auth_file = tmp_path / "auth.json"  # containers-auth.json, as podman login writes it
    auth_file.write_text(json.dumps({"auths": {host: {"auth": base64.b64encode(b"pod:pw-1").decode()}}}))
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(auth_file))
    assert credentials(host) == ("pod", "pw-1")
    monkeypatch.delenv("REGISTRY_AUTH_FILE")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-fake"
    helper.write_text('#!/bin/sh\nread host\n[ "$1" = get ] && [ "$host" = "127.0.0.1:5999" ] && echo \'{"Username": "helper", "Secret": "pw-2"}\' || exit 1\n')
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    no_creds.mkdir()
    (no_creds / "config.json").write_text(json.dumps({"credHelpers": {host: "fake"}}))
    assert credentials(host) == ("helper", "pw-2")
    assert credentials("other.example:5000") is None
    (no_creds / "config.json").write_text(json.dumps({"credsStore": "fake"}))
    assert credentials(host) == ("helper", "pw-2")
