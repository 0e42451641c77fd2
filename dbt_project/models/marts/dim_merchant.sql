-- One row per merchant, attributes from its latest transaction.
with ranked as (
    select
        *,
        row_number() over (partition by merchant_id order by event_time desc, transaction_id) as recency
    from {{ ref('fct_transactions') }}
)

select
    merchant_id,
    max(case when recency = 1 then merchant_name end) as merchant_name,
    max(case when recency = 1 then mcc end) as mcc,
    max(case when recency = 1 then merchant_category end) as merchant_category,
    max(case when recency = 1 then country end) as country,
    max(case when recency = 1 then city end) as city,
    count(*) as transaction_count,
    sum(case when is_fraud then 1 else 0 end) as fraud_count
from ranked
group by merchant_id
