"""hadolint's bug-catching checks as ML020 onward, and the ML2xx download rules: exact positions."""

from __future__ import annotations

from helpers import catches, does_not_catch, lint_text

from mldocklint.knowledge.foreign_rules import DIFFERENCES, NOT_COVERED
from mldocklint.rules import aliases


def test_no_foreign_code_is_both_covered_and_listed_as_not_covered():
    listed = [code for code, _ in NOT_COVERED]
    assert len(listed) == len(set(listed))
    assert not set(listed) & set(aliases())
    assert {code for code, _ in DIFFERENCES} <= set(aliases())


# -- ML020 (DL3044) ------------------------------------------------------------------


def test_env_using_a_variable_it_sets_in_another_value():
    catches("ML020", """
        FROM python:3.11-slim
        ENV APP_HOME=/app CACHE=$APP_HOME/cache
        ENV A=1 \\
            B="${A}/x"
        ENV F=$G G=1
    """, (2, 25), (4, 8), (5, 7))


def test_env_self_reference_earlier_definitions_and_single_pairs_are_fine():
    does_not_catch("ML020", """
        FROM python:3.11-slim AS base
        ARG HOME_DIR=/opt
        ENV PATH=/opt/bin:$PATH
        ENV HOME_DIR=/app DATA=$HOME_DIR/data
        ENV A=1
        FROM base
        ENV A=2 B=$A
        ENV C $C:x
    """)


# -- ML021 (DL3021) ------------------------------------------------------------------


def test_copy_of_several_sources_to_a_destination_without_slash():
    catches("ML021", """
        FROM python:3.11-slim
        COPY a.txt b.txt /app
        ADD ["x.tar", "y.tar", "/opt"]
        COPY a.txt b.txt /app/
        COPY a.txt /app
    """, (2, 18), (3, 25))


# -- ML022 (DL3046) ------------------------------------------------------------------


def test_useradd_with_a_high_uid_and_no_l():
    catches("ML022", """
        FROM python:3.11-slim
        RUN groupadd -g 1000000 app && useradd -m -u 1000000 app
        RUN useradd --uid=2000000 -m bob
        RUN useradd -l -m -u 1000000 a && useradd -lm -u1000000 b && useradd --no-log-init -u 1000000 c
        RUN useradd -m -u 1000 d && useradd -u ${UID} e
    """, (2, 46), (3, 13))


# -- ML023 (DL3004) ------------------------------------------------------------------


def test_sudo_in_run():
    catches("ML023", """
        FROM python:3.11-slim
        RUN apt-get update && \\
            DEBIAN_FRONTEND=noninteractive sudo apt-get install -y git
        RUN sudo -u app pip install --user flask
        RUN echo sudo && apt-get install -y sudo && echo "%wheel ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
    """, (3, 36), (4, 5))


# -- ML024 (DL3020) ------------------------------------------------------------------


def test_add_of_local_files_that_are_not_archives():
    catches("ML024", """
        FROM python:3.11-slim
        ADD requirements.txt /app/
        add src/ /app/src/
        ADD model.tar.gz /models/
        ADD https://example.com/a.whl /tmp/
        ADD git@github.com:org/repo.git /src
        COPY requirements.txt /app/
    """, (2, 1), (3, 1))


# -- ML025 (DL3027) ------------------------------------------------------------------


def test_apt_instead_of_apt_get():
    catches("ML025", """
        FROM python:3.11-slim
        RUN apt update && apt-get install -y git && sudo apt install -y curl
        RUN apt-cache policy git && echo apt
    """, (2, 5), (2, 50))


# -- ML026 (DL4001) ------------------------------------------------------------------


def test_curl_and_wget_in_one_stage():
    catches("ML026", """
        FROM python:3.11-slim AS a
        RUN curl -fsSL -o /a https://example.com/a
        RUN echo ok && wget -q https://example.com/b
        RUN curl -fsSL -o /c https://example.com/c
        FROM python:3.11-slim AS b
        RUN wget -q https://example.com/d
    """, (3, 16), (4, 5))


# -- ML027 (DL4005) ------------------------------------------------------------------


def test_ln_over_bin_sh():
    catches("ML027", """
        FROM python:3.11-slim
        RUN ln -sf /bin/bash /bin/sh
        RUN ln -s /usr/bin/python3 /usr/bin/python && rm /bin/sh
    """, (2, 22))


def test_the_new_rules_are_silent_on_a_clean_file():
    assert lint_text("""
        FROM python:3.11-slim
        ENV APP_HOME=/app
        ENV CACHE=$APP_HOME/cache
        COPY requirements.txt constraints.txt /app/
        RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \\
            && useradd -l -m -u 1000000 app && curl -fsSL -o /tmp/x https://example.com/x
        USER app
    """, ["ML020", "ML021", "ML022", "ML023", "ML024", "ML025", "ML026", "ML027"]) == []


# -- ML028 (DL3003) and ML029 (DL3059): opt-in -----------------------------------------


def test_cd_in_run():
    catches("ML028", """
        FROM python:3.11-slim
        RUN cd /app && pip install . && cd -
        RUN echo cd
    """, (2, 5), (2, 33))


def test_consecutive_short_runs():
    catches("ML029", """
        FROM python:3.11-slim
        RUN pip install a==1
        # a comment does not separate them
        RUN pip install b==1
        RUN --mount=type=cache,target=/root/.cache pip install c==1
        ENV X=1
        RUN pip install d==1
        RUN a && b && c
        RUN e
        RUN python3 - <<'PY'
        print("a")
        PY
        RUN f
    """, (4, 1))


def test_opt_in_rules_run_only_when_selected():
    src = """
        FROM python:3.11-slim
        RUN cd /app
        RUN echo a
        USER 1000
    """
    assert [r for r, _, _ in lint_text(src) if r in ("ML028", "ML029")] == []
    assert [r for r, _, _ in lint_text(src, ["ML0"]) if r in ("ML028", "ML029")] == ["ML028", "ML029"]
    assert [r for r, _, _ in lint_text(src, extend_select=["DL3059"]) if r in ("ML028", "ML029")] == ["ML029"]


# -- ML205, ML206: downloads at build time --------------------------------------------


def test_add_of_a_url_without_checksum():
    catches("ML205", """
        FROM python:3.11-slim
        ADD https://example.com/a.onnx /models/
        ADD --checksum=sha256:24454f9beb6e1e47a25f5e4ab7b36a85b1f2d7e2c1a8c0c2c4e8e1b7d7f8a9b0 https://example.com/b.onnx /models/
        ADD https://github.com/org/repo.git#v1.0 /src
        ADD model.tar.gz /models/
        ADD ["http://example.com/c.bin", "/models/"]
        ADD https://example.com/LICENSE.txt /licenses/
    """, (2, 5), (6, 7))


def test_model_download_without_a_pinned_revision():
    catches("ML206", """
        FROM python:3.11-slim
        RUN huggingface-cli download org/model --local-dir /m \\
            && hf download org/m2 --revision main && hf download org/m3 --revision 0a1b2c3d
        RUN python -c "from transformers import AutoModel; AutoModel.from_pretrained('bert-base-uncased')"
        RUN python -c "import transformers as t; t.AutoModel.from_pretrained('/models/bert'); t.AutoModel.from_pretrained(name)"
        RUN python -c "from huggingface_hub import snapshot_download as s; s; snapshot_download(repo_id='org/x', revision='0123abc')"
        RUN git clone https://huggingface.co/org/model /m && git -C /m checkout 0123abc
        RUN git clone https://huggingface.co/org/model2 /m2 && git clone https://github.com/org/code /c
        ADD https://huggingface.co/org/m/resolve/main/model.safetensors /m/
        ADD https://huggingface.co/org/m/resolve/0123abc/model.safetensors /m/
        RUN <<EOF
        python - <<PY
        from huggingface_hub import hf_hub_download
        hf_hub_download("org/y", "model.bin", revision="main")
        PY
        EOF
        RUN wget -q https://huggingface.co/org/z/resolve/main/w.bin
    """, (2, 30), (3, 20), (4, 62), (8, 15), (9, 5), (14, 1), (17, 13))


def test_sudo_after_a_non_root_user_or_on_a_non_root_base_is_left_alone():
    does_not_catch("ML023", """
        FROM python:3.11-slim
        USER app
        RUN sudo apt-get update
        FROM rayproject/ray:2.9.0-gpu
        RUN sudo apt-get update
    """)
    catches("ML023", """
        FROM rayproject/ray:2.9.0-gpu
        USER root
        RUN sudo apt-get update
    """, (3, 5))


def test_copy_of_several_sources_is_left_alone_when_the_file_needs_buildkit():
    does_not_catch("ML021", """
        FROM python:3.11-slim
        COPY a.txt b.txt .
        COPY a.txt b.txt /app
        RUN --mount=type=cache,target=/root/.cache/pip pip install -r /app/a.txt
    """)


# -- DL3043, DL3061: files BuildKit refuses are parse errors (ML000) -----------------------


def test_onbuild_triggers_and_instructions_before_from_are_parse_errors():
    from mldocklint.engine import Linter, Options, Result

    for text, message in (
        ("RUN echo hi\nFROM python:3.11-slim\n", "no build stage in current context"),
        ("FROM python:3.11-slim\nONBUILD FROM busybox\n", "FROM isn't allowed as an ONBUILD trigger"),
    ):
        result = Result()
        found = Linter(Options(select=["DL3061"])).lint_text(text, "Dockerfile", result, None)
        assert [(f.rule, f.line, f.column, f.message) for f in found] == [("ML000", 1 if text.startswith("RUN") else 2, 1, message)]
