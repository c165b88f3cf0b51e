"""Situations of vulnerability on practices: the form, the page, the API
and the ``situation`` filter of the list page and of ``GET /practices``."""

import re

import pytest
from django.urls import reverse

from gcmhub.errors import InvalidInput
from gcmhub.practices import services
from gcmhub.practices.models import Practice

from .conftest import practice_data
from .test_views import publish

pytestmark = pytest.mark.django_db


def codes_of(practice) -> set[str]:
    return set(practice.situations.values_list("code", flat=True))


def test_the_form_tags_a_new_practice_and_keeps_the_ticks_on_an_error(client, people):
    client.force_login(people.contributor)
    fields = {
        "title": "Safe house network", "summary": "Shelters run by a women's group.", "level": "local",
        "stage": "destination", "state": "ongoing", "areas": ["KEN"], "primary_objective": "7",
        "situations": ["survivor_of_violence", "pregnant_woman"],
    }  # fmt: skip
    response = client.post(reverse("practices:create"), {**fields, "level": "nowhere"})
    assert response.status_code == 422
    page = response.content.decode()
    assert re.search(r'value="survivor_of_violence"[^>]*checked', page)
    assert re.search(r'value="pregnant_woman"[^>]*checked', page)
    response = client.post(reverse("practices:create"), fields)
    assert response.status_code == 302
    practice = Practice.objects.get(title="Safe house network")
    assert codes_of(practice) == {"survivor_of_violence", "pregnant_woman"}
    edit = client.get(reverse("practices:edit", args=[practice.pk])).content.decode()
    assert re.search(r'value="survivor_of_violence"[^>]*checked', edit)


def test_an_unknown_situation_is_refused_naming_the_field(people):
    with pytest.raises(InvalidInput) as refused:
        services.create_practice(people.contributor, practice_data(situations=["pirates"]))
    assert refused.value.field == "situations" and "pirates" in refused.value.message


def test_the_page_and_the_list_filter(client, people):
    tagged = services.create_practice(people.contributor, practice_data(situations=["stranded_migrant"]))
    publish(people, tagged)
    other = services.create_practice(people.contributor, practice_data(title="Untagged desk"))
    publish(people, other)
    page = client.get(reverse("practices:practice", args=[tagged.pk])).content.decode()
    assert "Situations of vulnerability" in page and "?situation=stranded_migrant" in page
    listed = client.get(reverse("practices:list") + "?situation=stranded_migrant").content.decode()
    assert tagged.title in listed and "Untagged desk" not in listed
    assert "pirates" in client.get(reverse("practices:list") + "?situation=pirates").content.decode()


def test_the_api_reads_writes_and_filters_situations(api, people, bearer):
    headers = bearer(people.contributor)
    response = api.post("/practices", json=practice_data(situations=["older_migrant"]), headers=headers)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["situations"] == ["older_migrant"]
    response = api.patch(
        f"/practices/{created['id']}",
        json={"version": created["version"], "situations": ["older_migrant", "person_with_disabilities"]},
        headers=headers,
    )
    assert response.status_code == 200 and set(response.json()["situations"]) == {
        "older_migrant", "person_with_disabilities"
    }
    response = api.post("/practices", json=practice_data(situations=["pirates"]), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "situations"
    reviewer = bearer(people.reviewer)
    items = api.get("/practices?situation=person_with_disabilities", headers=reviewer).json()["items"]
    assert [item["id"] for item in items] == [created["id"]]
    assert api.get("/practices?situation=older_migrant&stage=transit", headers=reviewer).json()["items"] == []
    response = api.get("/practices?situation=pirates")
    assert response.status_code == 422 and response.json()["field"] == "situation"


def test_a_published_practices_situations_are_changed_by_a_reviewer(api, people, bearer):
    practice = publish(people, services.create_practice(people.contributor, practice_data()))
    response = api.patch(
        f"/practices/{practice.pk}",
        json={"version": practice.version, "situations": ["stranded_migrant"]},
        headers=bearer(people.contributor),
    )
    assert response.status_code == 422 and response.json()["field"] == "situations"
    assert not codes_of(practice)
    response = api.patch(
        f"/practices/{practice.pk}",
        json={"version": practice.version, "situations": ["stranded_migrant"]},
        headers=bearer(people.reviewer),
    )
    assert response.status_code == 200 and codes_of(practice) == {"stranded_migrant"}


def test_another_contributor_cannot_tag_someone_elses_draft(api, people, bearer, draft):
    response = api.patch(
        f"/practices/{draft.pk}",
        json={"version": draft.version, "situations": ["stranded_migrant"]},
        headers=bearer(people.other_contributor),
    )
    assert response.status_code in (403, 404)
    assert not codes_of(draft)


def test_search_has_a_situation_facet_that_follows_the_tags(people):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from gcmhub.practices.search import search_practices
    from gcmhub.protection.models import Situation

    def situation_facet(result):
        found = next(f for f in result.facets if f.key == "situation")
        return {value.value: (value.count, value.label) for value in found.values}

    tagged = services.create_practice(people.contributor, practice_data(situations=["stranded_migrant"]))
    publish(people, tagged)
    other = services.create_practice(people.contributor, practice_data(title="Untagged desk"))
    publish(people, other)
    public = AnonymousUser()
    with translation.override("fr"):
        facet = situation_facet(search_practices(public, ""))
    stranded = Situation.objects.get(code="stranded_migrant")
    assert facet == {"stranded_migrant": (1, stranded.title("fr"))}
    assert stranded.title("fr") != stranded.title("en")
    assert [hit.practice for hit in search_practices(public, "", {"situation": "stranded_migrant"}).hits] == [tagged]
    # Tags changed on the record (either side of the link) reach the index.
    other.situations.add(stranded)
    assert search_practices(public, "", {"situation": "stranded_migrant"}).total == 2
    stranded.practices.remove(tagged)
    assert [hit.practice for hit in search_practices(public, "", {"situation": "stranded_migrant"}).hits] == [other]
