-- Invalid records by reason per day, beside the day's valid (staged) transactions.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_date',
        on_schema_change='fail',
    )
}}
with valid as (
    select event_date, count(*) as valid_count
    from {{ ref('stg_transactions') }}
    where {{ in_partition_window('event_date') }}
    group by event_date
)

select
    invalid.event_date,
    invalid.reason,
    invalid.invalid_count,
    coalesce(valid.valid_count, 0) as valid_count
from {{ ref('stg_invalid_transactions') }} as invalid
left join valid on valid.event_date = invalid.event_date
where {{ in_partition_window('invalid.event_date') }}
