"""The database."""

from .environment import BASE_DIR, env

# --- Database -----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/svportal; default a SQLite file.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
# Keep each worker's connection between requests (a new one costs more than most reads),
# checked before reuse so that a database restart costs one failed check, not an error
# (on PostgreSQL the check asks the socket first, core/db/postgresql/base.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
    # The portal's reads are short; PostgreSQL's JIT compiler, which starts on a plan's
    # estimated cost, spent longer compiling the history's "as at" queries (about 0.35 s at
    # a tenth of national scale) than they took to run.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, [_options.get("options"), "-c jit=off"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A portal search begins its heaviest ranking on a second connection, held by a thread of
# the worker's own, while it searches the other kinds (core/db/alongside.py): on
# PostgreSQL, outside transactions. Off, every statement runs in the request's thread.
SVPORTAL_STATEMENTS_ALONGSIDE = env.bool("SVPORTAL_STATEMENTS_ALONGSIDE", default=True)
