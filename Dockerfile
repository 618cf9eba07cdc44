# One image for web, the workers, beat and the one-shot migrate; docker-compose.yml changes only the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings, not a real secret or database.
RUN DJANGO_SETTINGS_MODULE=factcheck.settings.production DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build FACTCHECK_SITE_URL=http://build EMAIL_URL=consolemail:// \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --no-input -v 0

RUN useradd --create-home --uid 1000 factcheck
USER factcheck
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
