from helpers import catches, does_not_catch


def test_root_user_no_user():
    catches("ML302", """
        FROM python:3.11-slim
        CMD ["python", "app.py"]
    """, (1, 1))


def test_root_user_explicit_root_last():
    catches("ML302", """
        FROM python:3.11-slim
        USER app
        USER 0:0
        CMD ["python", "app.py"]
    """, (3, 1))


def test_root_user_inherited_from_parent_stage():
    does_not_catch("ML302", """
        FROM python:3.11-slim AS base
        USER 1000
        FROM base AS runtime
        CMD ["python", "app.py"]
    """)


def test_root_user_only_final_stage_counts():
    catches("ML302", """
        FROM python:3.11 AS builder
        USER 1000
        FROM python:3.11-slim
        CMD ["python", "app.py"]
    """, (3, 1))


def test_shell_form_cmd():
    catches("ML303", """
        FROM python:3.11-slim
        ENTRYPOINT python app.py
        CMD ["--port", "5000"]
    """, (2, 1))
    does_not_catch("ML303", """
        FROM python:3.11-slim
        CMD ["gunicorn", "app:app"]
    """)


def test_root_user_base_images_that_run_as_non_root():
    for base in ("mambaorg/micromamba:1.5.8-jammy", "quay.io/jupyter/scipy-notebook:2024-05-27", "gcr.io/distroless/python3-debian12:nonroot"):
        does_not_catch("ML302", f"""
            FROM {base}
            CMD ["python", "app.py"]
        """)
    catches("ML302", """
        FROM gcr.io/distroless/python3-debian12:latest
        CMD ["app.py"]
    """, (1, 1))
    catches("ML302", """
        FROM mambaorg/micromamba:1.5.8
        USER root
        CMD ["python", "app.py"]
    """, (2, 1))
