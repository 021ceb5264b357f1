"""Exports: portal data as CSV, XLSX or JSON files, written by a Celery task.

selectors.py says what each kind holds, writers.py writes the files row by row,
services.py starts, runs and expires exports, tasks.py wraps them for Celery and forms.py
is the page's form. See docs/decisions/0008-exports-and-notices.md.
"""
