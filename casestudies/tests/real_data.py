"""Records of the real data the test database starts with (fixtures/), as more than one
test module counts them."""

import json
from pathlib import Path

from django.conf import settings

#: Every case study in the fixtures is published.
PUBLISHED_CASE_STUDIES = 19
#: Every intervention in the fixtures (the seeds name more as records are added).
INTERVENTION_COUNT = sum(
    len(json.loads(path.read_text(encoding="utf-8")).get("interventions", []))
    for path in Path(settings.PORTAL_FIXTURES_DIR).glob("*.json")
)
