"""Extract the real-world corpus (manifest.tsv) from fetched git directories into a local copy.

    python bench/realworld/extract.py /work/.mirror                  # scan a directory of git dirs
    python bench/realworld/extract.py /work/.mirror/a+b/repo ...     # or name git dirs one by one
    python bench/realworld/extract.py /work/.mirror --out /work/corpus

Each manifest row is written to OUT/<owner>+<name>/<path> from the row's commit and checked
against its sha256. A `full` row (path `.`) writes the whole tree at the commit after checking
that the commit's root tree id is the one recorded. A repository is written to a temporary
folder first and then moved into place, so a reader never sees half a repository.

Prints one line per missing repository, missing file or mismatch, and exits 1 if there was any.
Files the snapshot lacks inside a full tree (4 MiB and larger, Git LFS) are counted in a note;
they are not errors: the linter sees the same checkout a user with that snapshot would.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import posixpath
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLUMNS = ["repo", "path", "commit", "sha256", "tags"]


def read_manifest(path: str) -> list[dict]:
    """The manifest's rows as dicts; raises ValueError naming the line of a malformed row."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != COLUMNS:
            raise ValueError(f"{path}:1: header must be the columns {COLUMNS}, got {header}")
        for number, line in enumerate(fh, start=2):
            cells = line.rstrip("\n").split("\t")
            if len(cells) != len(COLUMNS):
                raise ValueError(f"{path}:{number}: expected {len(COLUMNS)} tab-separated columns, got {len(cells)}")
            row = dict(zip(COLUMNS, cells))
            problem = row_problem(row)
            if problem:
                raise ValueError(f"{path}:{number}: {problem}")
            rows.append(row)
    return rows


def row_problem(row: dict) -> str | None:
    """What is wrong with one row, or None."""
    owner, _, name = row["repo"].partition("/")
    if not owner or not name or "/" in name:
        return f"repo {row['repo']!r} is not owner/name"
    path = row["path"]
    if path != "." and (path.startswith("/") or ".." in path.split("/") or path != posixpath.normpath(path)):
        return f"path {path!r} is not a normalised relative path"
    if len(row["commit"]) != 40 or not is_hex(row["commit"]):
        return f"commit {row['commit']!r} is not 40 hex digits"
    tags = row["tags"].split(",")
    want = 40 if "full" in tags else 64
    if len(row["sha256"]) != want or not is_hex(row["sha256"]):
        return f"sha256 column {row['sha256']!r} must be {want} hex digits" + (" (the root tree id)" if want == 40 else "")
    if ("full" in tags) != (path == "."):
        return "a `full` row has path `.` and only a full row has"
    if not ({"dockerfile", "support", "full"} & set(tags)):
        return "tags must include dockerfile, support or full"
    return None


def is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def local_name(repo: str) -> str:
    return repo.replace("/", "+", 1)


def find_git_dirs(places: list[str]) -> dict[str, str]:
    """owner/name (lower-cased) -> git dir, from git dirs named directly or found below a folder."""
    found: dict[str, str] = {}

    def is_git_dir(d: str) -> bool:
        return os.path.isfile(os.path.join(d, "HEAD")) and os.path.isdir(os.path.join(d, "objects"))

    def repo_of(d: str) -> str | None:
        parts = os.path.abspath(d).split(os.sep)
        for part in reversed(parts):  # /work/.mirror/owner+name/repo -> owner/name
            if "+" in part:
                return part.replace("+", "/", 1).lower()
        return None

    for place in places:
        candidates = [place] if is_git_dir(place) else []
        if not candidates and os.path.isdir(place):
            for entry in sorted(os.listdir(place)):
                for sub in (os.path.join(place, entry), os.path.join(place, entry, "repo"), os.path.join(place, entry, ".git")):
                    if is_git_dir(sub):
                        candidates.append(sub)
                        break
        for d in candidates:
            repo = repo_of(d)
            if repo:
                found.setdefault(repo, d)
    return found


class Blobs:
    """One `git cat-file --batch` per repository: blob contents by object name or commit:path."""

    def __init__(self, git_dir: str):
        self.proc = subprocess.Popen(
            ["git", "--git-dir", git_dir, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def get(self, spec: str) -> bytes | None:
        self.proc.stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().decode().split()
        if len(header) != 3:  # "<spec> missing"
            return None
        data = self.proc.stdout.read(int(header[2]))
        self.proc.stdout.read(1)
        return data

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def write_file(root: str, path: str, data: bytes) -> None:
    target = os.path.join(root, *path.split("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as fh:
        fh.write(data)


def write_tree(git_dir: str, commit: str, root: str, blobs: Blobs) -> int:
    """Write the whole tree at commit; returns how many blobs the snapshot lacks."""
    listing = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", "--full-tree", commit], capture_output=True, check=True
    ).stdout
    absent = 0
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, obj = meta.decode().split()
        path = path.decode("utf-8", "surrogateescape")
        if kind != "blob":  # submodules are not part of the tree's content
            continue
        data = blobs.get(obj)
        if data is None:
            absent += 1
            continue
        if mode == "120000":  # a symlink: kept only when it stays inside the repository
            link = data.decode("utf-8", "surrogateescape")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
            if link.startswith("/") or resolved.startswith(".."):
                continue
            target = os.path.join(root, *path.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(link, target)
            continue
        write_file(root, path, data)
    return absent


def tree_of(git_dir: str, commit: str) -> str | None:
    done = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "--verify", "-q", commit + "^{tree}"], capture_output=True)
    return done.stdout.decode().strip() or None


def extract(rows: list[dict], git_dirs: dict[str, str], out: str) -> tuple[list[str], int]:
    """Write every row under out; returns the problems and the count of blobs absent from snapshots."""
    problems: list[str] = []
    absent = 0
    by_repo: dict[str, list[dict]] = {}
    for row in rows:
        by_repo.setdefault(row["repo"], []).append(row)
    os.makedirs(out, exist_ok=True)
    for repo, repo_rows in sorted(by_repo.items()):
        git_dir = git_dirs.get(repo.lower())
        if git_dir is None:
            problems.append(f"{repo}: missing: no git dir for it (fetch github:{repo})")
            continue
        final = os.path.join(out, local_name(repo))
        staging = os.path.join(out, ".partial-" + local_name(repo))
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging)
        blobs = Blobs(git_dir)
        try:
            for row in sorted(repo_rows, key=lambda r: r["path"] != "."):  # whole trees first, files over them
                where = f"{repo}@{row['commit'][:12]}:{row['path']}"
                if row["path"] == ".":
                    tree = tree_of(git_dir, row["commit"])
                    if tree is None:
                        problems.append(f"{where}: missing: the commit is not in {git_dir}")
                    elif tree != row["sha256"]:
                        problems.append(f"{where}: mismatch: tree {tree}, manifest says {row['sha256']}")
                    else:
                        absent += write_tree(git_dir, row["commit"], staging, blobs)
                    continue
                data = blobs.get(f"{row['commit']}:{row['path']}")
                if data is None:
                    problems.append(f"{where}: missing from the git dir")
                    continue
                digest = hashlib.sha256(data).hexdigest()
                if digest != row["sha256"]:
                    problems.append(f"{where}: mismatch: sha256 {digest}, manifest says {row['sha256']}")
                    continue
                write_file(staging, row["path"], data)
        finally:
            blobs.close()
        shutil.rmtree(final, ignore_errors=True)
        os.rename(staging, final)
    return problems, absent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dirs", nargs="+", help="git dirs from `fetch`, or folders holding them (e.g. /work/.mirror)")
    parser.add_argument("--manifest", default=os.path.join(HERE, "manifest.tsv"))
    parser.add_argument("--out", default=os.path.join(HERE, "files"), help="where the copy goes (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        rows = read_manifest(args.manifest)
    except (OSError, ValueError) as exc:
        print(f"extract: {exc}", file=sys.stderr)
        return 2
    problems, absent = extract(rows, find_git_dirs(args.git_dirs), args.out)
    for line in problems:
        print(line)
    repos = {r["repo"] for r in rows}
    dockerfiles = sum("dockerfile" in r["tags"].split(",") for r in rows)
    full = sum(r["path"] == "." for r in rows)
    print(
        f"extract: {len(rows)} rows, {dockerfiles} Dockerfiles, {len(repos)} repositories, {full} full checkouts "
        f"into {args.out} in {time.monotonic() - started:.1f} s; {len(problems)} problems"
        + (f"; note: {absent} files of full checkouts are absent from the snapshots (4 MiB and larger, LFS)" if absent else ""),
        file=sys.stderr,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
