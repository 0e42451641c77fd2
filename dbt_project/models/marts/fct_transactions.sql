-- The transaction fact, one row per transaction. Built a day window at a time: delete+insert on
-- event_date replaces exactly the days of the run, so re-running a day changes no counts.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_date',
        on_schema_change='fail',
    )
}}
select
    transaction_id,
    event_time,
    event_date,
    event_hour,
    event_weekday,
    is_night,
    is_weekend,
    customer_id,
    card_id,
    terminal_id,
    merchant_id,
    merchant_name,
    mcc,
    merchant_category,
    amount,
    currency,
    amount_reporting,
    reporting_currency,
    transaction_type,
    payment_method,
    channel,
    device_type,
    device_id,
    ip_address,
    country,
    customer_country,
    city,
    latitude,
    longitude,
    is_cross_border,
    is_fraud,
    fraud_scenario,
    schema_version
from {{ ref('stg_transactions') }}
where {{ in_partition_window('event_date') }}
