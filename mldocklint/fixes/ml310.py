"""ML310 (unsafe): turn a secret build argument into a secret mount.

``ARG HF_TOKEN`` + ``RUN ... $HF_TOKEN ...`` becomes
``RUN --mount=type=secret,id=hf_token,env=HF_TOKEN ... $HF_TOKEN ...`` for each RUN that
refers to the variable, and the ``ARG`` line is deleted. Only when the ``ARG`` declares that
one name without a default, at least one RUN refers to it, and no other instruction after it
in the file (an ``ENV``, ``COPY`` or ``LABEL``, or a RUN of another stage) does. Unsafe: the build now needs
``--secret id=hf_token,env=HF_TOKEN``, and a RUN that reads the variable without naming it
no longer sees it.
"""

from __future__ import annotations

from mldocklint.fixes import Edit, Fix, offset
from mldocklint.rules._secrets import refs
from mldocklint.rules.ml310_secret_arg_in_history import exposed, run_text


def fix(target, finding):
    df = target.dockerfile
    arg = df.instruction_at(finding.line)
    for instr, name, runs, using in exposed(target):
        if instr is not arg:
            continue
        if instr.value != (name,) or not using:
            return None
        later = [i for i in df.instructions if i.line > instr.end_line and not any(i is u for u in using)]
        if any(name in refs(run_text(i) if i.keyword == "RUN" else i.rest) for i in later):
            return None  # another instruction (in this stage or any other) still needs the variable
        mount = f" --mount=type=secret,id={name.lower()},env={name}"
        edits = [Edit(i.start + 3, i.start + 3, mount) for i in using]
        edits.append(Edit(offset(df, instr.line, 1), offset(df, instr.end_line + 1, 1), ""))
        return Fix(tuple(sorted(edits)))
    return None
