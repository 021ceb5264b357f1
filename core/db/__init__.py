"""The portal's database backend (settings/components/database.py names it)."""
