"""
## What it does
Flags `ln` of `/bin/sh` in a `RUN` command (`ln -sf /bin/bash /bin/sh`). hadolint's DL4005.

## Why is this bad?
Replacing `/bin/sh` changes the shell of every script and package maintainer script in the
image, not only of the `RUN`s of this file, and hides from readers which shell runs them.
`SHELL ["/bin/bash", "-c"]` changes it for the Dockerfile only, in plain sight.

## Example
```dockerfile
FROM python:3.11-slim
RUN ln -sf /bin/bash /bin/sh
USER 1000
```

## Use instead
```dockerfile
FROM python:3.11-slim
SHELL ["/bin/bash", "-c"]
USER 1000
```

## When to ignore
When programs in the image really need `/bin/sh` to be bash at run time.

## Fix
None: use `SHELL`.

## Options
None.
"""

from mldocklint.syntax.shell import program

ID = "ML027"
SLUG = "ln-bin-sh"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "RUN replaces /bin/sh with ln"
FIX = "none"
ALIASES = ("DL4005",)


def check(target, options):
    for stage, instr, ci, words in target.run_commands():
        if program(words[0]) == "ln" and "/bin/sh" in words[1:]:
            yield target.problem_at_word(instr, ci, words.index("/bin/sh", 1),
                "`ln` over /bin/sh changes the shell of every script in the image; use `SHELL [\"/bin/bash\", \"-c\"]` for the Dockerfile's RUNs",
                stage=stage.label,
            )
