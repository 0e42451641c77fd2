-- Every calendar day from the first to the last loaded day, gaps included.
with recursive days (date_day) as (
    select min(event_date) from {{ ref('fct_transactions') }}
    union all
    select cast({{ dbt.dateadd('day', 1, 'date_day') }} as date)
    from days
    where date_day < (select max(event_date) from {{ ref('fct_transactions') }})
)

select
    date_day,
    extract(year from date_day) as year,
    extract(quarter from date_day) as quarter,
    extract(month from date_day) as month,
    extract(day from date_day) as day_of_month,
    {{ iso_weekday('date_day') }} as iso_weekday,
    {{ iso_weekday('date_day') }} in (6, 7) as is_weekend
from days
where date_day is not null
