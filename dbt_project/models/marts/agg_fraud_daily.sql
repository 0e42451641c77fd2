-- Fraud per day x country x transaction type x payment method x device type x hour.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_date',
        on_schema_change='fail',
    )
}}
select
    event_date,
    country,
    transaction_type,
    payment_method,
    device_type,
    event_hour,
    count(*) as transaction_count,
    sum(amount_reporting) as amount_reporting_total,
    sum(fraud_flag) as fraud_count,
    sum(fraud_amount_reporting) as fraud_amount_reporting,
    cast(sum(fraud_flag) as double precision) / count(*) as fraud_rate,
    sum(fraud_amount_reporting) / nullif(sum(amount_reporting), 0) as fraud_amount_rate
from {{ ref('int_transactions_enriched') }}
where {{ in_partition_window('event_date') }}
group by event_date, country, transaction_type, payment_method, device_type, event_hour
