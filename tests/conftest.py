import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from hypothesis import settings

# `pytest --hypothesis-profile=fuzz` runs the property tests with many more examples.
settings.register_profile("fuzz", max_examples=5000, deadline=None)

# Private container engines, started once per session (see image_engines.py).
from image_engines import dockerd, podman, registry  # noqa: E402,F401
