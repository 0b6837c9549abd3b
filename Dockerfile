# confirmcheck's webhook as a container image.
#
#   docker build -t confirmcheck-webhook .
#   docker run --rm -p 8000:8000 -e CONFIRMCHECK_SECRET=whsec_... confirmcheck-webhook
#
# docs/deploy.md has the rest (a secret from a file, Kubernetes, a reverse proxy).

# --- build: the locked dependencies and the project, in a virtual environment -----
FROM python:3.12-slim AS build

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv

# Compile to bytecode once here (the image is read-only at run time), copy rather
# than link out of uv's cache, and never download an interpreter: the image's is
# the one to use.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/confirmcheck

WORKDIR /src

# The dependencies first, from uv.lock only: this layer changes with the lockfile,
# not with every edit of the code.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --extra webhook --no-install-project

# Then the project itself, installed as a wheel (not linked to /src).
COPY hatch_build.py README.md LICENSE ./
COPY confirmcheck ./confirmcheck
COPY webhook ./webhook
RUN uv sync --locked --no-dev --extra webhook --no-editable

# --- run: the environment alone, as a user without privileges ---------------------
FROM python:3.12-slim

RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin confirmcheck

COPY --from=build /opt/confirmcheck /opt/confirmcheck

ENV PATH=/opt/confirmcheck/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

USER 10001:10001
WORKDIR /tmp
EXPOSE 8000

# Liveness only (no secret needed); orchestrators should also ask /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["confirmcheck-webhook", "--bind", "0.0.0.0:8000"]
