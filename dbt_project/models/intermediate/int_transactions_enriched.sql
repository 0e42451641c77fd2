-- Transactions with the flags the marts aggregate, so every mart counts the same way.
select
    *,
    case when is_fraud then 1 else 0 end as fraud_flag,
    case when is_fraud then amount_reporting end as fraud_amount_reporting,
    case
        when amount_reporting is null then 'unknown'
        when amount_reporting < 10 then 'under_10'
        when amount_reporting < 100 then '10_to_100'
        when amount_reporting < 1000 then '100_to_1000'
        else '1000_and_over'
    end as amount_band
from {{ ref('stg_transactions') }}
