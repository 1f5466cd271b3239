"""Images in a registry, read over the distribution API (v2) without a daemon and without disk.

``registry://HOST[:PORT]/NAME[:TAG]`` or ``registry://HOST[:PORT]/NAME@sha256:...``: the
manifest (Docker v2 schema 2 or OCI; a manifest list or OCI index is resolved for the asked
platform), the config and each layer are fetched over HTTPS (plain HTTP with ``insecure``)
and each layer is streamed once through the same scanner as archives, never written to disk.
Everything read is verified against its digest; the layers also against ``rootfs.diff_ids``.

Authentication follows the registry's ``WWW-Authenticate`` challenge (Bearer tokens from its
token service, or Basic), with credentials from ``MLDOCKLINT_REGISTRY_USER`` and
``MLDOCKLINT_REGISTRY_PASSWORD``, else ``REGISTRY_AUTH_FILE``, else ``$DOCKER_CONFIG/config.json``
or ``~/.docker/config.json`` (``auths``, ``credHelpers``, ``credsStore``). Credentials and
tokens are never printed. ``requests`` is imported here only.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess

from mldocklint.image import ImageError
from mldocklint.image.facts import ImageFacts, build
from mldocklint.image.layers import CHUNK, ArchiveError, Budget, Chunks, Limits, scan_layer
from mldocklint.image.manifest import INDEX_TYPES, MAX_JSON, check_digest, pick_manifest, verify_layers
from mldocklint.records import NamedTuple

TIMEOUT = (10.0, 60.0)  # seconds to connect, and between two reads
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
ACCEPT = ", ".join((OCI_MANIFEST, DOCKER_MANIFEST, *INDEX_TYPES))
_NAME = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_SHA256 = re.compile(r"^sha256:[0-9a-f]{64}$")
_CHALLENGE = re.compile(r'(\w+)="([^"]*)"')


class Ref(NamedTuple):
    host: str
    name: str
    reference: str  # a tag or a digest


def parse(ref: str) -> Ref:
    body = ref[len("registry://") :]
    host, _, rest = body.partition("/")
    if "@" in rest:
        name, _, reference = rest.partition("@")
        ok = bool(_SHA256.match(reference))
    else:
        name, colon, reference = rest.rpartition(":") if ":" in rest.rsplit("/", 1)[-1] else (rest, "", "latest")
        ok = bool(_TAG.match(reference))
    if not host or not _NAME.match(name) or not ok:
        raise ImageError(f"{ref}: not a registry reference (registry://HOST[:PORT]/NAME[:TAG] or registry://HOST[:PORT]/NAME@sha256:...)")
    return Ref(host, name, reference)


# -- credentials --------------------------------------------------------------------


def credentials(host: str) -> tuple[str, str] | None:
    """(user, password) for ``host``: environment, then auth files and credential helpers."""
    user, password = os.environ.get("MLDOCKLINT_REGISTRY_USER"), os.environ.get("MLDOCKLINT_REGISTRY_PASSWORD")
    if user and password:
        return user, password
    docker_dir = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    for path in (os.environ.get("REGISTRY_AUTH_FILE"), os.path.join(docker_dir, "config.json")):
        found = _from_auth_file(path, host) if path else None
        if found:
            return found
    return None


def _from_auth_file(path: str, host: str) -> tuple[str, str] | None:
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read(MAX_JSON))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    helper = (doc.get("credHelpers") or {}).get(host) or doc.get("credsStore")
    entry = (doc.get("auths") or {}).get(host) or (doc.get("auths") or {}).get(f"https://{host}")
    if isinstance(entry, dict) and entry.get("auth"):
        try:
            user, _, password = base64.b64decode(entry["auth"]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return user, password
    return _from_helper(str(helper), host) if isinstance(helper, str) and helper else None


def _from_helper(helper: str, host: str) -> tuple[str, str] | None:
    """``docker-credential-HELPER get``: the helper protocol of Docker's credential helpers."""
    try:
        out = subprocess.run([f"docker-credential-{helper}", "get"], input=host, capture_output=True, text=True, timeout=30)
        doc = json.loads(out.stdout) if out.returncode == 0 else None
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    if isinstance(doc, dict) and doc.get("Secret"):
        return str(doc.get("Username", "")), str(doc["Secret"])
    return None


# -- HTTP -------------------------------------------------------------------------------


class Client:
    """GETs on one repository, answering the registry's auth challenges once."""

    def __init__(self, ref: str, parsed: Ref, insecure: bool, timeout=TIMEOUT):
        import requests

        self.requests = requests
        self.ref, self.host, self.timeout = ref, parsed.host, timeout
        self.base = f"{'http' if insecure else 'https'}://{parsed.host}/v2/{parsed.name}"
        self.scope = f"repository:{parsed.name}:pull"
        self.session = requests.Session()
        self.auth: str | None = None  # the Authorization header value
        self.had_credentials = False

    def get(self, path: str, what: str, accept: str | None = None):
        """A streamed response for ``base/path``; ImageError on failure, naming the image and the problem."""
        for attempt in (0, 1):
            headers = {"Accept": accept} if accept else {}
            if self.auth:
                headers["Authorization"] = self.auth
            resp = self._send(f"{self.base}/{path}", headers)
            if resp.status_code == 401 and attempt == 0 and self._answer(resp.headers.get("WWW-Authenticate", "")):
                resp.close()
                continue
            break
        if resp.status_code < 400:
            return resp
        resp.close()
        code = resp.status_code
        if code == 401:
            raise ImageError(f"{self.ref}: {self.host} asks for credentials (401) and {'refused the credentials found' if self.had_credentials else 'none were found'}: set MLDOCKLINT_REGISTRY_USER and MLDOCKLINT_REGISTRY_PASSWORD, or log in")
        if code == 403:
            raise ImageError(f"{self.ref}: {self.host} denies access to {what} (403)")
        if code == 404:
            raise ImageError(f"{self.ref}: {self.host} has no {what} (404)")
        raise ImageError(f"{self.ref}: {self.host} answered HTTP {code} for {what}")

    def _send(self, url: str, headers: dict, auth=None, params=None):
        rq = self.requests
        try:
            return self.session.get(url, headers=headers, timeout=self.timeout, stream=True, auth=auth, params=params)
        except rq.exceptions.Timeout:
            raise ImageError(f"{self.ref}: no answer from {self.host} within {self.timeout[1]:g} s") from None
        except rq.exceptions.SSLError:
            raise ImageError(f"{self.ref}: TLS error talking to {self.host} (for a plain-HTTP registry pass --insecure)") from None
        except rq.exceptions.RequestException as e:
            reason = "connection refused" if "refused" in str(e).lower() else type(e).__name__
            raise ImageError(f"{self.ref}: cannot reach {self.host} ({reason})") from None

    def _answer(self, challenge: str) -> bool:
        """Set ``self.auth`` from a ``WWW-Authenticate`` challenge; whether there is anything to retry with."""
        scheme = challenge.split(" ", 1)[0].lower()
        params = dict(_CHALLENGE.findall(challenge))
        creds = credentials(self.host)
        self.had_credentials = creds is not None
        if scheme == "basic":
            if not creds:
                return False
            self.auth = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
            return True
        if scheme != "bearer" or not params.get("realm", "").startswith(("https://", "http://")):
            return False
        query = {"service": params.get("service", ""), "scope": params.get("scope", self.scope)}
        resp = self._send(params["realm"], {}, auth=creds, params=query)
        try:
            if resp.status_code >= 400:
                return False
            doc = json.loads(Body(resp, self, "the token").small())
        except ValueError:
            raise ImageError(f"{self.ref}: the token service of {self.host} answered something that is not JSON") from None
        finally:
            resp.close()
        token = doc.get("token") or doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            return False
        self.auth = f"Bearer {token}"
        return True


class Body(Chunks):
    """A response body as a file-like stream, never longer than ``size`` when that is known;
    a connection that breaks or stalls is one clear error."""

    def __init__(self, resp, client: Client, what: str, size: int | None = None):
        super().__init__(resp.iter_content(CHUNK))
        self.client, self.what, self.size, self.count = client, what, size, 0

    def next_chunk(self) -> bytes | None:
        rq, c = self.client.requests, self.client
        try:
            chunk = next(self.it, None)
        except rq.exceptions.ConnectionError as e:
            if "timed out" in str(e).lower():
                raise ImageError(f"{c.ref}: {c.host} stalled for {c.timeout[1]:g} s while sending {self.what}") from None
            raise ArchiveError(f"{c.ref}: {self.what} ends early: the connection broke after {self.count} bytes") from None
        except rq.exceptions.RequestException:  # ChunkedEncodingError: fewer bytes than announced
            raise ArchiveError(f"{c.ref}: {self.what} ends early: the connection broke after {self.count} bytes") from None
        if chunk is not None:
            self.count += len(chunk)
            if self.size is not None and self.count > self.size:
                raise ArchiveError(f"{c.ref}: {self.what} is longer than the {self.size} bytes its descriptor says")
        return chunk

    def small(self) -> bytes:
        """All of a JSON document, refused past MAX_JSON bytes."""
        data = self.read(MAX_JSON + 1)
        if len(data) > MAX_JSON:
            raise ArchiveError(f"{self.client.ref}: {self.what} is larger than {MAX_JSON} bytes: refusing it")
        return data


# -- the image ----------------------------------------------------------------------------


def load(ref: str, limits: Limits = Limits(), platform: str = "", insecure: bool = False, timeout=TIMEOUT) -> ImageFacts:
    parsed = parse(ref)
    client = Client(ref, parsed, insecure, timeout)

    def manifest(reference: str, desc: dict | None):
        with client.get(f"manifests/{reference}", f"manifest {reference}", ACCEPT) as resp:
            data = Body(resp, client, f"manifest {reference}", _size(desc)).small()
            media = resp.headers.get("Content-Type", "").split(";")[0].strip()
            sent = resp.headers.get("Docker-Content-Digest", "")
        if desc is not None:
            check_digest(data, desc, f"{ref}: manifest {reference}")
        elif _SHA256.match(reference) or _SHA256.match(sent):
            check_digest(data, {"digest": reference if _SHA256.match(reference) else sent}, f"{ref}: manifest {reference}")
        doc = _json_object(data, f"{ref}: manifest {reference}")
        media = str(doc.get("mediaType") or media)
        if doc.get("schemaVersion") == 1 or "signatures" in doc:
            raise ArchiveError(f"{ref}: manifest {reference} is Docker's schema 1, which registries deprecated; push the image again")
        doc["mediaType"] = media
        return doc

    top = manifest(parsed.reference, None)
    if top["mediaType"] in INDEX_TYPES or "manifests" in top:
        image = pick_manifest(top, lambda d: manifest(str(d.get("digest", "")), d), ref, platform=platform)
    else:
        image = top
    config_desc = image.get("config") if isinstance(image.get("config"), dict) else {}
    digest = str(config_desc.get("digest", ""))
    if not _SHA256.match(digest):
        raise ArchiveError(f"{ref}: the manifest's config digest {digest[:80]!r} is not a sha256 digest")
    with client.get(f"blobs/{digest}", f"config {digest}") as resp:
        data = Body(resp, client, "the config", _size(config_desc)).small()
    check_digest(data, config_desc, f"{ref}: the config")
    config = _json_object(data, f"{ref}: the image config")
    descs = [d if isinstance(d, dict) else {} for d in image.get("layers") or []]
    budget, scans = Budget(limits), []
    for k, desc in enumerate(descs):
        digest = str(desc.get("digest", ""))
        if not _SHA256.match(digest):
            raise ArchiveError(f"{ref}: layer {k} has digest {digest[:80]!r}, not a sha256 digest")
        with client.get(f"blobs/{digest}", f"layer {k} ({digest})") as resp:
            scans.append(scan_layer(Body(resp, client, f"layer {k}", _size(desc)), f"{ref}: layer {k}", limits, budget))
    verify_layers(ref, config, scans, descs)
    docker = image["mediaType"] == DOCKER_MANIFEST
    return build(ref, "registry", config, scans, healthcheck_known=docker, note="" if docker else "the OCI image format has no healthcheck field")


def _size(desc: dict | None) -> int | None:
    size = desc.get("size") if desc else None
    return size if isinstance(size, int) and size >= 0 else None


def _json_object(data: bytes, what: str) -> dict:
    """``data`` read as a JSON object; an ArchiveError naming ``what`` when it is not one."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ArchiveError(f"{what} is not JSON") from None
    if not isinstance(doc, dict):
        raise ArchiveError(f"{what} is not a JSON object")
    return doc
