"""
## What it does
Flags a variable that an instruction BuildKit expands (`ENV`, `ARG` defaults, `LABEL`,
`COPY`, `ADD`, `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`, `STOPSIGNAL`) uses but nothing in
scope defines. BuildKit's check UndefinedVar. Without the base image's configuration,
mldocklint reports only what it can be sure of:
- a global `ARG` (declared before the first `FROM`) used inside a stage that does not
  declare it again: it is empty there;
- a name one or two letters away from a defined one (`$PAHT` next to `PATH`, an `ARG` or
  an `ENV`): a typo;
- any undefined name in a stage built `FROM scratch`, which has no environment.
References with a default (`${X:-y}`) are not reported. `RUN` is the shell's, not
BuildKit's: ShellCheck (the SC family) looks at it.

## Why is this bad?
The variable expands to an empty string: `ENV PATH=$PAHT:/opt/bin` leaves `PATH` as
`:/opt/bin` and every command after it fails; `COPY app-$VERSION.whl` copies the wrong file.

## Example
```dockerfile
ARG VERSION=1.2.0
FROM python:3.11-slim
ENV PATH=$PAHT:/opt/venv/bin
COPY dist/app-${VERSION}.whl /tmp/
USER 1000
```

## Use instead
```dockerfile
ARG VERSION=1.2.0
FROM python:3.11-slim
ARG VERSION
ENV PATH=$PATH:/opt/venv/bin
COPY dist/app-${VERSION}.whl /tmp/
USER 1000
```

## When to ignore
A variable the base image's configuration sets under a name close to one of yours.

## Fix
None.

## Options
None.
"""

from mldocklint.rules._correctness import closest, references
from mldocklint.target import problem_at

ID = "ML010"
SLUG = "undefined-var"
CATEGORY = "correctness"
SEVERITY = "warning"
SUMMARY = "Variable used but not defined"
FIX = "none"
ALIASES = ("UndefinedVar",)
EXPANDED = frozenset(("ENV", "ARG", "LABEL", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL"))
# Set in the configuration of every Linux base image (and by Docker when it is not).
ALWAYS = frozenset(("PATH",))


def _assigned(instr) -> list[str]:
    if instr.keyword == "ARG":
        return [w.partition("=")[0] for w in instr.value]
    if instr.keyword == "ENV":
        return [instr.value[k] for k in range(0, len(instr.value) - 1, 2)]
    return []


def check(target, options):
    df = target.dockerfile
    global_args = set(df.global_args)
    defined_in: dict[int, set[str]] = {}
    for stage in target.stages:
        from_scratch = df.lineage(stage)[0].base.lower() == "scratch"
        defined = set(defined_in.get(stage.parent, ())) if stage.parent is not None else set()
        for instr in stage.instructions[1:]:
            if instr.keyword in EXPANDED and not instr.heredocs:
                words = instr.value[1::2] if instr.keyword == "ENV" else instr.value
                if instr.keyword == "ARG":
                    words = [w.partition("=")[2] for w in instr.value]
                seen = set()
                for word in words:
                    for name, has_default in references(word):
                        if has_default or name in defined or name in ALWAYS or name in seen:
                            continue
                        seen.add(name)
                        message = _message(name, defined, global_args, from_scratch)
                        if message:
                            yield problem_at(df, instr, name, message, stage=stage.label)
            defined.update(_assigned(instr))
        defined_in[stage.index] = defined


def _message(name: str, defined: set, global_args: set, from_scratch: bool) -> str | None:
    if name in global_args:
        return f"`${name}` is not the global ARG `{name}` (ARGs declared before FROM are not visible inside a stage): it is empty here, or the base image's value; add `ARG {name}` after this stage's FROM"
    hint = closest(name, defined | ALWAYS | global_args)
    if hint is not None:
        return f"usage of undefined variable `${name}` (did you mean `${hint}`?): it expands to an empty string"
    if from_scratch:
        return f"usage of undefined variable `${name}`: a stage FROM scratch has no environment, so it expands to an empty string"
    return None
