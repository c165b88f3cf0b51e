"""Cached pages and API validators (gcmhub/pagecache.py, gcmhub/dataversion.py).

Every cached copy must give way to new data at once: these tests change data
through each kind of writer (an edit, a bulk import finishing, an assessment
recompute) after the page was cached and check that the next reader sees it.
They also pin how many queries each page makes, so an N+1 regression fails.
"""

import re

import pytest
from django.db import transaction
from django.test import Client

from gcmhub import dataversion
from gcmhub.actors.services import issue_token
from gcmhub.indicators.models import ImportBatch
from gcmhub.progress.services import recompute

from .conftest import add, make_user

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"[A-Za-z0-9]{64}")
SCORECARD = "/en/countries/KEN/progress/"


def html_of(response) -> str:
    assert response.status_code == 200
    return TOKEN.sub("TOKEN", response.content.decode())


def fresh(client, url, settings) -> str:
    """The page rendered now, with the cache out of the way."""
    settings.PAGE_CACHE_ENABLED = False
    try:
        return html_of(client.get(url))
    finally:
        settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def assessed(world):
    recompute()
    return world


# --------------------------------------------------------------------------
# The data version
# --------------------------------------------------------------------------


def test_saves_bump_the_version_but_logins_do_not(kenya):
    before = dataversion.current()
    kenya.name_en = "Kenya (edited)"
    kenya.save()
    after_edit = dataversion.current()
    assert after_edit.counter == before.counter + 1 and after_edit.stamp != before.stamp

    user = make_user("reader")
    after_user = dataversion.current()
    Client().force_login(user)  # writes last_login only
    assert dataversion.current() == after_user


def test_a_rolled_back_change_never_lends_its_version_to_another():
    start = dataversion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        dataversion.bump()
        rolled_back = dataversion.current()
        raise RuntimeError
    assert dataversion.current() == start
    dataversion.bump()
    assert dataversion.current().counter == rolled_back.counter
    assert dataversion.current().key != rolled_back.key


def test_the_shared_copy_of_the_version_is_dropped_by_a_bump(monkeypatch, django_assert_num_queries):
    from django.core.cache import cache

    monkeypatch.setattr(dataversion, "_may_share", lambda: True)  # as outside a transaction
    first = dataversion.current()
    assert cache.get(dataversion.CACHE_KEY) == first
    with django_assert_num_queries(0):
        assert dataversion.current() == first
    dataversion.bump()
    assert cache.get(dataversion.CACHE_KEY) == dataversion._JUST_CHANGED
    with django_assert_num_queries(1):  # read from the database, not shared
        assert dataversion.current().key != first.key
    assert cache.get(dataversion.CACHE_KEY) == dataversion._JUST_CHANGED


def test_a_request_reads_the_version_once_and_sees_its_own_bump(monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(dataversion, "_may_share", lambda: True)  # as outside a transaction
    reads = []
    real_get = cache.get
    monkeypatch.setattr(dataversion.cache, "get", lambda key, *a, **k: reads.append(key) or real_get(key, *a, **k))
    # The receivers themselves: sending Django's signals would also close the
    # test's database connection (close_old_connections listens to them).
    dataversion._request_started()
    try:
        first = dataversion.current()
        assert dataversion.current() == first and dataversion.current() == first
        assert reads.count(dataversion.CACHE_KEY) == 1
        dataversion.bump()  # the request's own change is seen at once
        assert dataversion.current().key != first.key
    finally:
        dataversion._request_finished()
    # Between requests (a worker, a command) nothing is kept: each call asks.
    reads.clear()
    dataversion.current()
    dataversion.current()
    assert reads.count(dataversion.CACHE_KEY) == 2


def test_an_api_read_asks_for_the_version_once(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(dataversion, "_may_share", lambda: True)
    reads = []
    real_get = cache.get
    monkeypatch.setattr(dataversion.cache, "get", lambda key, *a, **k: reads.append(key) or real_get(key, *a, **k))
    assert client.get("/api/v1/objectives").status_code == 200
    assert reads.count(dataversion.CACHE_KEY) == 1


# --------------------------------------------------------------------------
# Pages show new data as soon as it is there
# --------------------------------------------------------------------------


def test_a_cached_page_is_served_from_the_cache(client, assessed):
    first = client.get(SCORECARD)
    second = client.get(SCORECARD)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert html_of(first) == html_of(second)


def test_an_edit_shows_on_the_cached_country_page(client, kenya, settings):
    assert "Kenya" in html_of(client.get("/en/countries/KEN/"))
    kenya.name_en = "Republic of Kenya (renamed in a test)"
    kenya.save()
    html = html_of(client.get("/en/countries/KEN/"))
    assert "Republic of Kenya (renamed in a test)" in html
    assert html == fresh(client, "/en/countries/KEN/", settings)


def test_a_recompute_shows_on_the_cached_scorecard(client, assessed, settings):
    before = html_of(client.get(SCORECARD))
    assert "status-target-achieved" not in before[before.index('id="objective-20"') : before.index('id="objective-21"')]
    # New remittance costs below the 3 % target, written in bulk (no signals)
    # and then assessed: objective 20's row changes.
    add(assessed.remittances, assessed.kenya, {2024: 2.5})
    recompute()
    after = html_of(client.get(SCORECARD))
    row = after[after.index('id="objective-20"') : after.index('id="objective-21"')]
    assert "status-target-achieved" in row
    assert after == fresh(client, SCORECARD, settings)


def test_a_finished_import_shows_on_the_cached_indicator_page(client, assessed, settings):
    url = "/en/indicators/10.c.1/?area=KEN"
    before = html_of(client.get(url))
    assert "1234.5" not in before and "1,234.5" not in before
    batch = ImportBatch.objects.create(format="csv", file_name="more.csv", status=ImportBatch.Status.RUNNING)
    add(assessed.remittances, assessed.kenya, {2024: 1234.5}, batch=batch)  # bulk: no signal
    batch.status = ImportBatch.Status.SUCCEEDED
    batch.save()
    after = html_of(client.get(url))
    assert after != before
    assert after == fresh(client, url, settings)


# --------------------------------------------------------------------------
# Nobody gets someone else's page
# --------------------------------------------------------------------------


def test_a_signed_in_page_is_never_served_to_the_public(assessed):
    focal = make_user("focal-ken-cache", "focal-point", area=assessed.kenya)
    signed_in = Client()
    signed_in.force_login(focal)
    theirs = signed_in.get(SCORECARD)
    assert "focal-ken-cache" in theirs.content.decode()
    assert "X-Page-Cache" not in theirs  # rendered for them, never stored

    public = Client().get(SCORECARD)
    assert public["X-Page-Cache"] == "miss"
    assert "focal-ken-cache" not in public.content.decode()

    # ... and the public copy, now cached, is not what the signed-in user gets.
    again = signed_in.get(SCORECARD)
    assert "focal-ken-cache" in again.content.decode() and "X-Page-Cache" not in again


def test_each_reader_of_a_cached_page_gets_a_working_csrf_token(assessed):
    Client().get(SCORECARD)  # cached by someone else
    reader = Client(enforce_csrf_checks=True)
    response = reader.get(SCORECARD)
    assert response["X-Page-Cache"] == "hit"
    html = response.content.decode()
    assert "gcmhub-csrf-placeholder" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = reader.post("/i18n/setlang/", {"language": "fr", "next": "/fr/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302  # 403 if the token were someone else's


def test_languages_are_cached_apart(client, assessed):
    english = client.get(SCORECARD).content.decode()
    french = client.get("/fr/countries/KEN/progress/").content.decode()
    assert 'lang="en"' in english and 'lang="fr"' in french


# --------------------------------------------------------------------------
# Query counts: a page's queries do not grow with its data (no N+1)
# --------------------------------------------------------------------------

PAGES = ["/en/", "/en/countries/KEN/", SCORECARD, "/en/indicators/10.c.1/", "/en/objectives/"]


def query_count(client, url, settings) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    settings.PAGE_CACHE_ENABLED = True
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_data(client, assessed, settings, url):
    small = query_count(client, url, settings)
    # Much more data: every series in three more countries, more years.
    for iso3 in ("UGA", "TZA", "ETH"):
        area = type(assessed.kenya).objects.get(iso3=iso3)
        for series in (assessed.remittances, assessed.deaths, assessed.births):
            add(series, area, {2015: 10.0, 2018: 9.0, 2020: 8.0, 2023: 7.5})
    add(assessed.remittances, assessed.kenya, {2016: 7.2, 2017: 7.0, 2018: 6.9})
    recompute()
    assert query_count(client, url, settings) <= small


@pytest.mark.parametrize(
    ("url", "limit"),
    # Fixed costs, whatever the data: the home page's headline figures and map
    # panel, the indicator page's chart, map, progress and metadata tabs; the
    # country page asks each app for its section (reviews 1, protection 2 queries).
    [("/en/", 14), ("/en/countries/KEN/", 15), (SCORECARD, 11), ("/en/indicators/10.c.1/", 23), ("/en/objectives/", 4)],
)
def test_query_budget_per_page(client, assessed, settings, django_assert_max_num_queries, url, limit):
    settings.PAGE_CACHE_ENABLED = False
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_costs_one_query(client, assessed, django_assert_num_queries, url):
    client.get(url)
    with django_assert_num_queries(1):  # the data version
        assert client.get(url)["X-Page-Cache"] == "hit"


# --------------------------------------------------------------------------
# API reads: ETag, Last-Modified, 304
# --------------------------------------------------------------------------


def test_api_reads_can_be_revalidated(client):
    first = client.get("/api/v1/objectives")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]

    same = client.get("/api/v1/objectives", headers={"If-None-Match": first["ETag"]})
    assert same.status_code == 304 and same.content == b"" and same["ETag"] == first["ETag"]
    since = client.get("/api/v1/objectives", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304

    dataversion.bump()  # e.g. the framework was reloaded
    changed = client.get("/api/v1/objectives", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.json() == first.json()


def test_api_validators_differ_per_caller_and_a_bad_token_is_not_told_304(client, people):
    anonymous = client.get("/api/v1/objectives")
    _token, key = issue_token(people.admin, people.admin, "tests")
    auth = {"Authorization": f"Bearer {key}"}
    admin = client.get("/api/v1/objectives", headers=auth)
    assert admin.status_code == 200 and admin["ETag"] != anonymous["ETag"]
    assert client.get("/api/v1/objectives", headers={**auth, "If-None-Match": admin["ETag"]}).status_code == 304

    bad = {"Authorization": "Bearer not-a-token"}
    etag = client.get("/api/v1/progress", headers=bad)
    assert etag.status_code == 401
    assert client.get("/api/v1/progress", headers={**bad, "If-None-Match": "*"}).status_code == 401


def test_account_endpoints_carry_no_version_validators(client, people, token_for):
    response = client.get("/api/v1/me", headers=token_for(people.admin))
    assert response.status_code == 200 and "ETag" not in response


def test_a_missing_resource_is_never_not_modified(client):
    last_modified = client.get("/api/v1/objectives")["Last-Modified"]
    for headers in ({"If-None-Match": "*"}, {"If-Modified-Since": last_modified}):
        assert client.get("/api/v1/areas/XYZ", headers=headers).status_code == 404
