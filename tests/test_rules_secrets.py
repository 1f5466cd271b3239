"""Secrets stored in an image: the secret-like name table, ML309 (ENV/ARG), ML310 (build
arguments in the history), ML311 (secrets written to a layer), ML310's fix and ML607's name test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from io import StringIO

import pytest

from helpers import catches, does_not_catch, lint_text
from mldocklint.engine import Linter, Options, Result
from mldocklint.knowledge.secret_names import credential_store, is_pointer_value, is_secret_name, verdict

SECRET_RULES = ["ML309", "ML310", "ML311"]

ISSUE_EXAMPLE = """
    FROM python:3.11-slim
    ARG HF_TOKEN
    ENV HF_TOKEN=$HF_TOKEN
    ARG AWS_SECRET_ACCESS_KEY
    RUN huggingface-cli login --token $HF_TOKEN
    RUN echo "machine x password $AWS_SECRET_ACCESS_KEY" > /root/.netrc
    ENV TOKENIZERS_PARALLELISM=false TIKTOKEN_CACHE_DIR=/tmp/t
"""


def test_issue_example_lines_two_to_six_and_not_seven():
    assert lint_text(ISSUE_EXAMPLE, SECRET_RULES) == [
        ("ML310", 2, 5),  # ARG HF_TOKEN: recorded in the history of the RUN on line 5
        ("ML309", 3, 5),  # ENV HF_TOKEN=$HF_TOKEN: the value lands in the config
        ("ML310", 4, 5),  # ARG AWS_SECRET_ACCESS_KEY: recorded by the RUN on line 6
        ("ML311", 5, 5),  # huggingface-cli login stores the token
        ("ML311", 6, 5),  # echo ... > /root/.netrc
    ]


# -- secret-like names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "GITHUB_TOKEN", "hf_token", "WANDB_API_KEY", "OPENAI_API_KEY", "APIKEY",
        "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "MYSQL_ROOT_PASSWD", "CLIENT_SECRET", "SECRET_KEY", "SSH_PRIVATE_KEY",
        "GOOGLE_CREDENTIALS", "NPM_AUTH", "AUTH", "KEY", "SSH_KEY", "KEY_PASSPHRASE", "PIP_EXTRA_INDEX_TOKEN",
    ],
)  # fmt: skip
def test_secret_like_names(name):
    assert is_secret_name(name), verdict(name)


@pytest.mark.parametrize(
    "name, word, reason",
    [
        ("TOKENIZERS_PARALLELISM", None, None),  # TOKENIZERS is not the word TOKEN
        ("TIKTOKEN_CACHE_DIR", None, None),
        ("MAX_TOKENS", None, None),
        ("PWD", None, None),  # the shell's working directory
        ("HF_TOKEN_PATH", "TOKEN", "points at"),
        ("PASSWORD_FILE", "PASSWORD", "points at"),
        ("SECRETS_DIR", None, None),
        ("SECRET_DIR", "SECRET", "points at"),
        ("AWS_ACCESS_KEY_ID", "KEY", "names the secret"),
        ("AUTH_URL", "AUTH", "names the service"),
        ("MAX_TOKEN", "TOKEN", "a number"),
        ("AUTH_ENABLED", "AUTH", "switches"),
        ("TOKEN_VERSION", "TOKEN", "describes"),
        ("GPG_KEY", "KEY", "GPG key"),
        ("PUBLIC_KEY", "KEY", "public key"),
        ("SSH_HOST_KEY", "KEY", "host key"),
        ("CACHE_KEY", "KEY", "cache key"),
    ],
)
def test_names_that_are_not_secrets_and_why(name, word, reason):
    v = verdict(name)
    assert not v.secret and v.word == word
    assert (reason is None and v.reason is None) or reason in v.reason


def test_buildkit_flags_names_the_table_lets_go():
    # what BuildKit's SecretsUsedInArgOrEnv flags (deny words, allow PUBLIC/FILE/VERSION) but
    # the exceptions let go, each with a reason
    for name in ("HF_TOKEN_PATH", "GPG_KEY", "AWS_ACCESS_KEY_ID", "AUTH_URL", "MAX_TOKEN", "CACHE_KEY"):
        v = verdict(name)
        assert v.word is not None and v.reason and not v.secret


@pytest.mark.parametrize("value, pointer", [("/run/secrets/hf_token", True), ("./key.json", True), ("~/.aws", True), ("true", True), ("0", True), ("hf_abc", False), ("s3cr3t/x", False)])
def test_pointer_values(value, pointer):
    assert is_pointer_value(value) is pointer


@pytest.mark.parametrize(
    "words, stores",
    [
        (["huggingface-cli", "login", "--token", "$T"], "~/.cache/huggingface/token"),
        (["hf", "auth", "login", "--token", "$T"], "~/.cache/huggingface/token"),
        (["/usr/bin/docker", "login", "-u", "me", "--password-stdin"], "~/.docker/config.json"),
        (["git", "config", "--global", "url.x.insteadOf", "y"], "~/.gitconfig"),
        (["git", "clone", "https://$T@github.com/o/r"], "<clone>/.git/config"),
        (["huggingface-cli", "download", "org/model"], None),
        (["git", "checkout", "main"], None),
    ],
)
def test_credential_stores(words, stores):
    entry = credential_store(words)
    assert (entry.stores if entry else None) == stores


# -- ML309 ---------------------------------------------------------------------------------------


def test_env_copying_a_build_argument():
    catches("ML309", """
        FROM python:3.11-slim
        ARG HF_TOKEN
        ARG RELEASE
        ENV HF_TOKEN=$HF_TOKEN HUB_TOKEN=${RELEASE} COPY_OF_IT="Bearer ${HF_TOKEN}" VERSION=$RELEASE
        ENV OPENAI_API_KEY=$NOT_AN_ARG HAS_TOKEN=${HF_TOKEN:+1}
    """, (4, 5), (4, 24), (4, 45))  # fmt: skip


def test_env_copying_an_argument_of_a_parent_stage():
    catches("ML309", """
        FROM python:3.11-slim AS base
        ARG GITHUB_TOKEN
        FROM base
        ENV GITHUB_TOKEN=${GITHUB_TOKEN}
    """, (4, 5))  # fmt: skip


def test_env_copying_an_argument_in_a_builder_stage_is_not_shipped():
    does_not_catch("ML309", """
        FROM python:3.11 AS build
        ARG HF_TOKEN
        ENV HF_TOKEN=$HF_TOKEN
        RUN --mount=type=secret,id=x true
        FROM python:3.11-slim
        COPY --from=build /models /models
    """)


def test_paths_and_switches_are_not_literal_secrets():
    does_not_catch("ML309", """
        FROM python:3.11-slim
        ENV GOOGLE_APPLICATION_CREDENTIALS=/app/sa.json HF_TOKEN_PATH=/run/secrets/hf_token
        ENV AUTH=false GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D AWS_ACCESS_KEY_ID=AKIAEXAMPLE
        ARG SECRET_KEY=./secret.key
    """)


def test_literal_with_a_default_in_a_reference_still_counts():
    catches("ML309", """
        FROM python:3.11-slim
        ENV HF_TOKEN=${HF_TOKEN:-hf_default_value}
    """, (2, 5))  # fmt: skip


# -- ML310 ---------------------------------------------------------------------------------------


def test_arg_used_by_a_run_of_the_image():
    catches("ML310", """
        FROM python:3.11-slim
        ARG HF_TOKEN
        ARG UNUSED_TOKEN
        RUN pip install huggingface_hub
        RUN huggingface-cli download org/m --token "${HF_TOKEN}"
    """, (2, 5), (3, 5))  # fmt: skip


def test_message_names_the_run_and_the_exact_mount():
    found = [f for f in _findings("FROM python:3.11-slim\nARG HF_TOKEN\nRUN echo start\nRUN huggingface-cli download org/m --token $HF_TOKEN\n") if f.rule == "ML310"]
    assert [f.message for f in found] == [
        "ARG HF_TOKEN is recorded with its value in the image history by the RUN on line 4, which uses it (`docker history --no-trunc` shows it); "
        "use `RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli ...` with `docker build --secret id=hf_token,env=HF_TOKEN .` and drop the ARG"
    ]


def test_arg_without_a_run_after_it_or_only_in_a_builder_is_not_recorded():
    does_not_catch("ML310", """
        FROM python:3.11 AS build
        ARG GITHUB_TOKEN
        RUN git clone https://x-access-token:${GITHUB_TOKEN}@github.com/org/private.git /src
        FROM python:3.11-slim
        ARG HF_TOKEN
        COPY --from=build /src/dist /wheels
        CMD ["python"]
    """)


def test_arg_in_a_parent_stage_is_seen_by_the_child_runs():
    catches("ML310", """
        FROM python:3.11-slim AS base
        ARG WANDB_API_KEY
        FROM base
        RUN python train.py
    """, (2, 5))  # fmt: skip


def test_secret_mounts_are_the_good_pattern():
    does_not_catch("ML310", """
        FROM python:3.11-slim
        ARG HF_TOKEN
        RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download org/m
    """)
    for rule in SECRET_RULES:
        does_not_catch(rule, """
            FROM python:3.11-slim
            RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download org/m
            RUN --mount=type=secret,id=hf_token,target=/run/secrets/hf_token HF_TOKEN=$(cat /run/secrets/hf_token) python get.py
            ENV HF_TOKEN_PATH=/run/secrets/hf_token
        """)


def test_arg_with_a_literal_default_is_ml309_only():
    src = "FROM python:3.11-slim\nARG HF_TOKEN=hf_abcdefghijkl\nRUN python get.py\n"
    assert lint_text(src, SECRET_RULES) == [("ML309", 2, 5)]


# -- ML311 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "run, col",
    [
        ("RUN echo \"$TOKEN\" > /app/.token", 5),
        ("RUN echo \"a > b; token=$TOKEN\" > '/app/my token'", 5),
        ("RUN mkdir -p /root && printf 'machine h login u password %s\\n' \"${DB_PASSWORD}\" >> /root/.netrc", 23),
        ("RUN echo $NPM_TOKEN | tee /root/.npmrc", 23),
        ("RUN sed -i \"s/PLACEHOLDER/$API_KEY/\" /app/config.ini", 5),
        ("RUN wandb login $WANDB_API_KEY", 5),
        ("RUN echo $DOCKER_PASSWORD | docker login -u me --password-stdin registry.example.com", 29),
        ("RUN git config --global url.\"https://${GITHUB_TOKEN}@github.com/\".insteadOf https://github.com/", 5),
        ("RUN git clone https://oauth2:$GITLAB_TOKEN@gitlab.com/org/repo.git /src", 5),
        ("RUN cat /run/secrets/npmrc > /root/.npmrc", 5),
        ("RUN --mount=type=secret,id=sa cp /run/secrets/sa /app/sa.json", 31),
        ("RUN echo \"$(cat /run/secrets/token)\" > /app/token", 5),
        ("RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli login --token $HF_TOKEN", 50),
    ],
)
def test_secret_written_to_a_file(run, col):
    catches("ML311", f"FROM python:3.11-slim\n{run}\n", (2, col))


def test_heredoc_body_written_to_netrc():
    catches("ML311", """
        FROM python:3.11-slim
        ARG NETRC_PASSWORD
        RUN cat > /root/.netrc <<EOF
        machine example.com login me password ${NETRC_PASSWORD}
        EOF
    """, (3, 5))  # fmt: skip


@pytest.mark.parametrize(
    "run",
    [
        "RUN curl -H \"Authorization: Bearer $HF_TOKEN\" https://example.com/m.bin > /models/m.bin",  # writes the download
        "RUN echo \"$TOKEN\" > /dev/null",
        "RUN echo token is set: ${HF_TOKEN:+yes} >&2",
        "RUN echo ${HF_TOKEN:+yes} > /tmp/has-token",
        "RUN echo $HF_TOKEN > /tmp/t && python get.py && rm -f /tmp/t",
        "RUN huggingface-cli login --token $HF_TOKEN && huggingface-cli download org/m && huggingface-cli logout",
        "RUN git clone https://github.com/org/public.git /src",
        "RUN --mount=type=secret,id=sa cp /run/secrets/sa /tmp/sa.json && python get.py && rm /tmp/sa.json",
        "RUN echo $TOKENIZERS_PARALLELISM > /etc/tok",
        "RUN echo \"HF_TOKEN => ${HF_TOKEN:+set}; done && ok\" | cat",  # operators inside quotes are text
    ],
)
def test_not_written_or_removed_in_the_same_run(run):
    does_not_catch("ML311", f"FROM python:3.11-slim\n{run}\n")


def test_builder_stage_file_counts_only_when_copied_out():
    catches("ML311", """
        FROM python:3.11 AS build
        ARG GITHUB_TOKEN
        RUN echo "$GITHUB_TOKEN" > /root/.gh-token
        RUN git clone https://x:${GITHUB_TOKEN}@github.com/org/p.git /src
        FROM python:3.11-slim
        COPY --from=build /src/dist /wheels
        COPY --from=build /root /root
    """, (3, 5))  # fmt: skip


# -- values are never printed ------------------------------------------------------------------


def test_values_never_printed_and_source_lines_never_quoted(tmp_path):
    secret = "hf_SuperSecretValue0123456789"
    path = tmp_path / "Dockerfile"
    path.write_text(f"FROM python:3.11-slim\nARG HF_TOKEN\nRUN curl -u me:{secret} https://x && echo $HF_TOKEN > /t\n")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    for fmt in ("json", "sarif", "text"):
        proc = subprocess.run([sys.executable, "-m", "mldocklint", "check", "--select", ",".join(SECRET_RULES), "--format", fmt, str(path)], capture_output=True, text=True, env=env)
        assert proc.returncode == 1, proc.stderr
        assert secret not in proc.stdout + proc.stderr
        if fmt == "json":
            assert [(f["rule"], f["line"], f["column"]) for f in json.loads(proc.stdout)["findings"]] == [("ML310", 2, 5), ("ML311", 3, 59)]
    from mldocklint.report import text as text_report

    result = Result()
    Linter(Options(select=SECRET_RULES)).lint_file(str(path), result)
    out = StringIO()
    text_report._render_rich(result, result.findings, out, None)
    assert "HF_TOKEN" in out.getvalue() and secret not in out.getvalue()


# -- ML310's fix ---------------------------------------------------------------------------------


def _fixed(src: str) -> str | None:
    from mldocklint.fixes import ml310

    linter = Linter(Options(select=["ML310"]))
    text = textwrap.dedent(src).lstrip("\n")
    found = linter.lint_text(text, "Dockerfile", Result())
    assert found and found[0].rule == "ML310"
    fix = ml310.fix(linter.last_target, found[0])
    if fix is None:
        return None
    for e in sorted(fix.edits, reverse=True):
        text = text[: e.start] + e.text + text[e.end :]
    return text


def test_fix_turns_the_arg_into_a_secret_mount():
    assert _fixed("""
        FROM python:3.11-slim
        ARG HF_TOKEN
        RUN pip install huggingface_hub
        RUN huggingface-cli download org/m --token $HF_TOKEN && echo ${HF_TOKEN:+ok}
    """) == (
        "FROM python:3.11-slim\n"
        "RUN pip install huggingface_hub\n"
        "RUN --mount=type=secret,id=hf_token,env=HF_TOKEN huggingface-cli download org/m --token $HF_TOKEN && echo ${HF_TOKEN:+ok}\n"
    )


@pytest.mark.parametrize(
    "src",
    [
        "FROM python:3.11-slim\nARG HF_TOKEN\nENV HF_TOKEN=$HF_TOKEN\nRUN get --token $HF_TOKEN\n",  # the ENV needs the ARG
        "FROM python:3.11-slim\nARG HF_TOKEN OTHER\nRUN get --token $HF_TOKEN\n",  # two names in one ARG
        "FROM python:3.11-slim\nARG HF_TOKEN\nRUN python get.py\n",  # no RUN names it: the script reads the environment
        "FROM python:3.11-slim AS base\nARG HF_TOKEN\nFROM base AS test\nRUN t --token $HF_TOKEN\nFROM base\nRUN get --token $HF_TOKEN\n",  # another stage needs it
    ],
)
def test_fix_refused_when_not_mechanical(src):
    assert _fixed(src) is None


def _findings(src: str):
    return Linter(Options(select=SECRET_RULES)).lint_text(src, "Dockerfile", Result())


# -- ML607's name test -----------------------------------------------------------------------------


def test_image_env_names_use_the_same_table():
    from types import SimpleNamespace

    from mldocklint.rules import ml607_secret_in_image_env as ml607

    env = [("HF_TOKEN", "hf_x"), ("HF_TOKEN_PATH", "/run/secrets/t"), ("GPG_KEY", "A035C8C1"), ("AWS_ACCESS_KEY_ID", "AKIA1"),
           ("TOKENIZERS_PARALLELISM", "false"), ("DB_PASSWORD", "$FROM_ENV"), ("AUTH", "true"), ("SSH_KEY", "-----BEGIN")]  # fmt: skip
    seen = []
    target = SimpleNamespace(facts=SimpleNamespace(env=env), at_keyword=lambda kw, message, needle, key: seen.append(key))
    list(ml607.check(target, {}))
    assert seen == ["HF_TOKEN", "SSH_KEY"]


@pytest.mark.parametrize(
    "value, literal",
    [("hf_abc", True), ("${X:-hf_abc}", True), ("Bearer $X", True), ("$X", False), ("${X}", False), ("${X:+1}", False),
     ("${X:?missing}", False), ('""', False), ("${X}/token", False), (None, False)],
)  # fmt: skip
def test_literal_values(value, literal):
    from mldocklint.rules._secrets import is_literal

    assert is_literal(value) is literal
