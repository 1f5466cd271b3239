"""Count the secret-like names of a corpus: which the secret rules take and which they let go.

    python bench/realworld/secret_names.py --corpus /work/corpus [--manifest bench/realworld/manifest.tsv]

Reads every Dockerfile the manifest tags `dockerfile`, and for each ARG and ENV name and each
variable a RUN refers to, asks ``knowledge.secret_names.verdict``. Prints, per place (ARG,
ENV, RUN), how many names BuildKit's SecretsUsedInArgOrEnv words would flag, how many the
table takes, and how many it lets go, by reason; then each name let go, with its count.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys

from mldocklint.knowledge.secret_names import is_pointer_value, verdict
from mldocklint.rules._secrets import pairs, refs
from mldocklint.rules.ml310_secret_arg_in_history import run_text
from mldocklint.syntax.dockerfile import parse
from mldocklint.target import dequote

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from extract import read_manifest  # noqa: E402  (the script's siblings, not a package)
from lint import dockerfiles  # noqa: E402

# BuildKit's check as written (frontend/dockerfile/dockerfile2llb, getSecretsRegex), for comparison
_BK_DENY = re.compile(r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)")
_BK_ALLOW = re.compile(r"(?i)(?:_|^)(?:public|file|version)(?:_|$)")


def buildkit_flags(name: str) -> bool:
    return bool(_BK_DENY.search(name)) and not _BK_ALLOW.search(name)


def names(df):
    """(place, name, value or None) of every ARG/ENV name and every variable a RUN refers to."""
    for instr in df.instructions:
        if instr.keyword in ("ARG", "ENV"):
            for name, value in pairs(instr):
                yield instr.keyword, name, value
        elif instr.keyword == "RUN":
            for name in set(refs(run_text(instr))):
                yield "RUN", name, None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=os.path.join(HERE, "files"), help="the copy's root (default: bench/realworld/files)")
    ap.add_argument("--manifest")
    args = ap.parse_args()
    files = [os.path.join(args.corpus, rel) for rel in dockerfiles(read_manifest(args.manifest or os.path.join(HERE, "manifest.tsv")), args.corpus, False)[0]]
    table = collections.defaultdict(collections.Counter)
    let_go = collections.Counter()
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                df = parse(fh.read(), os.path.relpath(path, args.corpus))
        except Exception as exc:  # a file the parser refuses counts nowhere
            table["unparsed"][type(exc).__name__] += 1
            continue
        for place, name, value in names(df):
            v = verdict(name)
            if v.secret and value is not None and is_pointer_value(dequote(value)):
                v = v._replace(secret=False, reason="its value is a path or a switch")
            row = table[place]
            row["buildkit flags"] += buildkit_flags(name)
            if v.word is None:
                row["buildkit flags, no secret word here"] += buildkit_flags(name)
                continue
            row["considered"] += 1
            if v.secret:
                row["taken"] += 1
            else:
                row["let go: " + v.reason.split(" (")[0]] += 1
                let_go[(place, name, v.reason.split(" (")[0])] += 1
    print(f"{len(files)} Dockerfiles")
    for place in sorted(table):
        print(f"\n{place}")
        for key, n in sorted(table[place].items()):
            print(f"  {key}: {n}")
    print("\nnames let go")
    for (place, name, reason), n in sorted(let_go.items()):
        print(f"  {place} {name} x{n}: {reason}")


if __name__ == "__main__":
    main()
