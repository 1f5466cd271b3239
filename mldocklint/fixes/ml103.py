"""ML103: add ``--no-install-recommends`` right after ``install``."""

from mldocklint.fixes import after_word


def fix(target, finding):
    return after_word(target, finding, "install", " --no-install-recommends")
