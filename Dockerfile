FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# gettext for the catalogues; Pango and HarfBuzz for WeasyPrint, which draws the certificates (fonts ship with the app).
RUN apt-get update && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 && rm -rf /var/lib/apt/lists/*
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .
RUN DEBUG=off SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv -v 0 \
    && useradd --system --home /app echo && mkdir -p var/media && chown -R echo var

USER echo
EXPOSE 8000
CMD ["gunicorn", "echo_portal.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
