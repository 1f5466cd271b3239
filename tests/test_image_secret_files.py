"""ML609: credential files in any layer, found by name and first bytes, never printed."""

from __future__ import annotations

import json

from test_image_layers import docker_archive, layer

from mldocklint.engine import Options
from mldocklint.image.lint import lint_image
from mldocklint.image.source import load

KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-VALUE-1\n-----END OPENSSH PRIVATE KEY-----\n"
SA = json.dumps({"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----VALUE-2"}).encode()
AUTHS = json.dumps({"auths": {"ghcr.io": {"auth": "dXNlcjpWQUxVRS0z"}}}).encode()


def test_credential_files_in_every_layer_with_deleted_ones(tmp_path):
    first = layer(
        ("app/.env", b"# settings\nDB_PASSWORD=VALUE-4\n"),
        ("app/.env.example", b"DB_PASSWORD=\n"),  # a template: not a credential
        ("root/.ssh/id_ed25519", KEY),
        ("etc/ssl/server.key", KEY),
        ("etc/ssl/other.key", b"not a key at all"),  # a .key without a key header
        ("app/sa.json", SA),
        ("app/package.json", b'{"name": "app"}'),
        ("root/.docker/config.json", AUTHS),
        ("root/.netrc", b"machine example.com login u password VALUE-5\n"),
    )
    second = layer(("root/.wh..netrc", b""), ("root/.ssh/.wh.id_ed25519", b""))
    facts = load(docker_archive(tmp_path / "img.tar", [first, second], config={"config": {"User": "app"}, "history": [{"created_by": "COPY . / # buildkit"}, {"created_by": "RUN rm -f /root/.netrc /root/.ssh/id_ed25519 # buildkit"}]}))
    assert [(f.path, f.kind, f.layer, f.deleted) for f in facts.secret_files] == [
        ("/app/.env", "dotenv", 0, False),
        ("/root/.ssh/id_ed25519", "ssh-private-key", 0, True),
        ("/etc/ssl/server.key", "private-key", 0, False),
        ("/app/sa.json", "gcp-service-account", 0, False),
        ("/root/.docker/config.json", "docker-config", 0, False),
        ("/root/.netrc", "netrc", 0, True),
    ]
    result = lint_image(facts, Options(select=["ML609"]))
    assert [(f.rule, f.line, f.column, f.severity) for f in result.findings] == [("ML609", 1, 1, "error")] * 6
    messages = sorted(f.message for f in result.findings)
    assert messages[0] == (
        "Docker client configuration with registry credentials /root/.docker/config.json in the image (layer 0): "
        "anyone who can pull the image can read it; rotate it and pass it with a build secret or at run time"
    )
    assert any(m.startswith("SSH private key /root/.ssh/id_ed25519 in the image (layer 0, deleted by a later layer but still shipped):") for m in messages)
    shown = json.dumps(result.image) + "".join(messages)
    assert "VALUE-" not in shown and "dXNlcjpW" not in shown


def test_secret_file_findings_point_at_the_dockerfile(tmp_path):
    df = tmp_path / "Dockerfile"
    df.write_text("FROM scratch\nCOPY netrc /root/.netrc\nRUN make && rm /root/.netrc\n")
    history = [{"created_by": "COPY netrc /root/.netrc # buildkit"}, {"created_by": "RUN /bin/sh -c make && rm /root/.netrc # buildkit"}]
    ref = docker_archive(tmp_path / "img.tar", [layer(("root/.netrc", b"machine m login l password p\n")), layer(("root/.wh..netrc", b""))], config={"config": {"User": "app"}, "history": history})
    result = lint_image(load(ref), Options(select=["ML609"]), str(df))
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("ML609", 2, 1)]
    assert result.findings[0].message.startswith("netrc file with login passwords /root/.netrc in the image (layer 0, deleted by a later layer but still shipped)")


def test_large_json_and_files_without_markers_are_not_read_as_keys(tmp_path):
    big = b'{"type": "service_account", "pad": "' + b"x" * 70_000 + b'"}'  # over the size of real keys: data
    facts = load(docker_archive(tmp_path / "img.tar", [layer(("data/big.json", big), (".npmrc", b"registry=https://r.example\n"), ("kaggle.json", b'{"username": "u"}'))]))
    assert facts.secret_files == ()


def test_a_deleted_netrc_built_by_podman_and_docker(podman, dockerd, tmp_path):
    from image_engines import NETRC

    sources = {}
    for name, (_, run, tmp) in (("podman", podman), ("docker", dockerd)):
        ctx = tmp / "mlt-secret-1"
        build = ["build", "--format", "docker", "--isolation=chroot"] if name == "podman" else ["build", "--network=none"]
        run(*build, "-t", "localhost/mlt-secret:1", str(ctx))
        run("save", "-o", str(tmp / "secret.tar"), "localhost/mlt-secret:1")
        sources[name] = (load(f"docker-archive:{tmp / 'secret.tar'}"), str(ctx / "Dockerfile"))
    got = {}
    for name, (facts, dockerfile) in sources.items():
        assert [(f.path, f.kind, f.layer, f.deleted) for f in facts.secret_files] == [("/root/.netrc", "netrc", 1, True)], name
        result = lint_image(facts, Options(select=["ML609"]), dockerfile)
        got[name] = [(f.rule, f.line, f.column, f.message) for f in result.findings]
        assert NETRC.split()[-1] not in json.dumps(result.image) + json.dumps(got[name])
    assert got["podman"] == got["docker"] == [
        ("ML609", 2, 1, "netrc file with login passwords /root/.netrc in the image (layer 1, deleted by a later layer but still shipped): anyone who can pull the image can read it; rotate it and pass it with a build secret or at run time")
    ]
