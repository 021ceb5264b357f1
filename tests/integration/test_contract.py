"""The API contract: schemathesis `--checks all` against a live portal (gunicorn on a
database of its own, with the real data), anonymous and with a lead's API token. Every
operation in the OpenAPI schema is exercised with bounded examples; there must be no server
error and no response the schema does not describe (status, content type, body, headers).
Its settings are in schemathesis.toml at the root of the repository.

It runs in the PostgreSQL pass, as production runs; the lead's run writes (drafts,
refused edits), so the portal has a database of its own.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from conftest import require_service
from tests.portal_database import manage, portal_env, real_data_database

from .conftest import PASSWORD, Web, _worker_id

#: Examples per operation and phase: enough to reach every operation's errors, within
#: a few minutes for the two runs.
MAX_EXAMPLES = os.environ.get("SVPORTAL_CONTRACT_EXAMPLES", "5")
#: A fixed seed, so that a failure is found again by the next run (SCHEMATHESIS_SEED to vary).
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261130")


@pytest.fixture(scope="module")
def contract_portal(tmp_path_factory, broker_url):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("The API contract runs in the PostgreSQL pass, as production runs")
    if shutil.which("schemathesis", path=str(Path(sys.executable).parent)) is None:
        require_service("schemathesis", "install the dev requirements (make test does)")
    root = tmp_path_factory.mktemp("contract")
    database_url, drop = real_data_database(tmp_path_factory, f"{_worker_id()}_contract", root)
    env = portal_env(
        database_url,
        "",  # no broker: exports run in the web process
        root / "media",
        ITEST_PASSWORD=PASSWORD,
        DJANGO_API_THROTTLE_ANON="100000/minute",
        DJANGO_API_THROTTLE_USER="100000/minute",
    )
    web = None
    try:
        manage(
            "grant_role",
            "contract-lead",
            "lead",
            "--borough",
            "westminster",
            "--password-from-env",
            "ITEST_PASSWORD",
            env=env,
        )
        created = manage("drf_create_token", "contract-lead", env=env)
        token = re.search(r"Generated token (\w+)", created).group(1)
        web = Web(root / "web.log", env)
        yield web, token
    finally:
        if web is not None:
            web.stop()
        drop()


def schemathesis(url, *arguments):
    binary = str(Path(sys.executable).parent / "schemathesis")
    result = subprocess.run(  # noqa: S603 - the locked schemathesis against our own server
        [
            binary,
            "run",
            f"{url}/api/schema/",
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            # One worker: CPython 3.11's parser is not safe to share between threads.
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
            *arguments,
        ],
        cwd=settings.BASE_DIR,  # reads schemathesis.toml
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("who", ["anonymous", "lead"])
def test_the_api_keeps_its_openapi_contract(contract_portal, who):
    web, token = contract_portal
    arguments = ["--header", f"Authorization: Token {token}"] if who == "lead" else []
    code, output = schemathesis(web.url, *arguments)
    summary = output[output.find("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
    assert code == 0, f"schemathesis found problems ({who}):\n{output[-20000:]}"
    assert "Tested: " in summary, summary
    assert "server error" not in output.lower(), output[-5000:]
