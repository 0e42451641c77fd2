"""The Elasticsearch aggregation of invalid records (pure parts; the live index is in
test_staging_invalid_transactions.py)."""

from datetime import date, datetime, timezone

import pytest

from fraud_platform.warehouse.invalid_summary import (
    DAY_FIELD,
    REASON_FIELD,
    invalid_summary_query,
    parse_invalid_summary,
)


def test_query_counts_per_utc_day_and_reason_without_scripts():
    body = invalid_summary_query(datetime(2024, 5, 1, tzinfo=timezone.utc), datetime(2024, 5, 3, tzinfo=timezone.utc))
    assert body["query"]["range"][DAY_FIELD] == {"gte": "2024-05-01", "lt": "2024-05-03"}
    histogram = body["aggs"]["per_day"]
    assert histogram["date_histogram"]["time_zone"] == "UTC"
    assert histogram["aggs"]["per_reason"]["terms"]["field"] == REASON_FIELD
    assert "script" not in repr(body)


def test_parse_rows_and_documents_per_day():
    response = {"aggregations": {"per_day": {"buckets": [
        {"key_as_string": "2024-05-01T00:00:00.000Z", "doc_count": 3, "per_reason": {
            "sum_other_doc_count": 0,
            "buckets": [{"key": "bad_country_code", "doc_count": 2}, {"key": "wrong_type", "doc_count": 2}]}},
        {"key_as_string": "2024-05-02T00:00:00.000Z", "doc_count": 1, "per_reason": {
            "sum_other_doc_count": 0, "buckets": [{"key": "malformed_json", "doc_count": 1}]}},
    ]}}}
    summary = parse_invalid_summary(response)
    assert summary.rows == [
        (date(2024, 5, 1), "bad_country_code", 2), (date(2024, 5, 1), "wrong_type", 2),
        (date(2024, 5, 2), "malformed_json", 1),
    ]
    assert summary.documents_per_day == {date(2024, 5, 1): 3, date(2024, 5, 2): 1}


def test_missing_index_means_nothing_invalid_and_overflow_is_an_error():
    assert parse_invalid_summary({"hits": {"total": {"value": 0}}}).rows == []
    overflow = {"aggregations": {"per_day": {"buckets": [{"key_as_string": "2024-05-01T00:00:00Z", "doc_count": 9,
                "per_reason": {"sum_other_doc_count": 4, "buckets": []}}]}}}
    with pytest.raises(ValueError, match="reason codes"):
        parse_invalid_summary(overflow)
