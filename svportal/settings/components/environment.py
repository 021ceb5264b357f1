"""Where the project lives and the environment its settings are read from (django-environ;
a .env file beside manage.py counts, without overriding the real environment)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
