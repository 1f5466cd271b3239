"""Coverage-guided fuzzing of ``mldocklint check`` with atheris.

    pip install atheris
    python tests/fuzz/fuzz_check.py -max_total_time=600 -max_len=65536 [corpus_dir]

Without a corpus directory, a temporary one is seeded with the fixture Dockerfiles. Each
input goes through the bytes -> decode -> parse -> rules path the command line uses, with
every rule selected; it must come back as findings (maybe one ML000) or one error line,
never an exception. Not part of the test suite (atheris is not a test dependency);
``tests/test_fuzz.py`` checks the same property with hypothesis.
"""

import os
import shutil
import sys
import tempfile

import atheris

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

with atheris.instrument_imports(include=["mldocklint"]):
    import mldocklint.engine  # noqa: F401  (instrumented before test_fuzz imports it)

import test_fuzz  # noqa: E402


def one_input(data: bytes) -> None:
    test_fuzz.check_answer(data, test_fuzz.lint(data))


if __name__ == "__main__":
    args = sys.argv
    if not any(not a.startswith("-") for a in args[1:]):
        corpus = tempfile.mkdtemp(prefix="mldocklint-fuzz-")
        for path in test_fuzz.FIXTURES:
            shutil.copy(path, corpus)
        args = [*args, corpus]
    atheris.Setup(args, one_input)
    atheris.Fuzz()
