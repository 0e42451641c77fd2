from datetime import date

import pytest

from fraud_platform.ml.protocol import ProtocolWindows
from fraud_platform_tests.ml.synthetic import sandbox_frame, write_sandbox

FIRST_DAY = date(2024, 3, 1)
# validation 03-01..02 | train 03-03..06 | delay 03-07..09 | test 03-10..11
WINDOW_DAYS = {"train_days": 4, "delay_days": 3, "test_days": 2, "validation_days": 2}
WINDOWS = ProtocolWindows.ending_on(date(2024, 3, 11), **WINDOW_DAYS)


@pytest.fixture(scope="session")
def sandbox():
    return sandbox_frame(FIRST_DAY, days=len(WINDOWS.days()), seed=1)


@pytest.fixture(scope="session")
def lake_root(tmp_path_factory, sandbox):
    root = tmp_path_factory.mktemp("lake")
    write_sandbox(root, sandbox)
    return root
