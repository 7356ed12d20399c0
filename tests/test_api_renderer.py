"""The orjson renderer writes what DRF's JSONRenderer writes, byte for byte.

Every list and detail answer of the demo data (and error answers) is compared
with DRF's own rendering of the same data; then the values an answer can hold
that orjson would write differently by itself (datetimes, lazy strings,
integer keys, U+2028) and the cases it hands back to DRF whole.
"""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail
from rest_framework.test import APIClient

from curation.api.renderers import JSONRenderer
from curation.api.urls import router
from curation.choices import ClaimKind, Credibility
from curation.models import Claim

API = "/api/v1"
DRF = renderers.JSONRenderer()
OURS = JSONRenderer()


@pytest.fixture
def olga(db):
    call_command("loaddata", "demo", verbosity=0)
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="olga"))
    return client


def _assert_rendered_as_drf_would(response):
    assert response.status_code < 500, response.status_code
    assert type(response.accepted_renderer) is JSONRenderer
    assert response.content == DRF.render(response.data), response.request["PATH_INFO"]


@pytest.mark.parametrize("prefix", [prefix for prefix, _, _ in router.registry])
def test_every_list_and_detail_is_rendered_as_drf_renders_it(olga, prefix):
    listing = olga.get(f"{API}/{prefix}/", {"page_size": 1000})
    _assert_rendered_as_drf_would(listing)
    rows = listing.data["results"]
    assert rows, f"the demo has no {prefix}"
    for row in rows[:5]:
        _assert_rendered_as_drf_would(olga.get(f"{API}/{prefix}/{row['id']}/"))


def test_claim_history_and_errors_are_rendered_as_drf_renders_them(olga):
    claim = Claim.objects.order_by("pk").first()
    _assert_rendered_as_drf_would(olga.get(f"{API}/claims/{claim.pk}/history/"))
    _assert_rendered_as_drf_would(olga.get(f"{API}/claims/0/"))  # 404
    _assert_rendered_as_drf_would(olga.post(f"{API}/claims/", {}, format="json"))  # 400
    _assert_rendered_as_drf_would(
        olga.post(f"{API}/claims/{claim.pk}/accept/", {"version": "x"}, format="json")
    )


EDGE_VALUES = {
    "utc": datetime.datetime(2026, 12, 2, 15, 4, 5, 123456, tzinfo=datetime.UTC),
    "offset": datetime.datetime(2026, 3, 29, 2, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Moscow")),
    "naive": datetime.datetime(2026, 1, 1, 0, 0),
    "date": datetime.date(2026, 2, 28),
    "time": datetime.time(23, 59, 59, 1),
    "decimal": decimal.Decimal("2.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("This field is required."),
    "error": [ErrorDetail("Quote does not match: “x”.", code="invalid")],
    "separators": "line\u2028paragraph\u2029end",
    "scripts": "Москва 北京 🇺🇳 שָׁלוֹם e\u0301",
    "choices": [ClaimKind.FACT, Credibility.PROBABLY_TRUE],
    "keys": {2: "two", None: "none", False: "no"},
    "numbers": [0, -1, 2**63 - 1, 1.5, 1e16, 0.1],
    "nested": ({"a": (1, 2)}, [], {}),
    "empty": "",
    "none": None,
}


@pytest.mark.parametrize("name", EDGE_VALUES)
def test_values_render_as_drf_renders_them(name):
    data = {"value": EDGE_VALUES[name]}
    assert OURS.render(data) == DRF.render(data)


def test_separators_are_escaped_for_javascript():
    assert OURS.render(["\u2028\u2029"]) == b'["\\u2028\\u2029"]'


@pytest.mark.parametrize(
    "data",
    [{"id": 2**64}, {"text": "unpaired \ud800 surrogate"}],
    ids=["int-beyond-64-bits", "unpaired-surrogate"],
)
def test_what_orjson_cannot_write_falls_back_to_drf(data):
    try:
        expected = DRF.render(data)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            OURS.render(data)
    else:
        assert OURS.render(data) == expected


def test_indented_output_is_drfs(olga):
    response = olga.get(f"{API}/projects/", HTTP_ACCEPT="application/json; indent=4")
    assert response.content == DRF.render(response.data, "application/json; indent=4")
    assert b'\n    "' in response.content


def test_no_content_renders_nothing(olga):
    claim = Claim.objects.filter(status="draft").order_by("pk").first()
    response = olga.delete(
        f"{API}/claims/{claim.pk}/", HTTP_IF_MATCH=f'"{claim.pk}.{claim.version}"'
    )
    assert response.status_code == 204
    assert response.content == b""
