# SVD Platform image: one image for the web (gunicorn), worker and beat services of
# docker-compose.yml. Build: `docker build -t svd-platform .`

# --- Stage 1: front-end assets (GOV.UK Frontend styles compiled by sass) ------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static ./static
RUN npm run build:css

# --- Stage 2: the application -------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=svd_platform.settings.production \
    SVD_VAR_DIR=/app/var
WORKDIR /app

# A writable home: gunicorn >= 25.1 puts its control socket in ~/.gunicorn.
RUN groupadd --system --gid 10001 svd \
 && useradd --system --uid 10001 --gid svd --create-home --home-dir /home/svd \
      --shell /usr/sbin/nologin svd

# Dependencies first (a layer that changes only with pyproject.toml), then the source.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /src/static/build ./static/build
# Only the parts of node_modules that settings.STATICFILES_DIRS serves.
COPY --from=assets /src/node_modules/govuk-frontend/dist ./node_modules/govuk-frontend/dist
COPY --from=assets /src/node_modules/htmx.org/dist ./node_modules/htmx.org/dist

# Editable install: settings find templates, locale and static beside the code in /app.
# var/ (static files collected at start, media, beat schedule) is the only writable place.
RUN pip install --no-deps -e . \
 && mkdir -p var/media var/staticfiles \
 && chown -R svd:svd var

USER svd
EXPOSE 8000
# The web service's command in docker-compose.yml migrates and collects static files first.
CMD ["gunicorn", "svd_platform.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
