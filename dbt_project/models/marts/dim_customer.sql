-- One row per customer over all loaded history (rebuilt on each run: it is small).
with ranked as (
    select
        *,
        row_number() over (partition by customer_id order by event_time desc, transaction_id) as recency
    from {{ ref('fct_transactions') }}
)

select
    customer_id,
    max(case when recency = 1 then customer_country end) as customer_country,
    min(event_time) as first_seen_at,
    max(event_time) as last_seen_at,
    count(*) as transaction_count,
    count(distinct card_id) as card_count,
    sum(case when is_fraud then 1 else 0 end) as fraud_count
from ranked
group by customer_id
