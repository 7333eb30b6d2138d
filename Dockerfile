# syntax=docker/dockerfile:1
# PPR Sag: one image for web (gunicorn + whitenoise), the Celery worker and Celery beat.

# --- Front-end assets: DKFDS and htmx from npm, copied into static/vendor --------------------
FROM node:22-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
# Production packages only: axe-core (a dev dependency for the browser tests) stays out of the image.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY scripts/copy-vendor.mjs scripts/
RUN npm run --silent build

# --- Application -----------------------------------------------------------------------------
FROM python:3.13-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PPR_PRIVATE_MEDIA_ROOT=/data/private

# WeasyPrint renders PDFs with Pango; DejaVu gives it fonts with Danish letters.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
COPY --from=assets /src/static/vendor static/vendor

# Static files are collected (hashed and compressed for whitenoise) at build time; the
# values below only satisfy the settings' start-up checks and are not kept in the image.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost PPR_FIELD_KEY=collectstatic-only PPR_SITE_URL=http://localhost \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 --no-create-home --home-dir /app ppr \
 && mkdir -p /data/private /data/beat \
 && chown -R ppr /data
USER ppr

EXPOSE 8000
CMD ["gunicorn", "ppr.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
