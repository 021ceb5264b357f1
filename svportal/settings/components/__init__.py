"""Settings grouped by integration, imported by settings/base.py."""
