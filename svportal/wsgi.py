import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svportal.settings.production")

application = get_wsgi_application()

# Imported once Django is set up: it loads the URLconf and the templates.
from svportal.warmup import prepare_worker  # noqa: E402

prepare_worker()
