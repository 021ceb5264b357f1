"""The benchmark's first visits meet none of the caches kept under the data version."""

import pytest
from django.conf import settings

from tests.bench_module import bench_run

pytestmark = pytest.mark.no_database


def test_the_benchmark_turns_off_every_query_cache_with_the_response_cache():
    bench = bench_run()
    assert set(bench.QUERY_CACHE_SETTINGS) == set(settings.DATA_VERSION_CACHE_SETTINGS)
    first_visits = bench.settings_env("db", production=True, response_cache=False)
    repeat_visits = bench.settings_env("db", production=True, response_cache=True)
    for name in settings.DATA_VERSION_CACHE_SETTINGS:
        assert first_visits[name] == "0"
        assert int(repeat_visits[name]) > 0


def test_a_scale_has_one_database_however_it_is_written():
    bench = bench_run()
    assert bench.database_name(1) == bench.database_name(1.0) == bench.database_name("1")
    assert bench.database_name(0.1).startswith("svp_bench_0_1_")
    assert bench.database_name(0).startswith("svp_bench_0_")
    assert bench.database_name(0) != bench.database_name(0.1)
