"""Lint the real-world corpus with the real command line and write counts and a review sample.

    python bench/realworld/lint.py                                  # the copy extract.py wrote
    python bench/realworld/lint.py --corpus /work/corpus --rule ML401 --per-rule 20

Lints every Dockerfile the manifest tags `dockerfile` with
`python -m mldocklint check --format json --failure-threshold none`, run from the copy's root so
paths are relative, in batches, without --context (each file gets the engine's own context).
Writes into --out (default bench/out/realworld/):

- counts.tsv: rule, findings, files with findings
- findings.jsonl: every finding, one JSON object a line, sorted
- sample.md: for each rule a random sample (fixed --seed) of --per-rule findings, each with
  path:line:col, the message and the Dockerfile lines around it (the whole instruction and
  3 lines either side), then every error line the linter reported

Only full checkouts hold everything a build context holds; the other repositories hold the
Dockerfile and the files next to it that rules read. Findings of the context rules (ML5xx) on
those say more about the copy than about the linter: sample.md marks each finding's copy as
`full checkout` or `partial copy`, and --full-only lints the full checkouts alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from extract import local_name, read_manifest  # noqa: E402  (the script's sibling, not a package)

AROUND = 3  # lines shown either side of a finding
LONGEST = 40  # lines of one instruction shown at most


def dockerfiles(rows: list[dict], corpus: str, full_only: bool) -> tuple[list[str], list[str]]:
    """Paths (relative to corpus) of the manifest's Dockerfiles present in it, and those absent."""
    full = full_checkouts(rows)
    present, absent = [], []
    for row in rows:
        if "dockerfile" in row["tags"].split(",") and (not full_only or local_name(row["repo"]) in full):
            rel = f"{local_name(row['repo'])}/{row['path']}"
            (present if os.path.isfile(os.path.join(corpus, rel)) else absent).append(rel)
    return sorted(present), sorted(absent)


def full_checkouts(rows: list[dict]) -> set[str]:
    """Top folders of the copy (owner+name) that hold a whole repository."""
    return {local_name(row["repo"]) for row in rows if row["path"] == "."}


def run_batch(corpus: str, files: list[str], select: str | None) -> tuple[list[dict], list[dict]]:
    """Findings and errors for one batch; a batch the linter could not report on is split up."""
    cmd = [sys.executable, "-m", "mldocklint", "check", "--format", "json", "--failure-threshold", "none"]
    if select:
        cmd += ["--select", select]
    done = subprocess.run(cmd + ["--", *files], cwd=corpus, capture_output=True, text=True)
    try:
        doc = json.loads(done.stdout)
    except ValueError:
        if len(files) > 1:
            half = len(files) // 2
            a, b = run_batch(corpus, files[:half], select), run_batch(corpus, files[half:], select)
            return a[0] + b[0], a[1] + b[1]
        tail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}, no output"])[-1]
        return [], [{"path": files[0], "message": f"no JSON report (exit {done.returncode}): {tail}"}]
    return doc["findings"], doc["errors"]


def lint(corpus: str, files: list[str], select: str | None, batch: int, jobs: int) -> tuple[list[dict], list[dict]]:
    chunks = [files[i : i + batch] for i in range(0, len(files), batch)]
    findings: list[dict] = []
    errors: list[dict] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for found, failed in pool.map(lambda chunk: run_batch(corpus, chunk, select), chunks):
            findings += found
            errors += failed
    key = lambda f: (f["path"], f["line"], f["column"], f["rule"], f["message"])  # noqa: E731
    return sorted(findings, key=key), sorted(errors, key=lambda e: (e["path"], e["message"]))


def counts(findings: list[dict]) -> list[tuple[str, int, int]]:
    per_rule: dict[str, list[int | set]] = {}
    for f in findings:
        entry = per_rule.setdefault(f["rule"], [0, set()])
        entry[0] += 1
        entry[1].add(f["path"])
    return [(rule, n, len(paths)) for rule, (n, paths) in sorted(per_rule.items())]


def sample(findings: list[dict], per_rule: int, seed: int, only: str | None) -> dict[str, tuple[int, list[dict]]]:
    """rule -> (how many findings it has, a fixed-seed random sample of them in file order)."""
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        if only is None or f["rule"] == only:
            by_rule.setdefault(f["rule"], []).append(f)
    picked = {}
    for rule, found in sorted(by_rule.items()):
        chosen = random.Random(f"{seed}:{rule}").sample(range(len(found)), min(per_rule, len(found)))
        picked[rule] = (len(found), [found[i] for i in sorted(chosen)])
    return picked


def instruction_span(text: str, line: int) -> tuple[int, int]:
    """First and last line of the instruction holding line (the line itself if none does)."""
    try:  # the project's own parser; if it has moved, the excerpt keeps its 3 lines either side
        from mldocklint.syntax.dockerfile import parse

        parsed = parse(text)
    except (ImportError, ValueError):  # ParseError is a ValueError
        return line, line
    for instr in parsed.instructions:
        if instr.line <= line <= instr.end_line:
            return instr.line, instr.end_line
    return line, line


def excerpt(corpus: str, finding: dict) -> str:
    """The Dockerfile lines around a finding, numbered, the finding's line marked with '>'."""
    try:
        with open(os.path.join(corpus, finding["path"]), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError as exc:
        return f"    (cannot read: {exc.strerror})"
    lines = text.splitlines()
    first, last = instruction_span(text, finding["line"])
    last = min(last, first + LONGEST - 1)
    start = max(1, min(first, finding["line"]) - AROUND)
    end = min(len(lines), max(last, finding["line"]) + AROUND)
    width = len(str(end))
    return "\n".join(
        f"{'>' if n == finding['line'] else ' '} {n:>{width}} | {lines[n - 1]}" for n in range(start, end + 1)
    )


def write_sample(path: str, corpus: str, picked: dict, errors: list[dict], linted: int, seed: int, full: set[str]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"# Review sample\n\n{linted} Dockerfiles linted; seed {seed}. Judge each finding right / wrong / noise.\n")
        for rule, (total, chosen) in picked.items():
            out.write(f"\n## {rule} ({len(chosen)} of {total})\n")
            for number, f in enumerate(chosen, start=1):
                copy = "full checkout" if f["path"].split("/", 1)[0] in full else "partial copy"
                out.write(f"\n### {rule}.{number} {f['path']}:{f['line']}:{f['column']} ({copy})\n\n{f['message']}\n\n```\n")
                out.write(excerpt(corpus, f) + "\n```\n")
        out.write(f"\n## Errors ({len(errors)})\n\n")
        out.writelines(f"- {e['path']}: {e['message']}\n" for e in errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.path.join(HERE, "files"), help="the copy's root (default: %(default)s)")
    parser.add_argument("--manifest", default=os.path.join(HERE, "manifest.tsv"))
    parser.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "out", "realworld"))
    parser.add_argument("--select", help="passed to `check --select`")
    parser.add_argument("--rule", help="sample only this rule (counts stay complete)")
    parser.add_argument("--per-rule", type=int, default=12, help="findings sampled per rule (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=25, help="Dockerfiles per linter run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--full-only", action="store_true", help="lint only the Dockerfiles of full checkouts")
    args = parser.parse_args(argv)

    corpus = os.path.abspath(args.corpus)
    try:
        rows = read_manifest(args.manifest)
    except (OSError, ValueError) as exc:
        print(f"lint: {exc}", file=sys.stderr)
        return 2
    present, absent = dockerfiles(rows, corpus, args.full_only)
    if not present:
        print(f"lint: no Dockerfiles of {args.manifest} under {corpus}; run extract.py first", file=sys.stderr)
        return 2
    findings, errors = lint(corpus, present, args.select, args.batch, args.jobs)
    errors += [{"path": p, "message": "in the manifest but not in the copy"} for p in absent]

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "counts.tsv"), "w", encoding="utf-8") as fh:
        fh.write("rule\tfindings\tfiles\n")
        fh.writelines(f"{rule}\t{n}\t{files}\n" for rule, n, files in counts(findings))
    with open(os.path.join(args.out, "findings.jsonl"), "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(f, sort_keys=True, ensure_ascii=False) + "\n" for f in findings)
    picked = sample(findings, args.per_rule, args.seed, args.rule)
    write_sample(os.path.join(args.out, "sample.md"), corpus, picked, errors, len(present), args.seed, full_checkouts(rows))
    print(
        f"lint: {len(present)} Dockerfiles, {len(findings)} findings, {len(errors)} errors -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
