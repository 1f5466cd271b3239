"""mldocklint: a linter for Dockerfiles, build contexts and built images, for ML best practices."""

__version__ = "0.1.0"

DOCS_URL = "https://github.com/mldocklint/mldocklint/blob/main"
