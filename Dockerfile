FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=supportops.settings.production
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY supportops ./supportops
COPY shifts ./shifts
COPY inquiries ./inquiries
COPY postmortems ./postmortems
COPY observability ./observability
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs a secret only to import settings; the real one comes from the environment at run time.
RUN SECRET_KEY=build-only-placeholder-secret-key-0123456789 python manage.py collectstatic --noinput

RUN useradd --create-home supportops && mkdir -p /app/var && chown supportops /app/var
USER supportops
EXPOSE 8000
CMD ["gunicorn", "supportops.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
