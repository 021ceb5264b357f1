"""Exports: how long files and records are kept, how many one user may run, and how a
stalled export is noticed. Where the files live is in storage.py."""

from .environment import env

# --- Exports --------------------------------------------------------------------------
# A finished export can be downloaded for SVPORTAL_EXPORT_TTL_HOURS; the cleanup then
# deletes its file. Its record (status, what was asked for) is kept for
# SVPORTAL_EXPORT_RECORD_DAYS.
SVPORTAL_EXPORT_TTL_HOURS = env.int("SVPORTAL_EXPORT_TTL_HOURS", default=24)
SVPORTAL_EXPORT_RECORD_DAYS = env.int("SVPORTAL_EXPORT_RECORD_DAYS", default=30)
# Queued or running exports one user may have at once.
SVPORTAL_EXPORT_MAX_ACTIVE = env.int("SVPORTAL_EXPORT_MAX_ACTIVE", default=5)
# A running export says it is alive every SVPORTAL_EXPORT_HEARTBEAT_SECONDS; one silent for
# SVPORTAL_EXPORT_STALL_SECONDS has lost its worker. Beat's reaper (every
# SVPORTAL_EXPORT_REAPER_SECONDS) queues it again, up to SVPORTAL_EXPORT_MAX_ATTEMPTS runs in
# all, then fails it with a message; an export no worker has started within
# SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS fails too. Stalled exports do not count against
# SVPORTAL_EXPORT_MAX_ACTIVE.
SVPORTAL_EXPORT_HEARTBEAT_SECONDS = env.int("SVPORTAL_EXPORT_HEARTBEAT_SECONDS", default=15)
SVPORTAL_EXPORT_STALL_SECONDS = env.int("SVPORTAL_EXPORT_STALL_SECONDS", default=120)
SVPORTAL_EXPORT_REAPER_SECONDS = env.int("SVPORTAL_EXPORT_REAPER_SECONDS", default=60)
SVPORTAL_EXPORT_MAX_ATTEMPTS = env.int("SVPORTAL_EXPORT_MAX_ATTEMPTS", default=3)
SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS = env.int(
    "SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS", default=60 * 60
)
