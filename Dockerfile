# Claimdesk: gunicorn behind whitenoise, configured only by environment variables
# (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG, CSRF_TRUSTED_ORIGINS).
# One image, two roles, chosen by the command:
#   docker run IMAGE                              the web server (the CMD below)
#   docker run IMAGE python manage.py worker      a worker: release cuts, bulk imports

# --- build: install the project and its dependencies into a virtualenv ---------
FROM python:3.13-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY config ./config
COPY curation ./curation
RUN pip install .

# --- runtime: the virtualenv, the code, collected static files, a non-root user --
FROM python:3.13-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin claimdesk
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY manage.py ./
COPY config ./config
COPY curation ./curation
COPY fixtures ./fixtures
# collectstatic needs settings to import; this throwaway key never reaches runtime.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && chown -R claimdesk:claimdesk /app
USER claimdesk
EXPOSE 8000
# Run migrations as a release step: docker run IMAGE python manage.py migrate
# Workers' heartbeat files in memory (/dev/shm), not on the image's overlay
# filesystem, where each update may block (gunicorn's deployment notes).
# No access log by default: a line per request cost about 0.5 ms of CPU, near
# a tenth of a claim POST (docs/benchmarks.md). The proxy in front logs
# requests, and Django logs every 4xx and 5xx answer to stderr. To have it:
# docker run -e GUNICORN_CMD_ARGS="--access-logfile=-" …
# Workers need no port; stop them with SIGTERM (docker stop): a worker finishes its
# job first, and one killed mid-job has the job taken again by another.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--threads", "2", "--worker-tmp-dir", "/dev/shm", "--timeout", "60"]
