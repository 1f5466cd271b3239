"""Requirement words read without importing ``packaging`` agree with ``packaging``."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement

from mldocklint.syntax.requirements import _fast, requirement

_names = st.sampled_from(["torch", "numpy", "uvicorn", "scikit-learn", "Flask_Cors", "a", "zope.interface", "x-", "-x", "py3"])
_ops = st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "~=", "===", "=", "=>"])
_versions = st.sampled_from(["1", "1.2", "2.3.0", "1.0.*", "2.3.0+cu121", "1.0rc1", "1.0.post2", "1.0.dev3", "v1.2", "latest", "1.*.0", "${V}", "1.0-1", ""])
_extras = st.sampled_from(["", "[standard]", "[a,b]", "[ a , b ]", "[]", "[x y]"])


@settings(max_examples=600, deadline=None)
@given(_names, _extras, st.lists(st.tuples(_ops, _versions), max_size=3), st.sampled_from(["", " ", ","]))
def test_fast_reading_agrees_with_packaging(name, extras, clauses, sep):
    word = name + extras + (sep if clauses else "") + ",".join(op + v for op, v in clauses)
    fast = _fast(word)
    if fast is None:
        return  # packaging decides these
    try:
        real = Requirement(word)
    except InvalidRequirement:
        raise AssertionError(f"{word!r} read as {fast} but packaging rejects it") from None
    assert fast.name == real.name and fast.extras == real.extras, word
    assert sorted(map(str, fast.specifier)) == sorted(map(str, real.specifier)), word
    assert real.url is None and real.marker is None


@pytest.mark.parametrize("word", ["torch", "numpy==1.26.4", "uvicorn[standard]==0.30.1", "torch==2.3.0+cu121", "scikit-learn>=1.3,<1.5", "jax[cuda12]"])
def test_common_words_are_read_without_packaging(word):
    assert _fast(word) is not None


@pytest.mark.parametrize("word, name", [("pkg @ https://x/pkg.whl", "pkg"), ("torch; sys_platform == 'linux'", "torch"), ("foo===1.0", "foo")])
def test_urls_markers_and_rare_forms_go_to_packaging(word, name):
    assert _fast(word) is None and requirement(word).name == name


@pytest.mark.parametrize("word", ["torch==latest", "==1.0", "torch==${VERSION}", "-e", "foo>=1.0+cu121"])
def test_words_that_are_not_requirements(word):
    assert requirement(word) is None
