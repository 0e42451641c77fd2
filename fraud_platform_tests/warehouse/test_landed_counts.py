from datetime import date

from fraud_platform.lake.storage import LocalLakeStorage
from fraud_platform.warehouse.landed_counts import LandedCounts, count_landed
from fraud_platform_tests.warehouse.data import day_rows, write_raw

DAY = date(2024, 5, 1)


def test_counts_records_and_distinct_ids_across_files(tmp_path):
    rows = day_rows(DAY, 10)
    write_raw(tmp_path, DAY, rows[:6], name="p+0+0000000000")
    write_raw(tmp_path, DAY, rows[4:], name="p+1+0000000000")  # rows 4 and 5 land twice
    write_raw(tmp_path, date(2024, 5, 2), rows[:3])
    assert count_landed(LocalLakeStorage(str(tmp_path)), DAY) == LandedCounts(
        files=2, records=12, distinct_transaction_ids=10
    )


def test_a_day_without_files_counts_zero(tmp_path):
    assert count_landed(LocalLakeStorage(str(tmp_path)), DAY) == LandedCounts(0, 0, 0)
