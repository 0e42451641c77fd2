import pytest


@pytest.fixture(autouse=True, scope="session")
def _services_running(services_stack):
    """Every integration test runs against the real services stack."""
    return services_stack
