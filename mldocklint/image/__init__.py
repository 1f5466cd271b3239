"""Built-image inspection: sources (engine, archives, OCI layouts), a streaming layer walk, facts.

Importing this package imports nothing heavy; ``source`` imports ``docker`` only when an
engine is asked for.
"""


class ImageError(Exception):
    """An image that cannot be read: one line naming the source and the problem."""

