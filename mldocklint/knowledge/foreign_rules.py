"""Other linters' checks that mldocklint does not cover, and where a covered one reads
differently: the mapping tables of rules/README.md (a rule's ``ALIASES`` say what it covers).

Sources: hadolint's rule table (github.com/hadolint/hadolint README "Rules", v2.12) and
BuildKit's checks (github.com/moby/buildkit frontend/dockerfile/linter/ruleset.go, v0.16).
"""

from __future__ import annotations

from mldocklint import lazyre

# (code, why mldocklint leaves it out)
NOT_COVERED: tuple[tuple[str, str], ...] = (
    ("DL1001", "a policy against inline pragmas; mldocklint reports pragmas that suppress nothing (ML900) instead"),
    ("DL3001", "`ssh`, `vim`, `service`, `ps`... in RUN: a matter of taste that flags ordinary install lines"),
    ("DL3008", "apt version pins break the build as soon as the distribution drops the old version; pin the base image instead (ML203)"),
    ("DL3010", "style: ADD's extraction of local archives"),
    ("DL3011", "not covered yet"),
    ("DL3014", "apt-get without `-y` fails the build at once, visibly"),
    ("DL3016", "npm pins: outside the Python ML scope (ML201 and ML202 pin Python dependencies)"),
    ("DL3018", "apk version pins break like apt pins (see DL3008)"),
    ("DL3019", "apk caches: not covered yet"),
    ("DL3026", "a registry allow-list is site policy, not a property of the file"),
    ("DL3028", "gem pins: outside the Python ML scope"),
    ("DL3030", "yum: not covered yet"),
    ("DL3032", "yum: not covered yet"),
    ("DL3033", "yum version pins break like apt pins (see DL3008)"),
    ("DL3034", "zypper: not covered yet"),
    ("DL3035", "zypper: not covered yet"),
    ("DL3036", "zypper: not covered yet"),
    ("DL3037", "zypper version pins break like apt pins (see DL3008)"),
    ("DL3038", "dnf: not covered yet"),
    ("DL3040", "dnf: not covered yet"),
    ("DL3041", "dnf version pins break like apt pins (see DL3008)"),
    ("DL3045", "not covered yet"),
    ("DL3047", "wget's progress output: log size, not the image"),
    ("DL3048", "label policy (DL3048-DL3056, DL3058): set by an organisation, not a property of the file"),
    ("DL3049", "label policy (see DL3048)"),
    ("DL3050", "label policy (see DL3048)"),
    ("DL3051", "label policy (see DL3048)"),
    ("DL3052", "label policy (see DL3048)"),
    ("DL3053", "label policy (see DL3048)"),
    ("DL3054", "label policy (see DL3048)"),
    ("DL3055", "label policy (see DL3048)"),
    ("DL3056", "label policy (see DL3048)"),
    ("DL3058", "label policy (see DL3048)"),
    ("DL3060", "yarn caches: outside the Python ML scope"),
    ("DL3062", "go install pins: outside the Python ML scope"),
    ("DL3063", "not mapped: hadolint releases give the code two meanings (a missing USER; a stage named after a reserved word), which ML302 and ML006 cover"),
    ("InvalidBaseImagePlatform", "needs the base image's manifest from a registry; mldocklint reads no registry"),
)

# (code, how the mldocklint rule that covers it reads the file differently)
DIFFERENCES: tuple[tuple[str, str], ...] = (
    ("DL3000", "only the first WORKDIR of a stage, as BuildKit's WorkdirRelativePath: a relative WORKDIR after an absolute one is resolved against it, not the base image"),
    ("DL3002", "ML302 also reports an image that never sets USER, at its last FROM"),
    ("DL3004", "only in a RUN that runs as root: after a non-root USER (or on a base image known to set one) `sudo` is how that user gets root"),
    ("DL3021", "not for the destination `.`, nor in files that need BuildKit anyway (heredocs, RUN --mount...): BuildKit copies into such a destination as a directory"),
    ("DL3012", "reported on the HEALTHCHECK that is replaced, as BuildKit does; hadolint reports the one that replaces it"),
    ("DL3025", "CMD and ENTRYPOINT only, as BuildKit's JSONArgsRecommended: hadolint also flags `HEALTHCHECK CMD` in shell form, which is harmless (the health check's shell is not PID 1)"),
    ("DL3043", "a parse error (ML000): BuildKit refuses the file, so nothing else is checked"),
    ("DL3046", "a UID given by a variable (`-u ${UID}`) is not judged: its value is not known"),
    ("DL3061", "a parse error (ML000): BuildKit refuses the file, so nothing else is checked"),
    ("DL3029", "BuildKit's FromPlatformFlagConstDisallowed: a constant platform is fine for an image published for that one architecture (knowledge/platforms.py), in a stage named after it, and `--platform=linux/${TARGETARCH}` is not constant"),
    ("DL3059", "a RUN with a heredoc script is a step of its own; and hadolint counts a RUN's commands with its shell parser, mldocklint with its own, so a RUN with a subshell or `sh -c` may count differently"),
    ("DL3042", "only in the stages the built image comes from: a pip cache in a stage that is never copied from does not reach the image"),
    ("DL4003", "reported on the CMD that is replaced, as BuildKit does; hadolint reports the one that replaces it"),
    ("DL4004", "reported on the ENTRYPOINT that is replaced, as BuildKit does; hadolint reports the one that replaces it"),
)

_HADOLINT = lazyre.compile(r"DL\d{4}")


def linter(code: str) -> str:
    """The linter a code or check name comes from."""
    return "hadolint" if _HADOLINT.fullmatch(code) else "BuildKit"
