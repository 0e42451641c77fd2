"""The validator's per-partition dedup window: bounded by an offset span, decided by offsets alone."""

from hypothesis import given, strategies as st

from streaming.validator.dedup import DedupWindow


def test_an_id_is_a_duplicate_within_the_span_and_forgotten_after_it():
    window = DedupWindow(span=10)
    assert window.admit(100, "a") is None
    assert window.admit(105, "a") == 100  # seen 5 offsets earlier: a duplicate of offset 100
    assert window.admit(110, "a") == 100  # exactly span later: still inside [110 - 10, 110)
    assert window.admit(111, "a") is None  # 100 < 111 - 10: forgotten, forwarded again...
    assert window.admit(115, "a") == 111  # ...and remembered at its new offset
    assert len(window) == 1


def test_a_duplicate_is_not_remembered_again():
    window = DedupWindow(span=3)
    window.admit(0, "a")
    assert window.admit(2, "a") == 0
    # The duplicate at 2 did not refresh the id: at 4, offset 0 is out of [1, 4).
    assert window.admit(4, "a") is None


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from("abcde")), max_size=60), st.integers(1, 12))
def test_admit_is_first_seen_then_add(steps, span):
    one, two = DedupWindow(span), DedupWindow(span)
    offset = 0
    for gap, tid in steps:
        offset += gap + 1
        expected = one.first_seen(offset, tid)
        if expected is None:
            one.add(offset, tid)
        assert two.admit(offset, tid) == expected
        assert len(one) == len(two)
