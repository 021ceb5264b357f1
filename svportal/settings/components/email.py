"""E-mail: how mail is sent, and the address links in e-mails point to."""

from .environment import BASE_DIR, env

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# Where the file backend (django.core.mail.backends.filebased.EmailBackend) writes.
EMAIL_FILE_PATH = env.path("DJANGO_EMAIL_FILE_PATH", default=BASE_DIR / "sent-emails")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="SV Portal <noreply@localhost>")
# The portal's address as users reach it, for links in e-mails.
SVPORTAL_BASE_URL = env.str("SVPORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Outgoing mail for the notices, when DJANGO_EMAIL_BACKEND is the SMTP backend.
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
