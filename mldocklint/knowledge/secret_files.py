"""Files that hold credentials, by name and, where the name is not enough, by a marker in
their first bytes (a key header, a key name). Shared by the context rule ML506 and the image
rule ML609.

A caller matches a path with ``by_name``; when the class it returns has a ``marker``, the
caller reads at most ``HEAD_BYTES`` of the file and asks ``confirmed``. Values are never
returned, stored or printed: only whether the marker is there.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache

from mldocklint import lazyre
from mldocklint.records import NamedTuple

# Enough for every marker below: key headers are on the first line, and the key names of
# the JSON and INI files come within their first few hundred bytes.
HEAD_BYTES = 8192

# A JSON file is read to look for a service-account key only up to this size (real keys
# are about 2.3 kB); larger JSON files are data.
MAX_JSON_BYTES = 64 * 1024


class SecretFile(NamedTuple):
    id: str
    what: str  # how messages name the file's kind
    names: tuple[str, ...]  # fnmatch patterns on the path's last components (lower case)
    marker: lazyre.Pattern | None  # bytes that must be in the head of the file; None: the name decides
    source: str  # where the file's format and content come from


_PRIVATE_KEY = lazyre.compile(rb"-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----")

TABLE: tuple[SecretFile, ...] = (
    SecretFile(
        # a line that sets a credential-like name (as ML309 names them) to a value of 6+ characters
        # that is not a placeholder: most .env files in repositories hold only settings
        "dotenv", "environment file with credentials", (".env", ".env.*", "*.env"),
        lazyre.compile(
            rb"^[ \t]*(?:export[ \t]+)?\w*(?:PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)\w*[ \t]*=[ \t]*['\"]?"
            rb"(?![#<$]|your|change|xxx|example|dummy|placeholder|replace|none|null|todo|insert|(?:true|false|yes|no)\b)[^\s#'\"]{6,}",
            re.M | re.I,
        ),
        "Docker Compose: environment files (`.env`, `KEY=value` lines), docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/",
    ),
    SecretFile(
        "ssh-private-key", "SSH private key", ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", "*.ppk"), None,
        "OpenSSH ssh-keygen(1): default identity file names (FILES section)",
    ),
    SecretFile(
        "private-key", "private key", ("*.pem", "*.key", "*.priv", "*private*key*"), _PRIVATE_KEY,
        "RFC 7468 (PEM labels `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`), RFC 8017 `RSA PRIVATE KEY`, OpenSSH PROTOCOL.key",
    ),
    SecretFile("keystore", "PKCS#12 key store", ("*.p12", "*.pfx"), None, "RFC 7292 (PKCS #12 personal information exchange files)"),
    SecretFile(
        "aws-credentials", "AWS credentials file", (".aws/credentials", ".aws/config"), lazyre.compile(rb"aws_secret_access_key|aws_session_token", re.I),
        "AWS CLI: configuration and credential file settings, docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html",
    ),
    SecretFile("netrc", "netrc file with login passwords", (".netrc", "_netrc"), None, "GNU inetutils ftp(1) and curl(1): the .netrc file"),
    SecretFile("git-credentials", "Git credential store", (".git-credentials",), None, "git-credential-store(1): ~/.git-credentials"),
    SecretFile(
        "npmrc-token", "npm configuration with an auth token", (".npmrc",), lazyre.compile(rb"_authToken|_auth\s*=|_password\s*="),
        "npm docs: npmrc, auth-related configuration (`_authToken`, `_auth`, `_password`)",
    ),
    SecretFile(
        "pypirc-password", "PyPI configuration with a password", (".pypirc",), lazyre.compile(rb"^\s*password\s*[=:]", re.M),
        "PyPA: the .pypirc file (`password` key), packaging.python.org/en/latest/specifications/pypirc/",
    ),
    SecretFile(
        "huggingface-token", "Hugging Face token file", ("huggingface/token", "huggingface/stored_tokens", ".huggingface/token"), None,
        "huggingface_hub: environment variables, HF_TOKEN_PATH defaults to $HF_HOME/token (~/.cache/huggingface/token)",
    ),
    SecretFile("kaggle", "Kaggle API key", ("kaggle.json",), lazyre.compile(rb'"key"\s*:'), "Kaggle API docs: ~/.kaggle/kaggle.json with `username` and `key`"),
    SecretFile(
        "gcp-service-account", "Google Cloud service-account key", ("*.json",), lazyre.compile(rb'"type"\s*:\s*"service_account"'),
        "Google Cloud IAM: service account key file format (`\"type\": \"service_account\"`, `private_key`)",
    ),
    SecretFile(
        "docker-config", "Docker client configuration with registry credentials", (".docker/config.json", ".dockercfg"),
        lazyre.compile(rb'"auth"\s*:\s*"[^"]|"identitytoken"\s*:'),
        "Docker CLI: config.json `auths` entries (base64 `auth`), docs.docker.com/reference/cli/docker/#docker-cli-configuration-file-configjson-properties",
    ),
)

# Templates that by convention hold no real values.
_TEMPLATES = lazyre.compile(r"\.(example|sample|template|tmpl|dist|defaults?|tpl)$|^\.env\.(example|sample|template|dist|defaults?|test|ci)$|\.pub$")


# Every pattern at once: most paths (an image holds hundreds of thousands) match none.
_ANY_NAME = lazyre.compile("|".join(fnmatch.translate(p) for e in TABLE for p in e.names if "/" not in p))
_ANY_TAIL = lazyre.compile("|".join(fnmatch.translate(p) for e in TABLE for p in e.names if "/" in p))


@lru_cache(maxsize=1 << 14)
def by_name(path: str) -> SecretFile | None:
    """The credential-file class a path's name points to, or None."""
    parts = path.replace("\\", "/").lower().rstrip("/").split("/")
    name = parts[-1]
    tail2 = "/".join(parts[-2:])
    if not name or _TEMPLATES.search(name) or not (_ANY_NAME.match(name) or _ANY_TAIL.match(tail2)):
        return None
    for exact in (True, False):  # exact names and paths before wildcards: `.docker/config.json` before `*.json`
        for entry in TABLE:
            for pattern in entry.names:
                if ("*" not in pattern) is exact and fnmatch.fnmatchcase(tail2 if "/" in pattern else name, pattern):
                    return entry
    return None


def confirmed(entry: SecretFile, head: bytes) -> bool:
    """Whether a file of class ``entry`` whose first bytes are ``head`` holds a credential."""
    return entry.marker is None or entry.marker.search(head[:HEAD_BYTES]) is not None

