# syntax=docker/dockerfile:1
# mldocklint in a container, for any CI:
#   docker build -t mldocklint .
#   docker run --rm -v "$PWD:/src" mldocklint check

# Build the mldocklint wheel; the sources and the build backend stay in this stage.
FROM python:3.12.8-slim-bookworm AS build
WORKDIR /build
COPY pyproject.toml README.md ./
COPY mldocklint ./mldocklint
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12.8-slim-bookworm
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 1000 lint
# Pinned dependencies first: this layer is rebuilt only when the pins change.
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --requirement /tmp/requirements.txt
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-deps /wheels/*.whl

# numeric, so that runAsNonRoot can verify it
USER 1000:1000
WORKDIR /src
ENTRYPOINT ["mldocklint"]
CMD ["check"]
