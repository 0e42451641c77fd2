import json
from datetime import date, datetime, timedelta, timezone

import pytest

from fraud_platform.warehouse.partition_window import dbt_build_args, dbt_partition_vars, window_days

UTC = timezone.utc


def test_one_day_window_gives_exclusive_end():
    start = datetime(2024, 5, 1, tzinfo=UTC)
    assert dbt_partition_vars(start, start + timedelta(days=1)) == {"min_date": "2024-05-01", "max_date": "2024-05-02"}
    assert window_days(start, start + timedelta(days=1)) == [date(2024, 5, 1)]


def test_range_window_lists_every_day_and_builds_one_dbt_build():
    start, end = datetime(2024, 2, 28, tzinfo=UTC), datetime(2024, 3, 2, tzinfo=UTC)
    assert window_days(start, end) == [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    args = dbt_build_args(start, end)
    assert args[:2] == ["build", "--vars"]
    assert json.loads(args[2]) == {"min_date": "2024-02-28", "max_date": "2024-03-02"}


def test_window_in_another_zone_is_read_in_utc():
    paris = timezone(timedelta(hours=2))
    start = datetime(2024, 5, 1, 2, tzinfo=paris)  # 2024-05-01T00:00Z
    assert dbt_partition_vars(start, start + timedelta(days=2))["max_date"] == "2024-05-03"


def test_non_day_boundaries_and_empty_windows_are_refused():
    with pytest.raises(ValueError, match="not a UTC day boundary"):
        window_days(datetime(2024, 5, 1, 6, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC))
    with pytest.raises(ValueError, match="empty window"):
        dbt_partition_vars(datetime(2024, 5, 2, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC))
