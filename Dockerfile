# syntax=docker/dockerfile:1
# mldocklint in a container, for any CI:
#   docker build -t mldocklint .
#   docker run --rm -v "$PWD:/src" mldocklint check
FROM python:3.12.8-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 lint

WORKDIR /opt/mldocklint
# Dependencies first: this layer is rebuilt only when the pins change.
COPY requirements.txt ./
RUN pip install --no-cache-dir --requirement requirements.txt
COPY pyproject.toml README.md ./
COPY mldocklint ./mldocklint
RUN pip install --no-cache-dir --no-deps .

USER lint
WORKDIR /src
ENTRYPOINT ["mldocklint"]
CMD ["check"]
