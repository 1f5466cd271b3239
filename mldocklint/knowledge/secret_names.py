"""Which variable names hold a secret, and which commands store a secret given to them in a file.

A name is read as words split at ``_`` (and ``-``, ``.``), case-insensitively, the way
BuildKit's ``SecretsUsedInArgOrEnv`` check reads it: a name with a secret word (``TOKEN``,
``PASSWORD``, ``API_KEY`` ...) is secret-like. BuildKit then lets a name go only when it
has ``PUBLIC``, ``FILE`` or ``VERSION`` as a word; the exceptions below go further and say
why each one names something that is not the secret itself. ``verdict`` returns the
decision with its reason, so a review can count the names that were considered and let go.

Source of the words: moby/buildkit, frontend/dockerfile/dockerfile2llb (``getSecretsRegex``:
deny ``apikey auth credential credentials key password pword passwd secret token``, allow
``public file version``) and docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/.

Nothing here reads files or the network.
"""

from __future__ import annotations

from functools import lru_cache

from mldocklint import lazyre
from mldocklint.records import NamedTuple

# Words that make a name secret-like (BuildKit's list, with PASSPHRASE added: ssh-keygen(1)
# and gpg(1) call the password of a key a passphrase).
SECRET_WORDS = frozenset(("TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWORD", "PASSPHRASE", "APIKEY", "CREDENTIAL", "CREDENTIALS", "AUTH", "KEY"))

# KEY after one of these words names a public or non-secret key.
PUBLIC_KEY_QUALIFIERS = {
    "GPG": "a GPG key id or fingerprint used to verify downloads (Docker Official Images set ENV GPG_KEY)",
    "PGP": "a PGP key id or fingerprint used to verify downloads",
    "APT": "an apt repository signing key (public)",
    "PUB": "a public key",
    "PUBLIC": "a public key",
    "HOST": "an SSH host key is public (sshd(8): the private half never leaves the server)",
    "CACHE": "a cache key names a cache entry",
    "SORT": "a sort key names a field",
    "PARTITION": "a partition key names a field",
    "PRIMARY": "a database primary key names a column",
    "FOREIGN": "a database foreign key names a column",
}

# A name with one of these words points at a secret, describes it or configures its use: the
# value is a path, an identifier, a switch or a number, not the secret.
POINTER_WORDS = {
    **dict.fromkeys(("FILE", "PATH", "DIR", "DIRECTORY", "HOME", "LOCATION", "FOLDER"), "points at where the secret is (huggingface_hub's HF_TOKEN_PATH, Docker's *_FILE convention)"),
    **dict.fromkeys(("URL", "URI", "HOST", "PORT", "ENDPOINT", "SERVER", "DOMAIN", "REALM"), "names the service that checks the secret"),
    **dict.fromkeys(("ID", "NAME", "USER", "USERNAME", "EMAIL", "FINGERPRINT", "ALIAS", "LABEL"), "names the secret or its owner (AWS: the access key ID is not secret)"),
    **dict.fromkeys(("TYPE", "MODE", "METHOD", "PROVIDER", "BACKEND", "STRATEGY", "SCHEME", "HEADER", "PREFIX", "FORMAT", "VERSION", "SCOPE", "SCOPES", "AUDIENCE", "ISSUER"), "describes how the secret is used"),
    **dict.fromkeys(("ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "REQUIRE", "NO", "SKIP", "USE", "ALLOW"), "switches the use of a secret on or off"),
    **dict.fromkeys(("MAX", "MIN", "LIMIT", "LENGTH", "LEN", "SIZE", "COUNT", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES", "EXPIRATION", "LIFETIME", "REFRESH"), "a number about tokens (a model's MAX_TOKEN) or a secret's lifetime"),
}

_SPLIT = lazyre.compile(r"[_.\-]+")
_BOOLEAN = frozenset(("true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"))


class Verdict(NamedTuple):
    secret: bool
    word: str | None  # the secret word the name holds, None when it holds none
    reason: str | None  # why a name with a secret word is let go


@lru_cache(maxsize=1 << 14)
def verdict(name: str) -> Verdict:
    """Whether ``name`` names a secret; for a name with a secret word that is let go, why."""
    words = [w for w in _SPLIT.split(name.upper()) if w]
    found = None
    for k, w in enumerate(words):
        if w not in SECRET_WORDS:
            continue
        if w == "KEY" and k > 0 and words[k - 1] in PUBLIC_KEY_QUALIFIERS:
            if found is None:
                found = Verdict(False, w, PUBLIC_KEY_QUALIFIERS[words[k - 1]])
            continue
        found = Verdict(True, w, None)
        break
    if found is None or not found.secret:
        return found or Verdict(False, None, None)
    for w in words:
        if w in POINTER_WORDS:
            return Verdict(False, found.word, POINTER_WORDS[w])
    return found


def is_secret_name(name: str) -> bool:
    """A name whose value is a secret: ``HF_TOKEN``, ``AWS_SECRET_ACCESS_KEY``, ``DB_PASSWORD``."""
    return verdict(name).secret


def is_pointer_value(value: str) -> bool:
    """A literal that cannot be the secret itself: a path (``/run/secrets/hf_token``,
    ``./key.json``, ``~/.aws``) or a switch (``true``, ``0``)."""
    v = value.strip()
    return v.startswith(("/", "./", "../", "~/")) or v.lower() in _BOOLEAN


class CredentialStore(NamedTuple):
    program: str  # the command's program
    subcommand: tuple[str, ...]  # words that must follow it (in order, options between them allowed)
    stores: str  # the file the command writes the secret to
    source: str


# Commands that write a secret given on their command line into a file of the image.
CREDENTIAL_STORES: tuple[CredentialStore, ...] = (
    CredentialStore("huggingface-cli", ("login",), "~/.cache/huggingface/token", "huggingface_hub docs: CLI `huggingface-cli login --token` saves the token to HF_TOKEN_PATH"),
    CredentialStore("hf", ("auth", "login"), "~/.cache/huggingface/token", "huggingface_hub docs: `hf auth login --token` saves the token to HF_TOKEN_PATH"),
    CredentialStore("wandb", ("login",), "~/.netrc", "wandb docs: `wandb login` stores the API key in ~/.netrc"),
    CredentialStore("docker", ("login",), "~/.docker/config.json", "docs.docker.com/reference/cli/docker/login/: credentials are stored in config.json without a credential helper"),
    CredentialStore("npm", ("config", "set"), "~/.npmrc", "npm docs: `npm config set` writes the user npmrc"),
    CredentialStore("pip", ("config", "set"), "~/.config/pip/pip.conf", "pip docs: `pip config set` writes the user configuration file"),
    CredentialStore("poetry", ("config",), "~/.config/pypoetry/auth.toml", "Poetry docs: `poetry config http-basic.<repo>` stores credentials in auth.toml without a keyring"),
    CredentialStore("git", ("config",), "~/.gitconfig", "git-config(1): `git config --global` writes ~/.gitconfig (credential and url.<base>.insteadOf values included)"),
    CredentialStore("git", ("clone",), "<clone>/.git/config", "git-clone(1): the repository URL, user info included, is kept as remote.origin.url"),
    CredentialStore("git", ("remote", "add"), ".git/config", "git-remote(1): the URL is kept in the repository's config"),
    CredentialStore("aws", ("configure", "set"), "~/.aws/credentials", "AWS CLI docs: `aws configure set` writes the credentials file"),
    CredentialStore("conda", ("config",), "~/.condarc", "conda docs: `conda config --set` writes ~/.condarc (channel tokens included)"),
    CredentialStore("kaggle", ("config", "set"), "~/.kaggle/kaggle.json", "Kaggle API docs: `kaggle config set` writes kaggle.json"),
)

# Logging out removes what a login stored.
LOGOUTS = frozenset((("huggingface-cli", "logout"), ("hf", "auth", "logout"), ("docker", "logout")))


def credential_store(words: list[str]) -> CredentialStore | None:
    """The entry of ``CREDENTIAL_STORES`` a command (program first, wrappers removed) matches."""
    if not words:
        return None
    prog = words[0].rpartition("/")[2]
    rest = [w for w in words[1:] if not w.startswith("-")]
    for entry in CREDENTIAL_STORES:
        if entry.program == prog and tuple(rest[: len(entry.subcommand)]) == entry.subcommand:
            return entry
    return None
