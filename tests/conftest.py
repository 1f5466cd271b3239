import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from hypothesis import settings

# `pytest --hypothesis-profile=fuzz` runs the property tests with many more examples.
settings.register_profile("fuzz", max_examples=5000, deadline=None)

# Private container engines, started once per session (see image_engines.py).
from image_engines import dockerd, podman, registry  # noqa: E402,F401

# ShellCheck's results are kept in a folder of this session, not in the user's cache
# (subprocesses started by the tests inherit it).
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

os.environ["MLDOCKLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="mldocklint-test-cache-")
atexit.register(shutil.rmtree, os.environ["MLDOCKLINT_CACHE_DIR"], True)
