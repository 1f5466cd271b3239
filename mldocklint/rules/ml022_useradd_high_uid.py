"""
## What it does
Flags `useradd` with a UID of six digits or more (`-u 100000`) and without `-l`
(`--no-log-init`). hadolint's DL3046. A UID given by a variable is not judged.

## Why is this bad?
`useradd` reserves the user's entry in `/var/log/lastlog` and `/var/log/faillog`, files
indexed by UID: a UID of 1000000 makes a sparse file of hundreds of megabytes, which the
image layer stores in full. Builds slow down and the image grows by gigabytes for nothing.

## Example
```dockerfile
FROM python:3.11-slim
RUN useradd -m -u 1000000 app
USER app
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN useradd -l -m -u 1000000 app
USER app
```

## When to ignore
Never needed.

## Fix
None: add `-l` (`--no-log-init`).

## Options
None.
"""

from mldocklint.syntax.shell import program

ID = "ML022"
SLUG = "useradd-high-uid"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "useradd with a high UID and without -l"
FIX = "none"
ALIASES = ("DL3046",)


def _uid(words: list[str]) -> tuple[int, str] | None:
    """(word index, value) of the UID option, or None."""
    for k, w in enumerate(words[1:], 1):
        if w in ("-u", "--uid") and k + 1 < len(words):
            return k + 1, words[k + 1]
        if w.startswith("--uid="):
            return k, w[6:]
        if w.startswith("-u") and not w.startswith("--") and len(w) > 2:
            return k, w[2:]
    return None


def _no_log_init(words: list[str]) -> bool:
    return any(w == "--no-log-init" or (w.startswith("-") and not w.startswith("--") and "l" in w[1:].split("u")[0]) for w in words[1:])


def check(target, options):
    for stage, instr, ci, words in target.run_commands():
        if program(words[0]) != "useradd" or _no_log_init(words):
            continue
        found = _uid(words)
        if found and found[1].isdigit() and len(found[1]) > 5:
            yield target.problem_at_word(instr, ci, found[0],
                f"`useradd` with UID {found[1]} and without `-l` writes a sparse lastlog file of hundreds of MB into the layer; add `-l` (--no-log-init)",
                stage=stage.label,
            )
