"""Model hubs: how a build downloads a model, and what pins the version it gets (ML206).

Each row cites where the behaviour is documented.
"""

from __future__ import annotations

# hosts whose repositories are models (git clone, file URLs)
HOSTS: tuple[tuple[str, str], ...] = (
    ("huggingface.co", "Hugging Face Hub, huggingface.co/docs/hub/repositories-getting-started"),
    ("hf.co", "Hugging Face's short domain, huggingface.co/docs/hub/models-downloading"),
)

# (command words, source): download commands that take --revision
CLI: tuple[tuple[tuple[str, ...], str], ...] = (
    (("huggingface-cli", "download"), "huggingface.co/docs/huggingface_hub/guides/cli (huggingface-cli download REPO --revision REV)"),
    (("hf", "download"), "huggingface.co/docs/huggingface_hub/guides/cli (hf download REPO --revision REV, huggingface_hub >= 0.34)"),
)

# (Python function, source): calls that fetch from the Hub unless given revision=
CALLS: tuple[tuple[str, str], ...] = (
    ("snapshot_download", "huggingface_hub.snapshot_download(repo_id, revision=None: the main branch)"),
    ("hf_hub_download", "huggingface_hub.hf_hub_download(repo_id, filename, revision=None: the main branch)"),
    ("from_pretrained", "transformers/diffusers/sentence-transformers .from_pretrained(name, revision='main')"),
)

# branch names a revision may name that move with every push
MOVING = frozenset(("main", "master", "HEAD"))
# URL path segments that resolve a file at a branch: /resolve/<rev>/ (huggingface.co/docs/hub/models-downloading)
RESOLVE = "/resolve/"
