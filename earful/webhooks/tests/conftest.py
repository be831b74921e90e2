import pytest


@pytest.fixture(autouse=True)
def _receiver_on_this_machine(settings):
    """The test receiver listens on 127.0.0.1, a private address: allowed here as a
    self-hoster would with EARFUL_ALLOW_PRIVATE_DESTINATIONS (earful/core/outbound.py)."""
    settings.EARFUL_ALLOW_PRIVATE_DESTINATIONS = True
