-- Invalid records per day and reason code (a record failing several rules counts under each).
select
    event_date,
    reason,
    invalid_count
from {{ source('staging', 'invalid_transactions') }}
