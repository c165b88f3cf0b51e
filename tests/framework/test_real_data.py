"""Importing the public transcription of the resolution kept in ../shared/data.

Its known defect (objective 20 repeats objective 2's title and 12 actions)
must be reported with its line and, on request, skipped.
"""

import pytest
from django.conf import settings

from gcmhub.framework import services
from gcmhub.framework.models import Action
from gcmhub.framework.problems import FrameworkDataError

GCM_DIR = settings.SHARED_DATA_DIR / "gcm"

pytestmark = [
    pytest.mark.real,
    pytest.mark.django_db,
    pytest.mark.skipif(not GCM_DIR.is_dir(), reason="shared GCM data not present"),
]


@pytest.mark.parametrize("name", ["gcm_objectives_actions_long.md", "gcm_objectives_actions_short.md"])
def test_the_defective_objective_20_refuses_the_file(name):
    with pytest.raises(FrameworkDataError) as caught:
        services.import_official_texts(GCM_DIR / name)
    assert {(p.field, p.line) for p in caught.value.problems} == {
        ("objective 20 title", 239),
        ("objective 20 actions", 238),
    }
    assert not Action.objects.exclude(text_en="").exists()


def test_skipping_objective_20_imports_the_other_178_actions():
    report = services.import_official_texts(GCM_DIR / "gcm_objectives_actions_long.md", skip_mismatched=True)
    assert report.objectives == [n for n in range(1, 24) if n != 20]
    assert report.actions_changed == 178
    first = Action.objects.get(objective__number=1, letter="a")
    assert first.text_en.startswith("Elaborate and implement a comprehensive strategy for improving migration data")
    assert first.text_source_en.startswith("gcm_objectives_actions_long.md (sha256 ")
    # The PDF's missing space after a comma is restored.
    assert "national data systems, including by" in Action.objects.get(objective__number=1, letter="b").text_en
    assert not Action.objects.filter(objective__number=20).exclude(text_en="").exists()
