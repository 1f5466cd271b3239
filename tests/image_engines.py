"""Private container engines for the image tests, started and stopped by the tests themselves.

- ``podman``: Podman with its storage, run dir and Docker-compatible socket under a temp dir;
- ``dockerd``: a Docker Engine (as root) with ``--storage-driver=vfs --iptables=false
  --bridge=none`` and its data root, exec root and ``unix://`` socket under a temp dir;
- ``registry``: Debian's ``docker-registry`` (distribution v2) on 127.0.0.1, storage under a
  temp dir, holding the Podman images pushed with skopeo and ``podman manifest push``.

No registry is reachable: every image is built from a busybox-static rootfs imported into the
engine. With CI=true a missing engine is a test failure; elsewhere those tests are skipped.
The fixtures are imported by conftest.py, so each engine starts once per session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time

import pytest

BUSYBOX = shutil.which("busybox") or "/bin/busybox"
APPLETS = ("sh", "mkdir", "dd", "rm", "httpd", "echo", "cp")

# The test image: a cache, a file added then deleted, a secret in ENV, a server.
DOCKERFILE = """\
FROM localhost/mlt-base:1
RUN mkdir -p /root/.cache/pip && dd if=/dev/zero of=/root/.cache/pip/wheel.whl bs=1000 count=2000
RUN dd if=/dev/zero of=/big.bin bs=1000000 count=12
RUN rm /big.bin
ENV API_TOKEN=s3cr3t-value-123
EXPOSE 8000
CMD ["/bin/sh", "-c", "exec httpd -f -p 8000"]
"""

HEALTHCHECK = 'HEALTHCHECK --interval=30s CMD ["/bin/sh", "-c", "echo ok"]\n'
ZERO_MB = 600
ZEROS = f"FROM localhost/mlt-base:1\nRUN dd if=/dev/zero of=/prealloc.img bs=1000000 count={ZERO_MB}\n"
SECRET = "FROM localhost/mlt-base:1\nCOPY netrc /root/.netrc\nRUN rm /root/.netrc\nUSER 1000\n"
NETRC = "machine example.com login ci password hunter2-value\n"


def require(missing: list[str], hint: str) -> None:
    """Fail under CI=true, skip elsewhere, when something the test needs is missing."""
    if not missing:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {', '.join(missing)} missing: {hint}")
    pytest.skip(f"{', '.join(missing)} not available ({hint})")


def base_rootfs(path) -> None:
    """A tar of a busybox-static root file system: the base image every test image starts FROM."""
    with tarfile.open(path, "w") as tar:
        for d in ("bin", "tmp", "root", "etc"):
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        tar.add(BUSYBOX, "bin/busybox")
        for applet in APPLETS:
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type, info.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(info)


def contexts(tmp) -> dict[str, str]:
    """Build contexts for the test images, by tag."""
    out = {}
    for tag, text in (("mlt-waste:1", DOCKERFILE), ("mlt-hc:1", DOCKERFILE + HEALTHCHECK), ("mlt-zeros:1", ZEROS), ("mlt-secret:1", SECRET)):
        ctx = tmp / tag.replace(":", "-")
        ctx.mkdir(exist_ok=True)
        (ctx / "Dockerfile").write_text(text)
        if tag == "mlt-secret:1":
            (ctx / "netrc").write_text(NETRC)
        out[f"localhost/{tag}"] = str(ctx)
    return out


def _client(sock, proc: subprocess.Popen, what: str, log=None):
    import docker

    deadline = time.monotonic() + 60
    while True:
        try:
            client = docker.DockerClient(base_url=f"unix://{sock}", timeout=120)
            client.version()
            return client
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                tail = open(log).read()[-2000:] if log else ""
                raise RuntimeError(f"{what} did not start: {tail}") from None
            time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def podman(tmp_path_factory):
    """A private Podman serving the Docker API; yields (client, run, tmp); builds mlt-waste:1."""
    require(
        [t for t in ("podman", "skopeo") if shutil.which(t) is None] + ([] if os.path.exists(BUSYBOX) else ["busybox-static"]),
        "apt-get install podman skopeo busybox-static (.ci/run does)",
    )
    tmp = tmp_path_factory.mktemp("podman")
    flags = [
        f"--root={tmp}/root",
        f"--runroot={tmp}/run",
        "--storage-driver=vfs",
        "--cgroup-manager=cgroupfs",
        "--events-backend=file",
    ]

    def run(*args, **kw):
        return subprocess.run(["podman", *flags, *args], check=True, capture_output=True, text=True, timeout=300, **kw)

    base_rootfs(tmp / "rootfs.tar")
    run("import", str(tmp / "rootfs.tar"), "localhost/mlt-base:1")
    for tag in ("localhost/mlt-waste:1", "localhost/mlt-hc:1"):
        run("build", "--format", "docker", "--isolation=chroot", "-t", tag, contexts(tmp)[tag])
    sock = tmp / "podman.sock"
    service = subprocess.Popen(["podman", *flags, "system", "service", "--time=0", f"unix://{sock}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield _client(sock, service, "podman system service"), run, tmp
    finally:
        _stop(service)


@pytest.fixture(scope="session")
def dockerd(tmp_path_factory):
    """A private Docker Engine; yields (client, run, tmp) where run(*args) is the docker CLI on its socket."""
    missing = [t for t in ("dockerd", "docker") if shutil.which(t) is None] + ([] if os.path.exists(BUSYBOX) else ["busybox-static"])
    if os.geteuid() != 0:
        missing.append("root (dockerd runs as root)")
    require(missing, "apt-get install docker.io busybox-static and run as root (.ci/run does)")
    tmp = tmp_path_factory.mktemp("dockerd")
    sock, log = tmp / "docker.sock", tmp / "dockerd.log"
    cmd = [
        "dockerd",
        "--storage-driver=vfs",
        "--iptables=false",
        "--bridge=none",
        f"--data-root={tmp}/data",
        f"--exec-root={tmp}/exec",
        f"--pidfile={tmp}/docker.pid",
        f"-H=unix://{sock}",
    ]
    with open(log, "w") as out:
        daemon = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    env = {**os.environ, "DOCKER_HOST": f"unix://{sock}", "DOCKER_BUILDKIT": "0", "DOCKER_CONFIG": str(tmp / "cli")}

    def run(*args, **kw):
        return subprocess.run(["docker", *args], check=True, capture_output=True, text=True, timeout=300, env=env, **kw)

    try:
        client = _client(sock, daemon, "dockerd", log)
        base_rootfs(tmp / "rootfs.tar")
        run("import", str(tmp / "rootfs.tar"), "localhost/mlt-base:1")
        for tag, ctx in contexts(tmp).items():
            if tag not in ("localhost/mlt-zeros:1", "localhost/mlt-secret:1"):  # built when a test asks for it
                run("build", "--network=none", "-t", tag, ctx)
        yield client, run, tmp
    finally:
        _stop(daemon)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def registry(podman, tmp_path_factory):
    """A private registry on 127.0.0.1 (plain HTTP) holding, pushed from Podman:
    mlt/waste:1 (Docker v2 schema 2), mlt/waste:oci (OCI) and mlt/multi:1 (an OCI index:
    linux/amd64 is mlt-waste:1, linux/arm64 is mlt-hc:1). Yields host:port."""
    require(["docker-registry"] if shutil.which("docker-registry") is None else [], "apt-get install docker-registry (.ci/run does)")
    _, run, ptmp = podman
    tmp = tmp_path_factory.mktemp("registry")
    host = f"127.0.0.1:{free_port()}"
    (tmp / "config.yml").write_text(
        f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {tmp}/data\nhttp:\n  addr: {host}\n"
    )
    log = tmp / "registry.log"
    with open(log, "w") as out:
        server = subprocess.Popen(["docker-registry", "serve", str(tmp / "config.yml")], stdout=out, stderr=subprocess.STDOUT)
    try:
        import requests

        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://{host}/v2/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"docker-registry did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        storage = f"containers-storage:[vfs@{ptmp}/root+{ptmp}/run]"
        skopeo = ["skopeo", "copy", "--dest-tls-verify=false"]
        for fmt, tag in (("v2s2", "1"), ("oci", "oci")):
            subprocess.run([*skopeo, "--format", fmt, f"{storage}localhost/mlt-waste:1", f"docker://{host}/mlt/waste:{tag}"], check=True, capture_output=True, timeout=300)
        run("manifest", "create", "localhost/mlt-multi:1")
        for arch, tag in (("amd64", "mlt-waste:1"), ("arm64", "mlt-hc:1")):
            run("manifest", "add", "--os", "linux", "--arch", arch, "localhost/mlt-multi:1", f"containers-storage:localhost/{tag}")
        run("manifest", "push", "--all", "--tls-verify=false", "localhost/mlt-multi:1", f"docker://{host}/mlt/multi:1")
        yield host
    finally:
        _stop(server)
