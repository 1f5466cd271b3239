"""Serving rules ML305-ML309 and the app-source reader they use (syntax/python_app.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from helpers import catches, does_not_catch

from mldocklint.engine import Linter, Options, Result
from mldocklint.syntax.python_app import Value, entry_modules, entry_points
from mldocklint.syntax.python_source import analyze

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_context(dockerfile: str, select: str | list[str], context: str | None = None) -> list[tuple[str, str, int, int]]:
    result = Result()
    opts = Options(select=[select] if isinstance(select, str) else select, inline_suppressions=False, context=context)
    Linter(opts).lint_file(dockerfile, result)
    assert not result.errors, result.errors
    return sorted((f.rule, f.path, f.line, f.column) for f in result.findings)


@pytest.fixture
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def tree(root, files: dict[str, str]) -> str:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(root / "Dockerfile")


# -- entry points ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, expected",
    [
        (["python", "app.py"], ["app.py"]),
        (["python3", "-u", "src/app.py", "--port", "5000"], ["src/app.py"]),
        (["python", "-m", "pkg.serve"], ["pkg/serve.py", "pkg/serve/__main__.py"]),
        (["python", "-c", "print(1)"], []),
        (["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"], ["app.py", "app/__init__.py"]),
        (["gunicorn", "pkg.wsgi:create_app()"], ["pkg/wsgi.py", "pkg/wsgi/__init__.py"]),
        (["gunicorn", "--chdir", "src", "-b", "localhost:8000", "wsgi"], ["src/wsgi.py", "src/wsgi/__init__.py"]),
        (["uvicorn", "pkg.main:app", "--host", "0.0.0.0", "--reload"], ["pkg/main.py", "pkg/main/__init__.py"]),
        (["python", "-m", "uvicorn", "--app-dir", "src", "main:app"], ["src/main.py", "src/main/__init__.py"]),
        (["hypercorn", "--bind", "0.0.0.0:80", "api:app"], ["api.py", "api/__init__.py"]),
        (["flask", "--app", "x", "run"], ["x.py", "x/__init__.py"]),
        (["flask", "--app", "server.py", "run"], ["server.py"]),
        (["flask", "run"], ["app.py", "wsgi.py"]),
        (["streamlit", "run", "ui.py", "--server.port", "8501"], ["ui.py"]),
        (["gradio", "demo.py"], ["demo.py"]),
        (["/entrypoint.sh", "python", "app.py"], ["app.py"]),
        (["sh", "-c", "cd /app && exec python serve.py"], ["serve.py"]),
        (["nginx", "-g", "daemon off;"], []),
    ],
)
def test_entry_modules(words, expected):
    assert entry_modules(words) == expected


def test_entry_points_say_whether_the_file_runs_as_main():
    assert entry_points(["python", "app.py"]) == [("app.py", True)]
    assert entry_points(["gunicorn", "app:app"]) == [("app.py", False), ("app/__init__.py", False)]


# -- analyze ---------------------------------------------------------------------------------


def calls(src: str):
    return analyze(textwrap.dedent(src).lstrip("\n"), "app.py").calls


def test_flask_run_with_host_port_and_env_default():
    (c,) = calls("""
        import os
        from flask import Flask
        app = Flask(__name__)
        if __name__ == "__main__":
            app.run(host=os.environ.get("HOST", "0.0.0.0"), port=int(os.getenv("PORT", "5000")), debug=True)
    """)
    assert (c.kind, c.line, c.column, c.end_line, c.guarded, c.debug, c.reload) == ("flask", 5, 5, 5, True, True, False)
    assert c.host == Value("0.0.0.0", "HOST") and c.port == Value(5000, "PORT")


def test_flask_run_defaults_and_positional_arguments():
    (a, b) = calls("""
        from flask import Flask
        app = Flask(__name__)
        app.run()
        app.run("127.0.0.1", 8080)
    """)
    assert (a.host, a.port, a.default_host, a.default_port, a.guarded) == (None, None, "127.0.0.1", 5000, False)
    assert (b.host, b.port) == (Value("127.0.0.1"), Value(8080))


def test_uvicorn_run_reload_and_module_constant():
    (c,) = calls("""
        import uvicorn
        HOST = "127.0.0.1"
        if __name__ == "__main__":
            uvicorn.run("main:app", host=HOST, reload=True)
    """)
    assert (c.kind, c.host, c.port, c.reload, c.line, c.column) == ("uvicorn", Value("127.0.0.1"), None, True, 4, 5)


def test_gradio_launch_shapes():
    found = calls("""
        import gradio as gr
        with gr.Blocks() as demo:
            pass
        demo.queue().launch(server_name="0.0.0.0", server_port=7861)
        gr.Interface(fn=print, inputs="text", outputs="text").launch()
    """)
    assert [(c.kind, c.line, c.column, c.host, c.port) for c in found] == [
        ("gradio", 4, 1, Value("0.0.0.0"), Value(7861)),
        ("gradio", 5, 1, None, None),
    ]


def test_other_servers():
    found = calls("""
        from aiohttp import web
        from waitress import serve
        from flask import Flask
        from flask_socketio import SocketIO
        app = Flask(__name__)
        socketio = SocketIO(app)
        web.run_app(app, port=8081)
        serve(app, listen="*:9000")
        socketio.run(app, "localhost", 5001)
    """)
    assert [(c.kind, c.line, c.host, c.port) for c in found] == [
        ("aiohttp", 7, None, Value(8081)),
        ("waitress", 8, Value("0.0.0.0"), Value(9000)),
        ("socketio", 9, Value("localhost"), Value(5001)),
    ]


def test_calls_inside_functions_and_unrelated_run_calls_are_not_read():
    assert calls("""
        import subprocess
        from flask import Flask
        app = Flask(__name__)
        def main():
            app.run()
        subprocess.run(["ls"])
    """) == ()


def test_columns_count_characters_not_bytes():
    (c,) = calls("""
        from flask import Flask
        app = Flask(__name__)
        x = "é"; app.run()
    """)
    assert (c.line, c.column) == (3, 10)


@pytest.mark.parametrize("src", ["def (:\n", "app.run(\n", "\x00", "x = 1 +\n"])
def test_unparsable_source_gives_no_facts(src):
    assert analyze(src, "bad.py").calls == ()


# -- ML305 localhost-binding -------------------------------------------------------------------


def test_localhost_explicit_flags():
    catches("ML305", """
        FROM python:3.11-slim
        CMD ["uvicorn", "main:app", "--host", "127.0.0.1", "--port", "8000"]
    """, (2, 40))
    catches("ML305", """
        FROM python:3.11-slim
        CMD gunicorn -b localhost:8000 app:app
    """, (2, 17))
    catches("ML305", """
        FROM python:3.11-slim
        CMD ["gunicorn", "--bind=127.0.0.1:5000", "app:app"]
    """, (2, 19))
    catches("ML305", """
        FROM python:3.11-slim
        CMD ["streamlit", "run", "ui.py", "--server.address", "::1"]
    """, (2, 56))


def test_localhost_entrypoint_with_cmd_arguments():
    catches("ML305", """
        FROM python:3.11-slim
        ENTRYPOINT ["gunicorn"]
        CMD ["-b", "127.0.0.1:8000", "app:app"]
    """, (3, 13))


def test_localhost_server_defaults():
    catches("ML305", """
        FROM python:3.11-slim
        CMD ["flask", "run"]
    """, (2, 7))
    catches("ML305", """
        FROM python:3.11-slim
        CMD ["python", "-m", "uvicorn", "main:app", "--port", "8000"]
    """, (2, 23))
    catches("ML305", """
        FROM python:3.11-slim
        CMD gunicorn --workers 2 app:app
    """, (2, 5))


def test_localhost_env():
    catches("ML305", """
        FROM python:3.11-slim
        ENV FLASK_RUN_HOST=127.0.0.1
        CMD ["flask", "run"]
    """, (2, 5))
    catches("ML305", """
        FROM python:3.11-slim
        ENV PYTHONUNBUFFERED=1 \\
            GRADIO_SERVER_NAME=localhost
        CMD ["python", "app.py"]
    """, (3, 5))


def test_localhost_not_caught():
    for src in (
        'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]',
        'CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "app:app"]',
        'CMD ["gunicorn", "-c", "/srv/gunicorn.conf.py", "app:app"]',
        'ENV GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --workers 2"\nCMD ["gunicorn", "app:app"]',
        'ENV PORT=8080\nCMD ["gunicorn", "app:app"]',
        'ENV FLASK_RUN_HOST=127.0.0.1\nCMD ["flask", "run", "--host", "0.0.0.0"]',
        'CMD ["streamlit", "run", "ui.py"]',
        'CMD ["fastapi", "run", "main.py"]',
        'CMD ["uvicorn", "main:app", "--uds", "/tmp/uvicorn.sock"]',
        'CMD ["uvicorn", "main:app", "--host", "$HOST"]',
        'CMD ["python", "app.py"]',
    ):
        does_not_catch("ML305", "FROM python:3.11-slim\n" + src + "\n")


def test_localhost_app_source_fixture(in_root):
    df = "fixtures/contexts/serving-flask-default/Dockerfile"
    assert run_context(df, "ML305") == [("ML305", "fixtures/contexts/serving-flask-default/api/app.py", 12, 5)]
    assert run_context("fixtures/contexts/serving-gradio/Dockerfile", "ML305") == [("ML305", "fixtures/contexts/serving-gradio/app.py", 9, 1)]


def test_localhost_app_source_needs_no_selected_context_rule(in_root):
    # without a readable context the Dockerfile part still runs
    from helpers import lint_text

    with open("fixtures/contexts/serving-flask-default/Dockerfile") as fh:
        assert lint_text(fh.read(), "ML305") == []


def test_localhost_app_source_cases(tmp_path):
    app = """
        import os
        import gradio as gr
        demo = gr.Interface(fn=print, inputs="text", outputs="text")
        demo.launch()
    """
    docker = "FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py .\n{env}CMD [\"python\", \"app.py\"]\n"
    df = tree(tmp_path / "a", {"Dockerfile": docker.format(env="ENV GRADIO_SERVER_NAME=0.0.0.0\n"), "app.py": app})
    assert run_context(df, "ML305") == []
    # the module a server imports: its __main__ block does not run
    df = tree(tmp_path / "b", {
        "Dockerfile": 'FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n',
        "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run()\n",
    })
    assert run_context(df, "ML305") == []
    # an env default the image overrides, and one it does not
    flask = "import os\nfrom flask import Flask\napp = Flask(__name__)\napp.run(host=os.getenv('HOST', '127.0.0.1'))\n"
    df = tree(tmp_path / "c", {"Dockerfile": "FROM python:3.11-slim\nENV HOST=0.0.0.0\nCOPY app.py /srv/app.py\nCMD [\"python\", \"/srv/app.py\"]\n", "app.py": flask})
    assert run_context(df, "ML305") == []
    df = tree(tmp_path / "d", {"Dockerfile": "FROM python:3.11-slim\nCOPY app.py /srv/app.py\nCMD [\"python\", \"/srv/app.py\"]\n", "app.py": flask})
    assert [r[2:] for r in run_context(df, "ML305")] == [(4, 1)]
    # excluded by .dockerignore, or not parseable: not read
    df = tree(tmp_path / "e", {"Dockerfile": "FROM python:3.11-slim\nCOPY . .\nCMD [\"python\", \"app.py\"]\n", "app.py": "import gradio as gr\ngr.Blocks().launch()\n", ".dockerignore": "app.py\n"})
    assert run_context(df, "ML305") == []
    df = tree(tmp_path / "f", {"Dockerfile": "FROM python:3.11-slim\nCOPY . .\nCMD [\"python\", \"app.py\"]\n", "app.py": "import gradio as gr\ngr.Blocks().launch(\n"})
    assert run_context(df, "ML305") == []


# -- ML306 dev-server ------------------------------------------------------------------------


def test_dev_server_commands():
    catches("ML306", """
        FROM python:3.11-slim
        CMD ["flask", "run", "--host", "0.0.0.0"]
    """, (2, 7))
    catches("ML306", """
        FROM python:3.11-slim
        CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--reload"]
    """, (2, 51))
    catches("ML306", """
        FROM python:3.11-slim
        CMD python manage.py runserver 0.0.0.0:8000
    """, (2, 22))
    catches("ML306", """
        FROM python:3.11-slim
        CMD ["fastapi", "dev", "main.py"]
    """, (2, 7))


def test_dev_server_env():
    catches("ML306", """
        FROM python:3.11-slim
        ENV FLASK_DEBUG=1 FLASK_ENV=development
        CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    """, (2, 5), (2, 19))
    does_not_catch("ML306", """
        FROM python:3.11-slim
        ENV FLASK_DEBUG=0 FLASK_ENV=production
        CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    """)


def test_dev_server_not_caught():
    for cmd in (
        '["streamlit", "run", "ui.py"]',
        '["gunicorn", "--bind", "0.0.0.0:5000", "app:app"]',
        '["uvicorn", "main:app", "--host", "0.0.0.0", "--workers", "2"]',
        '["fastapi", "run", "main.py"]',
        '["python", "app.py"]',
    ):
        does_not_catch("ML306", f"FROM python:3.11-slim\nCMD {cmd}\n")


def test_dev_server_app_source(in_root, tmp_path):
    assert run_context("fixtures/contexts/serving-debug/Dockerfile", "ML306") == [("ML306", "fixtures/contexts/serving-debug/service/__main__.py", 9, 5)]
    df = tree(tmp_path, {
        "Dockerfile": 'FROM python:3.11-slim\nWORKDIR /app\nCOPY main.py .\nCMD ["python", "main.py"]\n',
        "main.py": "import uvicorn\nif __name__ == '__main__':\n    uvicorn.run('main:app', host='0.0.0.0', reload=True)\n",
    })
    assert [r[2:] for r in run_context(df, "ML306")] == [(3, 5)]


# -- ML307 port-mismatch ---------------------------------------------------------------------


def test_port_mismatch_flags_env_and_defaults():
    catches("ML307", """
        FROM python:3.11-slim
        EXPOSE 5000
        CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    """, (3, 29))
    catches("ML307", """
        FROM python:3.11-slim
        EXPOSE 8080/tcp
        CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port=8000"]
    """, (3, 51))
    catches("ML307", """
        FROM python:3.11-slim
        EXPOSE 8000
        ENV STREAMLIT_SERVER_PORT=8502
        CMD ["streamlit", "run", "ui.py"]
    """, (3, 5))
    catches("ML307", """
        FROM python:3.11-slim
        EXPOSE 5000
        CMD ["streamlit", "run", "ui.py"]
    """, (3, 7))


def test_port_mismatch_not_caught():
    for body in (
        'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]',  # no EXPOSE
        'EXPOSE 8000-8010\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8005"]',
        'EXPOSE $PORT\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8005"]',
        'EXPOSE 8080\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "$PORT"]',
        'EXPOSE 8000\nCMD ["gunicorn", "-c", "conf.py", "app:app"]',
        'EXPOSE 80 5000\nCMD ["gunicorn", "-b", "0.0.0.0:5000", "app:app"]',
    ):
        does_not_catch("ML307", "FROM python:3.11-slim\n" + body + "\n")


def test_port_mismatch_inherits_expose_from_parent_stage():
    does_not_catch("ML307", """
        FROM python:3.11-slim AS base
        EXPOSE 8000
        FROM base
        CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    """)


def test_port_mismatch_app_source(in_root, tmp_path):
    assert run_context("fixtures/contexts/serving-debug/Dockerfile", "ML307") == [("ML307", "fixtures/contexts/serving-debug/service/__main__.py", 9, 5)]
    app = "import gradio as gr\ngr.Blocks().launch(server_name='0.0.0.0')\n"
    df = tree(tmp_path / "a", {"Dockerfile": 'FROM python:3.11-slim\nCOPY app.py .\nEXPOSE 7860\nCMD ["python", "app.py"]\n', "app.py": app})
    assert run_context(df, "ML307") == []
    df = tree(tmp_path / "b", {"Dockerfile": 'FROM python:3.11-slim\nCOPY app.py .\nEXPOSE 8080\nENV GRADIO_SERVER_PORT=8080\nCMD ["python", "app.py"]\n', "app.py": app})
    assert run_context(df, "ML307") == []
    df = tree(tmp_path / "c", {"Dockerfile": 'FROM python:3.11-slim\nCOPY app.py .\nEXPOSE 8080\nCMD ["python", "app.py"]\n', "app.py": app})
    assert [r[2:] for r in run_context(df, "ML307")] == [(2, 1)]


# -- ML308 healthcheck-tool-missing ------------------------------------------------------------


def test_healthcheck_tool_missing_on_slim_alpine_distroless():
    catches("ML308", """
        FROM python:3.11-slim
        HEALTHCHECK --interval=30s \\
            CMD curl -f http://localhost:8000/health || exit 1
    """, (3, 9))
    catches("ML308", """
        FROM python:3.12-alpine
        HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/"]
    """, (2, 19))
    catches("ML308", """
        FROM gcr.io/distroless/python3-debian12
        HEALTHCHECK CMD wget -qO- http://localhost:8000/ || exit 1
    """, (2, 17))


def test_healthcheck_tool_present():
    for src in (
        # installed in the stage, or in the stage it is built FROM
        "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nHEALTHCHECK CMD curl -f http://localhost/\n",
        "FROM python:3.11-slim AS base\nRUN apt-get update && apt-get install -y wget=1.21*\nFROM base\nHEALTHCHECK CMD wget -q http://localhost/\n",
        "FROM python:3.12-alpine\nRUN apk add --no-cache curl\nHEALTHCHECK CMD curl -f http://localhost/\n",
        "FROM python:3.12-alpine\nHEALTHCHECK CMD wget -q -O /dev/null http://localhost/\n",  # busybox wget
        "FROM python:3.11-slim\nCOPY --from=curlimages/curl:8.8.0 /usr/bin/curl /usr/local/bin/curl\nHEALTHCHECK CMD curl -f http://localhost/\n",
        "FROM python:3.11\nHEALTHCHECK CMD curl -f http://localhost/\n",  # full image has curl
        "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nHEALTHCHECK CMD curl -f http://localhost/\n",  # not judged
        "FROM python:3.11-slim\nHEALTHCHECK CMD python -c \"import urllib.request as u; u.urlopen('http://localhost/')\"\n",
        "FROM python:3.11-slim\nHEALTHCHECK NONE\n",
    ):
        does_not_catch("ML308", src)


def test_healthcheck_tool_in_other_stage_does_not_count():
    catches("ML308", """
        FROM python:3.11 AS builder
        RUN apt-get update && apt-get install -y curl
        FROM python:3.11-slim
        HEALTHCHECK CMD curl -f http://localhost/
    """, (4, 17))


# -- ML309 secret-in-env ------------------------------------------------------------------------


def test_secret_in_env_and_arg():
    catches("ML309", """
        ARG HF_TOKEN=hf_abcdefghijklmnop
        FROM python:3.11-slim
        ENV WANDB_API_KEY=0123456789abcdef OTHER=1 DB_PASSWORD="s3cr3t value"
        ARG GITHUB_TOKEN=ghp_x CLIENT_SECRET=abc
        ENV OPENAI_API_KEY sk-legacy-form
    """, (1, 5), (3, 5), (3, 44), (4, 5), (4, 24), (5, 5))


def test_secret_not_a_literal():
    for line in (
        "ARG HF_TOKEN",
        "ENV HF_TOKEN=$HF_TOKEN",
        "ENV HF_TOKEN=${HF_TOKEN}",
        'ENV AWS_SECRET_ACCESS_KEY=""',
        "ARG API_KEY=",
        "ENV TOKENIZERS_PARALLELISM=false",
        "ENV PASSWORD_FILE=/run/secrets/db",
        "ENV HF_HOME=/models",
    ):
        does_not_catch("ML309", f"FROM python:3.11-slim\n{line}\n")


def test_secret_value_never_printed(tmp_path):
    secret = "hf_SuperSecretValue0123456789"
    path = tmp_path / "Dockerfile"
    path.write_text(f"FROM python:3.11-slim\nENV HF_TOKEN={secret}\nARG DB_PASSWORD={secret}2\n")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    outputs = []
    for fmt in ("json", "sarif", "text"):
        proc = subprocess.run([sys.executable, "-m", "mldocklint", "check", "--select", "ML309", "--format", fmt, str(path)], capture_output=True, text=True, env=env)
        assert proc.returncode == 1, proc.stderr
        outputs.append(proc.stdout + proc.stderr)
    data = json.loads(outputs[0])
    assert [(f["rule"], f["line"], f["column"]) for f in data["findings"]] == [("ML309", 2, 5), ("ML309", 3, 5)]
    for out in outputs:
        assert secret not in out
    # the rich terminal renderer quotes source lines for other rules, never for this one
    from io import StringIO

    from mldocklint.report import text as text_report

    result = Result()
    Linter(Options(select=["ML309"])).lint_file(str(path), result)
    out = StringIO()
    text_report._render_rich(result, result.findings, out, None)
    assert "HF_TOKEN" in out.getvalue() and secret not in out.getvalue()


# -- the textbook chapter ---------------------------------------------------------------------

SERVING = ["ML305", "ML306", "ML307", "ML308", "ML309"]


def test_textbook_context_and_fixtures_are_clean(in_root):
    # The chapter serves with `python src/app.py`, i.e. Flask's development server: the one
    # finding is ML306 at the app.run() call; binding, ports, health check and env are right.
    dev_server = [("ML306", "fixtures/contexts/textbook/src/app.py", 12, 5)]
    assert run_context("fixtures/contexts/textbook/Dockerfile", SERVING) == dev_server
    for name in ("textbook-production", "textbook-poor-order"):
        assert run_context(f"fixtures/dockerfiles/{name}.Dockerfile", SERVING, context="fixtures/contexts/textbook") == dev_server
    # the gunicorn variant is clean
    assert run_context("fixtures/dockerfiles/textbook-flask.Dockerfile", SERVING, context="fixtures/contexts/textbook") == []


def test_chapter_first_example_only_runs_the_development_server(tmp_path):
    app = """
        from flask import Flask, request, jsonify
        import joblib
        import numpy as np
        app = Flask(__name__)
        model = joblib.load('model.joblib')
        @app.route('/health', methods=['GET'])
        def health():
            return jsonify({'status': 'healthy'})
        if __name__ == '__main__':
            app.run(host='0.0.0.0', port=5000)
    """
    docker = """
        FROM python:3.11-slim
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY model.joblib .
        COPY app.py .
        EXPOSE 5000
        CMD ["python", "app.py"]
    """
    df = tree(tmp_path, {"Dockerfile": docker, "app.py": app, "requirements.txt": "flask==3.0.0\n", "model.joblib": ""})
    assert run_context(df, SERVING) == [("ML306", str(tmp_path / "app.py"), 10, 5)]


def test_an_app_source_two_dockerfiles_run_is_reported_once(tmp_path):
    from mldocklint.engine import lint

    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.run(host='0.0.0.0', debug=True)\n")
    for name in ("api.Dockerfile", "worker.Dockerfile"):
        (tmp_path / name).write_text('FROM python:3.11-slim\nCOPY app.py /app/app.py\nWORKDIR /app\nUSER 1000\nCMD ["python", "app.py"]\n')
    found = [(f.path.rsplit("/", 1)[-1], f.line, f.column, f.rule) for f in lint([str(tmp_path)], Options(select=["ML306"])).findings]
    assert found == [("app.py", 3, 1, "ML306")]  # not once per Dockerfile
