"""bench/run.py, which is a script rather than a package module, loaded for its tests."""

import importlib.util

from django.conf import settings


def bench_run():
    spec = importlib.util.spec_from_file_location(
        "bench_run", settings.BASE_DIR / "bench" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
