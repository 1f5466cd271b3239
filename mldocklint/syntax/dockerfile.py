"""Dockerfile text -> ``model.Dockerfile``, faithful to BuildKit's parser.

The line scanner follows BuildKit (frontend/dockerfile/parser): parser directives,
the escape token, ``\\`` continuations with comments and blank lines inside them,
heredocs, CRLF and a UTF-8 BOM. dockerfile-parse's own line logic turns heredoc
bodies into fake instructions and cuts continuations at comments, so only its
quote-aware ``WordSplitter`` is used here (to unquote ARG defaults).
"""

from __future__ import annotations

import re

from mldocklint import lazyre
from mldocklint.model import Dockerfile, Heredoc, Instruction, Stage

_WS = lazyre.compile(r"[\t\v\f\r ]+")
_DIRECTIVE = lazyre.compile(r"^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_HEREDOC = lazyre.compile(r"^(\d*)<<(-?)\s*([^<]*)$")
_VALID_DIRECTIVES = ("syntax", "escape", "check")
# BuildKit reads lines with a bufio.Scanner limited to bufio.MaxScanTokenSize (64 KiB),
# line ending included: a line of more bytes fails the whole parse.
MAX_LINE_BYTES = 65535
HEREDOC_KEYWORDS = frozenset(("RUN", "COPY", "ADD"))
KEYWORDS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD "
    "RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
# Platform ARGs BuildKit defines for every FROM.
BUILTIN_ARGS = {
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
}


class ParseError(ValueError):
    """The Dockerfile would be rejected by BuildKit."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = max(line, 1)
        self.column = column


class _JSONNotStrings(ValueError):
    pass


# -- argument parsers (BuildKit line_parsers.go) ------------------------------------


def _words(rest: str, escape: str) -> list[str]:
    """parseWords: split on whitespace outside quotes, keeping quotes and escapes."""
    if escape not in rest and "'" not in rest and '"' not in rest:
        return rest.split()
    words: list[str] = []
    buf: list[str] = []
    in_word = in_quote = False
    quote = ""
    blank_ok = False
    i, n = 0, len(rest)
    while i < n:
        ch = rest[i]
        if not in_word and not in_quote:
            if ch.isspace():
                i += 1
                continue
            in_word = True
        if in_word:
            if ch.isspace():
                in_word = False
                if blank_ok or buf:
                    words.append("".join(buf))
                buf = []
                blank_ok = False
                i += 1
                continue
            if ch in "'\"":
                quote, blank_ok, in_word, in_quote = ch, True, False, True
            if ch == escape:
                if i + 1 == n:
                    i += 1
                    continue
                buf.append(ch)
                i += 1
                ch = rest[i]
            buf.append(ch)
            i += 1
            continue
        # in quote
        if ch == quote:
            in_quote, in_word = False, True
        if ch == escape and quote != "'":
            if i + 1 == n:
                in_quote, in_word = False, True
                i += 1
                continue
            i += 1
            buf.append(ch)
            ch = rest[i]
        buf.append(ch)
        i += 1
    if (in_word or in_quote) and (blank_ok or buf):
        words.append("".join(buf))
    return words


def _extract_flags(line: str, escape: str) -> tuple[str, list[str]]:
    """extractBuilderFlags: leading ``--flag`` words, returning (rest, flags)."""
    flags: list[str] = []
    buf: list[str] = []
    phase = 0  # 0 spaces, 1 word, 2 quote
    quote = ""
    blank_ok = False
    i, n = 0, len(line)
    while True:
        if phase == 0:
            if i == n:
                break
            ch = line[i]
            if ch.isspace():
                i += 1
                continue
            if ch != "-" or i + 1 == n or line[i + 1] != "-":
                return line[i:], flags
            phase = 1
        if i == n:
            word = "".join(buf)
            if word != "--" and (blank_ok or word):
                flags.append(word)
            break
        ch = line[i]
        if phase == 1:
            if ch.isspace():
                word = "".join(buf)
                phase = 0
                if word == "--":
                    return line[i:], flags
                if blank_ok or word:
                    flags.append(word)
                buf = []
                blank_ok = False
                i += 1
                continue
            if ch in "'\"":
                quote, blank_ok, phase = ch, True, 2
                i += 1
                continue
            if ch == escape:
                if i + 1 == n:
                    i += 1
                    continue
                i += 1
                ch = line[i]
            buf.append(ch)
            i += 1
            continue
        # phase 2: in quote
        if ch == quote:
            phase = 1
            i += 1
            continue
        if ch == escape:
            if i + 1 == n:
                phase = 1
                i += 1
                continue
            i += 1
            ch = line[i]
        buf.append(ch)
        i += 1
    return "", flags


def _no_constant(name: str):
    raise ValueError(name)  # Go's JSON has no NaN or Infinity


# A JSON array of strings without escapes, the common exec form, is read without the json module.
_JSON_WS = "[ \t\n\r]*"  # JSON's whitespace, for Go and Python alike
_PLAIN_STRING = r'"([^"\\\x00-\x1f]*)"'
_PLAIN_LIST = lazyre.compile(rf"\[{_JSON_WS}(?:{_PLAIN_STRING}{_JSON_WS}(?:,{_JSON_WS}{_PLAIN_STRING}{_JSON_WS})*)?\]{_JSON_WS}")
_PLAIN_STRINGS = lazyre.compile(_PLAIN_STRING)


def _json_list(rest: str) -> tuple[str, ...] | None:
    """parseJSON: the whole text must be one JSON array (``json.Unmarshal``)."""
    rest = rest.lstrip()
    if not rest.startswith("["):
        return None
    if _PLAIN_LIST.fullmatch(rest):
        return tuple(_PLAIN_STRINGS.findall(rest))
    import json

    try:
        data = json.loads(rest, parse_constant=_no_constant)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    if not all(isinstance(x, str) for x in data):
        raise _JSONNotStrings("when using JSON array syntax, arrays must be comprised of strings only")
    return tuple(data)


def _split_ws(rest: str) -> tuple[str, ...]:
    return tuple(_WS.split(rest)) if rest else ()


def _name_val(rest: str, key: str, escape: str) -> tuple[str, ...]:
    words = _words(rest, escape)
    if not words:
        return ()
    if "=" not in words[0]:
        parts = _WS.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise ParseError(f"{key} must have two arguments")
        return (parts[0], parts[1])
    out: list[str] = []
    for word in words:
        if "=" not in word:
            import json

            raise ParseError(f"Syntax error - can't find = in {json.dumps(word, ensure_ascii=False)}. Must be of the form: name=value")
        out.extend(word.split("=", 1))
    return tuple(out)


def _parse_args(kw: str, rest: str, escape: str) -> tuple[tuple[str, ...], bool, Instruction | None]:
    """(value, exec_form, sub-instruction) for an instruction's argument text."""
    if kw in ("RUN", "CMD", "ENTRYPOINT", "SHELL"):
        if not rest:
            return (), False, None
        js = _json_list(rest)
        return (js, True, None) if js is not None else ((rest,), False, None)
    if kw in ("COPY", "ADD", "VOLUME"):
        js = _json_list(rest)
        return (js, True, None) if js is not None else (_split_ws(rest), False, None)
    if kw in ("FROM", "EXPOSE"):
        return _split_ws(rest), False, None
    if kw in ("ENV", "LABEL"):
        return _name_val(rest, kw, escape), False, None
    if kw == "ARG":
        return tuple(_words(rest, escape)), False, None
    if kw in ("USER", "WORKDIR", "MAINTAINER", "STOPSIGNAL"):
        return ((rest,) if rest else ()), False, None
    if kw == "HEALTHCHECK":
        parts = rest.split(None, 1)
        if not parts:
            return (), False, None
        typ = parts[0]
        cmd = parts[1] if len(parts) > 1 else ""
        if not cmd:
            return (typ,), False, None
        js = _json_list(cmd)
        return ((typ, *js), True, None) if js is not None else ((typ, cmd), False, None)
    if kw == "ONBUILD":
        if not rest:
            return (), False, None
        keyword, flags, sub_rest, value, exec_form, _ = _split_line(rest, escape)
        return value, exec_form, Instruction(keyword, flags, value, sub_rest, exec_form, 0, 0, 0, 0, 0, 0)
    return ("",), False, None  # unknown instruction: BuildKit's parser keeps it, the build rejects it


def _split_line(line: str, escape: str) -> tuple[str, tuple[str, ...], str, tuple[str, ...], bool, Instruction | None]:
    """(keyword, flags, rest, value, exec_form, ONBUILD trigger) of a joined instruction line."""
    parts = _WS.split(line.strip(), maxsplit=1)
    keyword = parts[0].upper()
    flags: list[str] = []
    rest = ""
    if len(parts) == 2:
        rest = parts[1]
        if rest.lstrip().startswith("--"):
            rest, flags = _extract_flags(rest, escape)
        rest = rest.strip()
    try:
        value, exec_form, sub = _parse_args(keyword, rest, escape)
    except _JSONNotStrings as e:
        raise ParseError(str(e)) from None
    return keyword, tuple(flags), rest, value, exec_form, sub


# -- heredocs -----------------------------------------------------------------------


def _shell_words(line: str, raw_quotes: bool) -> list[str] | None:
    """A small POSIX word splitter (BuildKit's shell lexer with SkipUnsetEnv)."""
    words: list[str] = []
    buf: list[str] = []
    have = False
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch.isspace():
            if have:
                words.append("".join(buf))
                buf, have = [], False
            i += 1
            continue
        have = True
        if ch == "\\":
            if i + 1 < n:
                buf.append(line[i : i + 2] if raw_quotes else line[i + 1])
            i += 2
            continue
        if ch in "'\"":
            close = line.find(ch, i + 1)
            if ch == '"':
                while close != -1 and line[close - 1] == "\\":
                    close = line.find(ch, close + 1)
            if close == -1:
                return None
            buf.append(line[i : close + 1] if raw_quotes else line[i + 1 : close])
            i = close + 1
            continue
        buf.append(ch)
        i += 1
    if have:
        words.append("".join(buf))
    return words


def _heredoc_names(line: str) -> list[tuple[str, bool, bool, int]]:
    """(name, chomp, expand, fd) for each heredoc opened on an instruction line."""
    found = []
    for word in _shell_words(line, raw_quotes=True) or ():
        m = _HEREDOC.match(word)
        if not m or not m.group(3):
            continue
        rest = m.group(3)
        plain = _shell_words(rest, raw_quotes=False)
        raw = _shell_words(rest, raw_quotes=True)
        if not plain or len(plain) != 1 or not plain[0] or not raw:
            continue
        name = plain[0]
        quotes = name.count("'") + name.count('"')
        raw_quotes = raw[0].count("'") + raw[0].count('"')
        found.append((name, m.group(2) == "-", quotes == raw_quotes, int(m.group(1) or 0)))
    return found


# -- variable expansion for FROM ----------------------------------------------------

_VAR = lazyre.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def expand(word: str, env: dict[str, str | None]) -> str:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:+alt}`` (and the forms without ':')."""
    if "$" not in word:
        return word

    def sub(m: re.Match) -> str:
        name = m.group(1) or m.group(4)
        value = env.get(name)
        op, arg = m.group(2), m.group(3)
        if op is None:
            return value or ""
        is_set = value is not None and (value != "" or not op.startswith(":"))
        if op.endswith("-"):
            return value if is_set else expand(arg, env)
        return expand(arg, env) if is_set else ""

    return _VAR.sub(sub, word)


def _arg_pairs(instr: Instruction) -> list[tuple[str, str | None]]:
    pairs = []
    for word in instr.value:
        name, eq, default = word.partition("=")
        if eq and any(c in default for c in "'\"\\"):
            from dockerfile_parse.util import WordSplitter

            default = WordSplitter(default).dequote()
        pairs.append((name, default if eq else None))
    return pairs


# -- the scanner --------------------------------------------------------------------


def _check_directive(line: str, state: dict) -> bool:
    """Feed a line to the directive parser; True when it was a directive."""
    if state["done"]:
        return False
    if not line.startswith("#"):
        state["done"] = True
        return False
    m = _DIRECTIVE.match(line[1:].lstrip())
    key = m.group(1).lower() if m else ""
    if key not in _VALID_DIRECTIVES:
        state["done"] = True
        return False
    if key in state["seen"]:
        raise ParseError(f"only one {key} parser directive can be used", state["line"])
    value = m.group(2)
    state["seen"][key] = value
    if key == "escape":
        if value not in ("`", "\\"):
            raise ParseError(f"invalid escape token '{value}' does not match ` or \\", state["line"])
        state["escape"] = value
    return True


def parse(text: str, path: str = "Dockerfile", build_args: dict[str, str] | None = None) -> Dockerfile:
    """Parse decoded Dockerfile text; raises ParseError where BuildKit would fail."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    too_long = _first_long_line(lines, bom)
    if too_long is not None:
        del lines[too_long:]  # BuildKit stops reading there
    n = len(lines)
    offsets = [0] * (n + 1)
    pos = 0
    for k, ln in enumerate(lines):
        offsets[k] = pos
        pos += len(ln) + 1
    offsets[n] = len(text)

    state = {"done": False, "seen": {}, "escape": "\\", "line": 0}
    instructions: list[Instruction] = []
    comments: list[tuple[int, str]] = []
    stage = -1
    i = 0
    while i < n:
        t = lines[i].rstrip("\r")
        stripped = t.lstrip()
        state["line"] = i + 1
        is_directive = not state["done"] and _check_directive(stripped, state)
        esc = state["escape"]
        i += 1
        if stripped.startswith("#"):
            if not is_directive:
                comments.append((i, stripped[1:].strip()))
            continue
        if not stripped:
            continue
        start_line = i
        column = len(t) - len(stripped) + 1
        buf, eol = _trim_continuation(stripped, esc)
        parts = [buf]
        while not eol and i < n:
            t = lines[i].rstrip("\r")
            if not state["done"]:
                state["line"] = i + 1
                _check_directive(t, state)
            i += 1
            st = t.lstrip()
            if st.startswith("#"):
                comments.append((i, st[1:].strip()))
                continue
            if not st:
                continue
            buf, eol = _trim_continuation(t, esc)
            parts.append(buf)
        line = "".join(parts)
        try:
            keyword, flags, rest, value, exec_form, sub = _split_line(line, esc)
        except ParseError as e:
            raise ParseError(e.message, start_line, column) from None
        docs: list[Heredoc] = []
        if (sub.keyword if sub is not None else keyword) in HEREDOC_KEYWORDS and not exec_form and "<<" in line:
            for name, chomp, do_expand, fd in _heredoc_names(line):
                body_start = i + 1
                body: list[str] = []
                while i < n:
                    raw = lines[i]
                    i += 1
                    cand = raw.rstrip("\r")
                    if chomp:
                        cand = cand.lstrip("\t")
                    if cand == name:
                        break
                    body.append(raw + "\n" if i < n or text.endswith("\n") else raw)
                else:
                    raise ParseError("unterminated heredoc", start_line, column)
                docs.append(Heredoc(name, "".join(body), chomp, do_expand, fd, body_start))
        if keyword == "FROM":
            stage += 1
        end = len(lines[i - 1].rstrip("\r"))
        start = offsets[start_line - 1] + column - 1
        instructions.append(Instruction(keyword, flags, value, rest, exec_form, start_line, i, column, end + 1, start, offsets[i - 1] + end, tuple(docs), stage, sub))
    if not instructions:
        raise ParseError("file with no instructions", max(n, 1))
    if too_long is not None:
        raise ParseError(f"line longer than {MAX_LINE_BYTES} bytes, the most BuildKit reads in one line", too_long + 1)
    return _build(path, text, instructions, state, comments, build_args or {})


def _first_long_line(lines: list[str], bom: bool) -> int | None:
    """Index of the first line BuildKit's scanner refuses (BOM and CR count as bytes)."""
    short = MAX_LINE_BYTES // 4 - 3  # up to 4 bytes a character in UTF-8, and the BOM's 3
    if sum(map(len, lines)) <= short:
        return None
    for k, line in enumerate(lines):
        if len(line) > short:
            size = len(line.encode("utf-8", "surrogatepass")) + (3 if bom and k == 0 else 0)
            if size > MAX_LINE_BYTES:
                return k
    return None


def _trim_continuation(line: str, esc: str) -> tuple[str, bool]:
    s = line.rstrip(" \t")
    if s.endswith(esc) and (len(s) == 1 or s[-2] != esc):
        return s[:-1], False
    return line, True


# -- stages and the checks BuildKit makes after parsing -----------------------------


def _build(path, text, instructions, state, comments, build_args) -> Dockerfile:
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    current: list[Instruction] = []
    names: dict[str, int] = {}

    def close():
        if stages:
            s = stages[-1]
            stages[-1] = Stage(s.index, s.name, s.base, s.base_raw, s.parent, s.platform, s.from_instruction, tuple(current))

    for instr in instructions:
        kw = instr.keyword
        if kw not in KEYWORDS:
            raise ParseError(f"unknown instruction: {kw}", instr.line, instr.column)
        _validate(instr)
        if kw == "FROM":
            close()
            current = []
            env = dict(BUILTIN_ARGS)
            env.update(global_args)
            v = instr.value
            if len(v) not in (1, 3) or (len(v) == 3 and v[1].lower() != "as"):
                raise ParseError("FROM requires either one or three arguments", instr.line, instr.column)
            base_raw = v[0]
            base = expand(base_raw, env)
            name = v[2].lower() if len(v) == 3 else None
            parent = names.get(base.lower())
            platform = instr.flag("platform")
            index = len(stages)
            stages.append(Stage(index, name, base, base_raw, parent, platform, instr, ()))
            if name is not None:
                names[name] = index
        elif not stages:
            if kw != "ARG":
                raise ParseError("no build stage in current context", instr.line, instr.column)
            for name, default in _arg_pairs(instr):
                if name in build_args:
                    global_args[name] = build_args[name]
                else:
                    global_args[name] = expand(default, {**BUILTIN_ARGS, **global_args}) if default is not None else None
        if stages:
            current.append(instr)
    if not stages:
        raise ParseError("no build stage in the file: it needs a FROM instruction", instructions[-1].line)
    close()
    directives = {k: v for k, v in state["seen"].items()}
    return Dockerfile(path, text, tuple(instructions), tuple(stages), state["escape"], directives, global_args, tuple(comments))


_NEEDS_ARGS = frozenset(("ADD", "COPY", "ENV", "EXPOSE", "LABEL", "ARG", "USER", "WORKDIR", "VOLUME", "STOPSIGNAL", "ONBUILD", "RUN", "MAINTAINER", "FROM", "HEALTHCHECK", "SHELL"))


def _validate(instr: Instruction) -> None:
    kw = instr.keyword
    if kw in _NEEDS_ARGS and not instr.value:
        raise ParseError(f"{kw} requires at least one argument", instr.line, instr.column)
    if kw in ("COPY", "ADD") and len(instr.value) < 2 and not instr.heredocs:
        if not (instr.value and instr.value[0].startswith("<<")):
            raise ParseError(f"{kw} requires at least two arguments, but only one was provided. Destination could not be determined", instr.line, instr.column)
    if kw == "HEALTHCHECK" and instr.value and instr.value[0].upper() not in ("CMD", "NONE"):
        raise ParseError(f"unknown type {instr.value[0]} in HEALTHCHECK (try CMD)", instr.line, instr.column)
    if kw == "ONBUILD" and instr.sub is not None and instr.sub.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
        raise ParseError(f"{instr.sub.keyword} isn't allowed as an ONBUILD trigger", instr.line, instr.column)


def decode(data: bytes) -> str:
    """Decode Dockerfile bytes; raises ValueError with a one-line reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("file is UTF-16 encoded; Docker reads Dockerfiles as UTF-8")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes), not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ValueError(f"invalid UTF-8 at line {line} (byte {e.start})") from None


def command_pieces(text: str, instr: Instruction, escape: str) -> tuple[str, list[tuple[int, int]]]:
    """An instruction's first logical line as the scanner joins it (continuations removed,
    comment and blank lines inside them dropped), with ``(offset in the line, offset in text)``
    for the start of each contiguous piece, so positions in the line map back to the source."""
    parts: list[str] = []
    pieces: list[tuple[int, int]] = []
    size, pos, first = 0, instr.start, True
    while pos <= len(text):
        nl = text.find("\n", pos)
        end = nl if nl >= 0 else len(text)
        line = text[pos:end].rstrip("\r")
        st = line.lstrip()
        if first or (st and not st.startswith("#")):
            buf, eol = _trim_continuation(line, escape)
            pieces.append((size, pos))
            parts.append(buf)
            size += len(buf)
            if eol:
                break
        first = False
        if nl < 0:
            break
        pos = nl + 1
    return "".join(parts), pieces
