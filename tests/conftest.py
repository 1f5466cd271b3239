import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from hypothesis import settings

# `pytest --hypothesis-profile=fuzz` runs the property tests with many more examples.
settings.register_profile("fuzz", max_examples=5000, deadline=None)
