"""The in-process half of `make bench`, run under the benchmark's settings and database.

    python bench/inprocess.py urls            the URL list for this database, as JSON
    python bench/inprocess.py measure URLS    per URL: status, bytes, queries, peak memory
    python bench/inprocess.py exports         action-items CSV and XLSX: rows/s, peak memory
                                              (timed without tracemalloc, then traced)
    python bench/inprocess.py credentials     the benchmark user's API token and a fresh
                                              signed-in session, as JSON

Queries are counted with CaptureQueriesContext and memory with tracemalloc (the peak of
Python allocations while the request is answered), on the third request to each URL so
that start-up costs are not counted.
"""

import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svportal.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from actionplans.models import ActionPlan  # noqa: E402
from boroughs.models import Borough, Organisation, StockTake  # noqa: E402
from casestudies.models import CaseStudy  # noqa: E402

AS_AT = "2023-06-30"
#: A word nearly every case study uses, and one that few do.
COMMON_WORD = "young"
RARE_WORD = "loftus"
API_LISTS = (
    "boroughs",
    "partnerships",
    "organisations",
    "stock-takes",
    "case-studies",
    "interventions",
    "frameworks",
    "action-plans",
    "action-items",
    "funders",
    "funding-streams",
    "awards",
)


def _last_page(path):
    """Page 200 of a list, or its last page when it has fewer."""
    response = Client().get(path, HTTP_HOST="127.0.0.1")
    count = response.json().get("count", 0) if response.status_code == 200 else 0
    size = len(response.json().get("results", [])) or 1 if response.status_code == 200 else 1
    return max(1, min(200, -(-count // size)))


def urls():
    published = CaseStudy.objects.filter(status=CaseStudy.Status.PUBLISHED)
    case_study = published.order_by("-pk").first()
    plan = (
        ActionPlan.objects.filter(status=ActionPlan.Status.ACTIVE, borough__isnull=False)
        .filter(Q(period_start__lt=AS_AT) | Q(period_start__isnull=True))
        .order_by("-pk")
        .select_related("borough")
        .first()
    )
    stock_take = StockTake.objects.filter(is_current=True).first() or StockTake.objects.first()
    with_plans = list(
        Borough.objects.filter(action_plans__isnull=False).distinct().values_list("slug", flat=True)
    )
    others = Borough.objects.exclude(slug__in=with_plans).values_list("slug", flat=True)
    compared = ",".join([*with_plans, *others][:3])
    # England's map with one district outlined, and with the districts a county covers.
    district = Borough.objects.districts().exclude(region="london").order_by("pk").first()
    county = Borough.objects.filter(districts__isnull=False).distinct().order_by("pk").first()
    # The organisation that provides most interventions: its page's longest tables.
    organisation = (
        Organisation.objects.annotate(provides=Count("interventions"))
        .order_by("-provides", "pk")
        .first()
    )
    search = f"/api/v1/case-studies/?q={COMMON_WORD}"
    deep = _last_page(search)
    items_last = _last_page("/api/v1/action-items/")
    listed = [(f"api {name}", f"/api/v1/{name}/") for name in API_LISTS]
    return [
        *listed,
        ("api action-items last page", f"/api/v1/action-items/?page={items_last}"),
        ("api search common", search),
        (f"api search common p{deep}", f"{search}&page={deep}"),
        ("api search rare", f"/api/v1/case-studies/?q={RARE_WORD}"),
        ("api stock-take summary", f"/api/v1/stock-takes/{stock_take.slug}/summary/"),
        ("api stock-take matrix", f"/api/v1/stock-takes/{stock_take.slug}/matrix/"),
        ("api borough-summary", "/api/v1/borough-summary/"),
        ("api borough-summary as_at", f"/api/v1/borough-summary/?as_at={AS_AT}"),
        ("api compare", f"/api/v1/compare/?boroughs={compared}"),
        ("api portal search common", f"/api/v1/search/?q={COMMON_WORD}"),
        ("api portal search rare", f"/api/v1/search/?q={RARE_WORD}"),
        ("api 360giving", "/api/v1/awards/360giving/"),
        ("page home", "/"),
        ("page case studies", "/case-studies/"),
        ("page case studies search", f"/case-studies/?q={COMMON_WORD}"),
        ("page portal search common", f"/search/?q={COMMON_WORD}"),
        ("page portal search two words", "/search/?q=county+lines"),
        ("page portal search one kind", f"/search/?q={COMMON_WORD}&kind=plan_items&page=3"),
        ("page case study", f"/case-studies/{case_study.slug}/"),
        ("page interventions", "/interventions/"),
        ("page organisation", f"/organisations/{organisation.slug}/"),
        ("page boroughs as_at", f"/boroughs/?as_at={AS_AT}"),
        ("page plan as_at", f"/boroughs/{plan.borough.slug}/action-plan/?as_at={AS_AT}"),
        ("page compare", f"/compare/?boroughs={compared}"),
        ("page funding", "/funding/"),
        ("page stock-take", f"/stock-takes/{stock_take.slug}/"),
        # Map pages (England's and London's maps, built once per set of figures).
        ("page boroughs", "/boroughs/"),
        ("page boroughs london", "/boroughs/?region=london"),
        ("page borough profile", f"/boroughs/{plan.borough.slug}/"),
        *([("page district profile england", f"/boroughs/{district.slug}/")] if district else []),
        *([("page county profile", f"/boroughs/{county.slug}/")] if county else []),
        ("api boroughs geojson", "/api/v1/boroughs/?format=geojson"),
    ]


def measure(paths):
    client = Client()
    results = {}
    for path in paths:
        for _ in range(2):
            client.get(path, HTTP_HOST="127.0.0.1")
        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_HOST="127.0.0.1")
            body = b"".join(response) if response.streaming else response.content
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[path] = {
            "status": response.status_code,
            "bytes": len(body),
            "queries": len(queries),
            "peak_mb": round(peak / 2**20, 1),
        }
    return results


def credentials():
    """The benchmark user's API token and the key of a new signed-in session, for wrk to
    read as that user would (Authorization: Token …, and the session cookie)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    owner = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    token, _ = Token.objects.get_or_create(user=owner)
    client = Client()
    client.force_login(owner)
    return {"token": token.key, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


def exports():
    """Action items as CSV and XLSX: timed once as a worker writes them, then written again
    under tracemalloc for the peak memory (tracing every allocation slows the writing
    several times over, so it is not timed)."""
    from django.contrib.auth import get_user_model

    from svportal.exports.selectors import export_kind
    from svportal.exports.writers import write_csv, write_xlsx

    owner = get_user_model().objects.filter(is_superuser=True).first()
    kind = export_kind("action-items")

    def write(name):
        source = kind.source({}, owner)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"items.{name}"
            if name == "csv":
                with path.open("w", encoding="utf-8", newline="") as stream:
                    return write_csv(source.table(), stream, columns=source.columns)
            return write_xlsx(
                source.table(), str(path), columns=source.columns, sheet_title="Items"
            )

    results = {}
    for name in ("csv", "xlsx"):
        started = time.perf_counter()
        cpu_started = time.process_time()
        rows = write(name)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        tracemalloc.start()
        write(name)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[f"action-items {name.upper()}"] = {
            "rows": rows,
            "seconds": round(seconds, 1),
            "rows_per_s": round(rows / seconds),
            # On a shared machine the wall clock counts other processes' turns too.
            "rows_per_cpu_s": round(rows / cpu_seconds),
            "peak_mb": round(peak / 2**20, 1),
        }
    return results


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "urls":
        print(json.dumps(urls()))
    elif command == "measure":
        print(json.dumps(measure(json.loads(Path(sys.argv[2]).read_text()))))
    elif command == "exports":
        print(json.dumps(exports()))
    elif command == "credentials":
        print(json.dumps(credentials()))
    else:
        raise SystemExit(__doc__)
