# syntax=docker/dockerfile:1
# A multi-stage ML service: findings of every severity, suppressions that are used,
# unused and malformed, and a stage-wide suppression.
# mldocklint: global ignore=parse-error -- a file-wide suppression (unused: the file parses)

# mldocklint: ignore=ML303 -- the builder's default command is only for debugging
FROM python:3.11-slim AS builder
RUN pip wheel --wheel-dir /wheels "torch==2.3.1"
CMD python -c "print('builder')"

FROM builder AS serve
COPY --from=builder /wheels /wheels
# mldocklint: ignore=shell-form-cmd,ML302 -- serve.py re-execs itself with exec
ENTRYPOINT python serve.py --host 0.0.0.0
CMD --workers 2 --log-level "info, debug: 100%"
# mldocklint: ignre=ML303
USER root
