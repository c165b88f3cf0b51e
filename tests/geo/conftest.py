import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_by_default():
    """Start each test in English and restore the language afterwards.

    Requests to /fr/ or /es/ activate their language in the test thread;
    without this, messages in later tests would depend on test order.
    """
    with translation.override("en"):
        yield
