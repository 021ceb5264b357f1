"""The benchmark's first visits meet none of the caches kept under the data version."""

import importlib.util

import pytest
from django.conf import settings

pytestmark = pytest.mark.no_database


def _bench_run():
    spec = importlib.util.spec_from_file_location(
        "bench_run", settings.BASE_DIR / "bench" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_turns_off_every_query_cache_with_the_response_cache():
    bench = _bench_run()
    assert set(bench.QUERY_CACHE_SETTINGS) == set(settings.DATA_VERSION_CACHE_SETTINGS)
    first_visits = bench.settings_env("db", production=True, response_cache=False)
    repeat_visits = bench.settings_env("db", production=True, response_cache=True)
    for name in settings.DATA_VERSION_CACHE_SETTINGS:
        assert first_visits[name] == "0"
        assert int(repeat_visits[name]) > 0
