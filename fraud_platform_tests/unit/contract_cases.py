"""Records for the contract tests: valid variants and one invalid record per rule.

Each invalid case changes the contract's example record in one way and names the
(field, reason) validate() must report; the JSON Schema must reject the same records.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from fraud_platform.contract import Reason, example_transaction

DELETE = object()  # override value meaning "remove this key"


def record(**overrides: Any) -> dict[str, Any]:
    result = example_transaction()
    for key, value in overrides.items():
        if value is DELETE:
            del result[key]
        else:
            result[key] = value
    return result


VALID: dict[str, dict[str, Any]] = {
    "example": record(),
    "utc_offset_spelled_out": record(event_time="2024-05-01T12:34:56+00:00"),
    "no_fraction": record(event_time="2024-05-01T12:34:56Z"),
    "integer_amount": record(amount=100),
    "amount_at_limit": record(amount=50000.0),
    "amount_one_cent": record(amount=0.01),
    "ecommerce_ipv4": record(
        channel="ecommerce", payment_method="online", device_type="desktop", ip_address="203.0.113.7"
    ),
    "mobile_ipv6": record(channel="mobile_app", payment_method="wallet", device_type="mobile", ip_address="2001:db8::1"),
    "card_not_present_without_ip": record(channel="ecommerce", ip_address=None),
    "fraud_with_scenario": record(is_fraud=True, fraud_scenario="compromised_terminal"),
    "fraud_scenario_unknown": record(is_fraud=True, fraud_scenario=None),
    "poles_and_antimeridian": record(latitude=-90, longitude=180.0),
    "other_mcc": record(mcc="6011", merchant_category="Financial Institutions: Automated Cash Disbursements"),
    "uppercase_uuid": record(transaction_id="0B6F9A52-3C1E-4F7A-9D2B-5E8C1A4F7B30"),
    "territory_country": record(country="HK", currency="HKD"),
}


class Bad(NamedTuple):
    record: dict[str, Any]
    field: str
    reason: Reason


_ECOM = {"channel": "ecommerce", "payment_method": "online", "device_type": "desktop"}

INVALID: dict[str, Bad] = {
    "transaction_id_not_uuid": Bad(record(transaction_id="not-a-uuid"), "transaction_id", Reason.INVALID_FORMAT),
    "transaction_id_not_hex": Bad(
        record(transaction_id="0b6f9a52-3c1e-4f7a-9d2b-5e8c1a4f7bzz"), "transaction_id", Reason.INVALID_FORMAT
    ),
    "transaction_id_without_hyphens": Bad(
        record(transaction_id="0b6f9a523c1e4f7a9d2b5e8c1a4f7b30abcd"), "transaction_id", Reason.INVALID_FORMAT
    ),
    "transaction_id_trailing_newline": Bad(
        record(transaction_id="0b6f9a52-3c1e-4f7a-9d2b-5e8c1a4f7b30\n"), "transaction_id", Reason.INVALID_FORMAT
    ),
    "transaction_id_number": Bad(record(transaction_id=12345), "transaction_id", Reason.WRONG_TYPE),
    "transaction_id_missing": Bad(record(transaction_id=DELETE), "transaction_id", Reason.MISSING_REQUIRED_FIELD),
    "event_time_words": Bad(record(event_time="yesterday"), "event_time", Reason.UNPARSEABLE_TIMESTAMP),
    "event_time_30_february": Bad(
        record(event_time="2024-02-30T10:00:00Z"), "event_time", Reason.UNPARSEABLE_TIMESTAMP
    ),
    "event_time_space_separator": Bad(
        record(event_time="2024-05-01 12:34:56Z"), "event_time", Reason.UNPARSEABLE_TIMESTAMP
    ),
    "event_time_nanoseconds": Bad(
        record(event_time="2024-05-01T12:34:56.123456789Z"), "event_time", Reason.UNPARSEABLE_TIMESTAMP
    ),
    "event_time_no_offset": Bad(record(event_time="2024-05-01T12:34:56"), "event_time", Reason.UNPARSEABLE_TIMESTAMP),
    "event_time_epoch": Bad(record(event_time=1714566896), "event_time", Reason.WRONG_TYPE),
    "event_time_paris": Bad(record(event_time="2024-05-01T14:34:56+02:00"), "event_time", Reason.NON_UTC_TIMESTAMP),
    "customer_id_empty": Bad(record(customer_id=""), "customer_id", Reason.INVALID_FORMAT),
    "card_id_too_long": Bad(record(card_id="K" * 65), "card_id", Reason.INVALID_FORMAT),
    "terminal_id_null": Bad(record(terminal_id=None), "terminal_id", Reason.MISSING_REQUIRED_FIELD),
    "merchant_id_number": Bad(record(merchant_id=123), "merchant_id", Reason.WRONG_TYPE),
    "merchant_name_too_long": Bad(record(merchant_name="x" * 201), "merchant_name", Reason.INVALID_FORMAT),
    "mcc_unknown": Bad(record(mcc="0000"), "mcc", Reason.UNKNOWN_ENUM_VALUE),
    "mcc_integer": Bad(record(mcc=5411), "mcc", Reason.WRONG_TYPE),
    "merchant_category_unknown": Bad(
        record(merchant_category="Florists"), "merchant_category", Reason.UNKNOWN_ENUM_VALUE
    ),
    "merchant_category_of_other_mcc": Bad(
        record(merchant_category="Hospitals"), "merchant_category", Reason.INCONSISTENT_FIELDS
    ),
    "amount_zero": Bad(record(amount=0), "amount", Reason.NON_POSITIVE_AMOUNT),
    "amount_negative": Bad(record(amount=-12.5), "amount", Reason.NON_POSITIVE_AMOUNT),
    "amount_over_limit": Bad(record(amount=50000.01), "amount", Reason.AMOUNT_OVER_LIMIT),
    "amount_huge": Bad(record(amount=1e300), "amount", Reason.AMOUNT_OVER_LIMIT),
    "amount_sub_cent": Bad(record(amount=19.999), "amount", Reason.INVALID_FORMAT),
    "amount_string": Bad(record(amount="42.50"), "amount", Reason.WRONG_TYPE),
    "amount_boolean": Bad(record(amount=True), "amount", Reason.WRONG_TYPE),
    "currency_word": Bad(record(currency="EURO"), "currency", Reason.BAD_CURRENCY_CODE),
    "currency_lowercase": Bad(record(currency="eur"), "currency", Reason.BAD_CURRENCY_CODE),
    "currency_gold": Bad(record(currency="XAU"), "currency", Reason.BAD_CURRENCY_CODE),
    "transaction_type_unknown": Bad(
        record(transaction_type="chargeback"), "transaction_type", Reason.UNKNOWN_ENUM_VALUE
    ),
    "payment_method_unknown": Bad(record(payment_method="cheque"), "payment_method", Reason.UNKNOWN_ENUM_VALUE),
    "channel_unknown": Bad(record(channel="phone"), "channel", Reason.UNKNOWN_ENUM_VALUE),
    "device_type_unknown": Bad(record(device_type="watch"), "device_type", Reason.UNKNOWN_ENUM_VALUE),
    "device_id_empty": Bad(record(device_id=""), "device_id", Reason.INVALID_FORMAT),
    "ip_address_octet_256": Bad(record(**_ECOM, ip_address="10.0.0.256"), "ip_address", Reason.INVALID_FORMAT),
    "ip_address_zone_index": Bad(record(**_ECOM, ip_address="fe80::1%eth0"), "ip_address", Reason.INVALID_FORMAT),
    "ip_address_number": Bad(record(**_ECOM, ip_address=3232235777), "ip_address", Reason.WRONG_TYPE),
    "ip_address_card_present": Bad(record(ip_address="203.0.113.7"), "ip_address", Reason.INCONSISTENT_FIELDS),
    "ip_address_atm": Bad(
        record(channel="atm", device_type="atm", transaction_type="withdrawal", ip_address="203.0.113.7"),
        "ip_address",
        Reason.INCONSISTENT_FIELDS,
    ),
    "country_uk": Bad(record(country="UK"), "country", Reason.BAD_COUNTRY_CODE),
    "country_lowercase": Bad(record(country="fr"), "country", Reason.BAD_COUNTRY_CODE),
    "customer_country_kosovo_user_assigned": Bad(
        record(customer_country="XK"), "customer_country", Reason.BAD_COUNTRY_CODE
    ),
    "customer_country_alpha3": Bad(record(customer_country="FRA"), "customer_country", Reason.BAD_COUNTRY_CODE),
    "city_empty": Bad(record(city=""), "city", Reason.INVALID_FORMAT),
    "latitude_over_90": Bad(record(latitude=90.5), "latitude", Reason.OUT_OF_RANGE),
    "longitude_under_minus_180": Bad(record(longitude=-180.01), "longitude", Reason.OUT_OF_RANGE),
    "latitude_string": Bad(record(latitude="45.7"), "latitude", Reason.WRONG_TYPE),
    "is_fraud_string": Bad(record(is_fraud="false"), "is_fraud", Reason.WRONG_TYPE),
    "is_fraud_zero": Bad(record(is_fraud=0), "is_fraud", Reason.WRONG_TYPE),
    "fraud_scenario_when_legitimate": Bad(
        record(fraud_scenario="card_testing"), "fraud_scenario", Reason.INCONSISTENT_FIELDS
    ),
    "fraud_scenario_unknown": Bad(
        record(is_fraud=True, fraud_scenario="phishing"), "fraud_scenario", Reason.UNKNOWN_ENUM_VALUE
    ),
    "schema_version_2": Bad(record(schema_version=2), "schema_version", Reason.UNKNOWN_ENUM_VALUE),
    "schema_version_string": Bad(record(schema_version="1"), "schema_version", Reason.WRONG_TYPE),
    "schema_version_missing": Bad(record(schema_version=DELETE), "schema_version", Reason.MISSING_REQUIRED_FIELD),
    "unknown_field": Bad(record(cvv="123"), "cvv", Reason.UNKNOWN_FIELD),
}
