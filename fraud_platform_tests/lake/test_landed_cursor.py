from fraud_platform.lake.landed_cursor import LandedCursor, advance, files_by_day, run_key
from fraud_platform.lake.storage import LakeObject


def obj(key: str, t: float) -> LakeObject:
    return LakeObject(t, key, 10)


A = obj("raw/transactions/dt=2024-05-01/validated-transactions+0+0000000000.jsonl.gz", 100.0)
B = obj("raw/transactions/dt=2024-05-02/validated-transactions+1+0000000000.jsonl.gz", 100.0)
C = obj("raw/transactions/dt=2024-05-02/validated-transactions+1+0000000500.jsonl.gz", 100.0)
D = obj("raw/transactions/dt=2024-05-01/validated-transactions+2+0000000000.jsonl.gz", 90.0)


def test_first_tick_sees_everything_and_a_repeat_sees_nothing():
    fresh, cursor = advance(LandedCursor(), [A, B])
    assert fresh == sorted([A, B])
    again, cursor2 = advance(LandedCursor.from_json(cursor.to_json()), [A, B])
    assert again == [] and cursor2 == cursor


def test_a_file_with_the_same_timestamp_as_the_newest_is_not_missed():
    _, cursor = advance(LandedCursor(), [A, B])
    fresh, _ = advance(cursor, [A, B, C])
    assert fresh == [C]


def test_a_late_file_with_an_older_timestamp_inside_the_grace_window_is_seen():
    _, cursor = advance(LandedCursor(), [A, B], grace_s=60)
    fresh, cursor = advance(cursor, [A, B, D], grace_s=60)
    assert fresh == [D]
    assert advance(cursor, [A, B, D], grace_s=60)[0] == []


def test_the_cursor_forgets_keys_older_than_the_window():
    _, cursor = advance(LandedCursor(), [A], grace_s=10)
    newer = obj("raw/transactions/dt=2024-05-03/validated-transactions+0+0000000000.jsonl.gz", 500.0)
    _, cursor = advance(cursor, [A, newer], grace_s=10)
    assert cursor.recent_keys == {newer.key} and cursor.newest == 500.0


def test_run_key_identifies_the_day_file_set():
    by_day = files_by_day([A, B, C])
    assert set(by_day) == {"2024-05-01", "2024-05-02"}
    assert run_key("2024-05-02", by_day["2024-05-02"]) == run_key("2024-05-02", [C, B])
    assert run_key("2024-05-02", [B]) != run_key("2024-05-02", [B, C])
