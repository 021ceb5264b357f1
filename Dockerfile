FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=svportal.settings.production
WORKDIR /app

# Debian's Pango for WeasyPrint, which draws case studies as PDF, and a font for it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

# The locked dependencies first, exact versions checked against their hashes, so that a
# code change does not reinstall them (this layer changes only with requirements/).
COPY requirements/base.txt ./requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
# Then the code, and the portal itself without resolving anything more.
COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation .
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input
# The release every process of this image names what it keeps in the shared cache by
# (core/release.py), e.g. --build-arg SVPORTAL_RELEASE=$(git rev-parse HEAD); left empty,
# each process takes a digest of the code, templates and committed data instead.
ARG SVPORTAL_RELEASE=""
ENV SVPORTAL_RELEASE=$SVPORTAL_RELEASE

# The folders the volumes mount (docker-compose.yml): uploaded and exported files, and
# beat's schedule. A new named volume takes its owner from the image's folder, so they
# must exist here, owned by the user the portal runs as, or it cannot write to them.
RUN useradd --create-home portal \
    && mkdir -p /app/media/exports /app/beat \
    && chown -R portal /app
USER portal
EXPOSE 8000
CMD ["gunicorn", "svportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
