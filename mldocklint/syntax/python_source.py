"""What a Python app's source does, read with ``ast``: ``analyze`` finds the calls that
start a server (Flask ``app.run``, ``uvicorn.run``, Gradio ``launch``, aiohttp
``web.run_app``, Flask-SocketIO ``socketio.run``, waitress ``serve``) with the host, port
and debug settings written in them; ``gunicorn_binds`` reads a gunicorn config file.

The source is never imported or executed. Only calls at module level or under
``if __name__ == "__main__":`` are read. Source that does not parse gives no facts.
"""

from __future__ import annotations

import ast
from functools import lru_cache

from mldocklint.syntax.python_app import AppFacts, ServerCall, Value

def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        return ".".join((_dotted(node.func) + "()", *reversed(parts)))
    return ""


def _is_main_guard(test: ast.AST) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides
    )


class _Reader:
    def __init__(self, tree: ast.Module, lines: list[str]):
        self.lines = lines
        self.imports: dict[str, str] = {}  # local name -> module or module.attr it stands for
        self.names: dict[str, ast.AST] = {}  # module-level NAME = value
        self.apps: dict[str, str] = {}  # variable -> framework of the object assigned to it
        self.calls: list[ServerCall] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.imports[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    self.imports[a.asname or a.name] = f"{node.module}.{a.name}"
        self.frameworks = {m.split(".")[0] for m in self.imports.values()}

    def resolve(self, dotted: str) -> str:
        head, _, tail = dotted.partition(".")
        full = self.imports.get(head, head)
        return f"{full}.{tail}" if tail else full

    def block(self, body: list[ast.stmt], guarded: bool) -> None:
        for stmt in body:
            if isinstance(stmt, ast.If):
                self.block(stmt.body, guarded or _is_main_guard(stmt.test))
                self.block(stmt.orelse, guarded)
                continue
            if isinstance(stmt, ast.Try):
                for part in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                    self.block(part, guarded)
                continue
            if isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        self.names[t.id] = stmt.value
                        kind = self.constructs(stmt.value)
                        if kind:
                            self.apps[t.id] = kind
            if isinstance(stmt, ast.With):
                for item in stmt.items:
                    if isinstance(item.optional_vars, ast.Name) and self.constructs(item.context_expr):
                        self.apps[item.optional_vars.id] = "gradio"
                self.block(stmt.body, guarded)
                continue
            for node in ast.walk(stmt) if isinstance(stmt, (ast.Expr, ast.Assign)) else ():
                if isinstance(node, ast.Call):
                    self.call(node, guarded)

    def constructs(self, value: ast.AST) -> str | None:
        """The framework whose app object ``value`` builds (``Flask(__name__)``, ``gr.Blocks()``)."""
        while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ("queue",):
            value = value.func.value
        if not isinstance(value, ast.Call):
            return None
        name = self.resolve(_dotted(value.func))
        if name in ("flask.Flask", "quart.Quart"):
            return "flask"
        if name.startswith("gradio."):
            return "gradio"
        if name == "flask_socketio.SocketIO":
            return "socketio"
        return None

    def call(self, node: ast.Call, guarded: bool) -> None:
        if not isinstance(node.func, ast.Attribute) and not isinstance(node.func, ast.Name):
            return
        dotted = _dotted(node.func)
        full = self.resolve(dotted)
        method = dotted.rsplit(".", 1)[-1]
        receiver = dotted.rsplit(".", 1)[0] if "." in dotted else ""
        positional: tuple[str, ...] = ()
        if full == "uvicorn.run":
            kind = "uvicorn"
        elif full in ("aiohttp.web.run_app",):
            kind = "aiohttp"
        elif full in ("waitress.serve",):
            kind = "waitress"
        elif method == "launch" and "gradio" in self.frameworks and not self.other_object(receiver):
            kind = "gradio"
        elif method == "run" and receiver and self.apps.get(receiver) == "flask":
            kind, positional = "flask", ("host", "port", "debug")
        elif method == "run" and receiver and self.apps.get(receiver) == "socketio":
            kind, positional = "socketio", ("app", "host", "port")
        elif method == "run" and receiver in ("app", "application") and "flask" in self.frameworks:
            kind, positional = "flask", ("host", "port", "debug")
        else:
            return
        args = {name: arg for name, arg in zip(positional, node.args)}
        args.update({kw.arg: kw.value for kw in node.keywords if kw.arg})
        host_key, port_key = ("server_name", "server_port") if kind == "gradio" else ("host", "port")
        host = self.value(args[host_key]) if host_key in args else None
        port = self.value(args[port_key]) if port_key in args else None
        if kind == "waitress" and "listen" in args:
            listen = self.value(args["listen"])
            if isinstance(listen.literal, str) and ":" in listen.literal:
                h, _, p = listen.literal.rpartition(":")
                host, port = Value("0.0.0.0" if h == "*" else h.strip("[]")), Value(int(p) if p.isdigit() else None)
        debug = self.true(args.get("debug"))
        reload = self.true(args.get("use_reloader")) or self.true(args.get("reload"))
        line, col = node.lineno, self.column(node.lineno, node.col_offset)
        end_line = node.end_lineno or line
        end_col = self.column(end_line, node.end_col_offset or node.col_offset)
        self.calls.append(ServerCall(kind, line, col, end_line, end_col, host, port, debug, reload, guarded))

    def other_object(self, name: str) -> bool:
        """True when ``name`` was built by a call that is not Gradio's (``app = App(args)``): its
        ``launch()`` is the program's own method, not Gradio's."""
        value = self.names.get(name)
        return isinstance(value, ast.Call) and self.apps.get(name) != "gradio" and not self.resolve(_dotted(value.func)).startswith("gradio.")

    def column(self, line: int, offset: int) -> int:
        """1-based character column of a UTF-8 byte offset on a line."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1

    def true(self, node: ast.AST | None) -> bool:
        return node is not None and self.value(node).literal is True

    def value(self, node: ast.AST, depth: int = 0) -> Value:
        if depth > 5:
            return Value(None)
        if isinstance(node, ast.Constant):
            return Value(node.value if isinstance(node.value, (str, int)) else None)
        if isinstance(node, ast.Name) and node.id in self.names:
            return self.value(self.names[node.id], depth + 1)
        if isinstance(node, ast.Call):
            name = self.resolve(_dotted(node.func))
            if name in ("int", "str") and len(node.args) == 1:
                inner = self.value(node.args[0], depth + 1)
                lit = inner.literal
                if name == "int" and isinstance(lit, str) and lit.strip().isdigit():
                    lit = int(lit)
                return Value(lit, inner.env)
            if name in ("os.environ.get", "os.getenv") and node.args and isinstance(node.args[0], ast.Constant):
                default = self.value(node.args[1], depth + 1).literal if len(node.args) > 1 else None
                return Value(default, str(node.args[0].value))
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
            first, second = self.value(node.values[0], depth + 1), self.value(node.values[1], depth + 1)
            if first.env and first.literal is None:
                return Value(second.literal, first.env)
        return Value(None)


@lru_cache(maxsize=256)  # Dockerfiles of one project often run the same application file
def analyze(source: str, path: str) -> AppFacts:
    """Server calls in a Python file; no facts (never an exception) when it does not parse."""
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return AppFacts(path)
    reader = _Reader(tree, source.splitlines())
    try:
        reader.block(tree.body, False)
    except RecursionError:
        return AppFacts(path)
    return AppFacts(path, tuple(reader.calls))


def gunicorn_binds(source: str) -> tuple[str, ...] | None:
    """The ``bind`` a gunicorn config file sets at top level: () when none, None when not a literal.

    The file is parsed with ``ast``, never run; ``bind = "0.0.0.0:8000"`` and lists or tuples
    of strings are read, anything computed is unknown.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    binds: tuple[str, ...] | None = ()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if not any(isinstance(t, ast.Name) and t.id == "bind" for t in targets):
            continue
        value = node.value
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        binds = tuple(i.value for i in items) if all(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items) else None
    return binds
