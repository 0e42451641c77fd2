-- Model performance per day and model version, where labels exist: precision, recall and F1 of the
-- flagged transactions (score >= the version's threshold) and ROC AUC of the scores.
-- AUC is the Mann-Whitney statistic: (sum of the frauds' score ranks - n_f (n_f + 1) / 2) / (n_f n_g),
-- with tied scores sharing their average rank; NULL on a day with a single class.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_date',
        on_schema_change='fail',
    )
}}
with labelled as (
    select
        p.event_date,
        p.model_version,
        p.score,
        p.flagged,
        t.is_fraud
    from {{ source('production', 'fraud_predictions') }} as p
    inner join {{ ref('fct_transactions') }} as t on t.transaction_id = p.transaction_id
    where {{ in_partition_window('p.event_date') }}
      and t.is_fraud is not null
),

ranked as (
    select
        *,
        rank() over (partition by event_date, model_version order by score)
            + (count(*) over (partition by event_date, model_version, score) - 1) / 2.0 as score_rank
    from labelled
),

daily as (
    select
        event_date,
        model_version,
        count(*) as labelled_count,
        sum(case when is_fraud then 1 else 0 end) as fraud_count,
        sum(case when flagged then 1 else 0 end) as flagged_count,
        sum(case when flagged and is_fraud then 1 else 0 end) as true_positive_count,
        sum(case when is_fraud then score_rank else 0 end) as fraud_rank_sum
    from ranked
    group by event_date, model_version
)

select
    event_date,
    model_version,
    labelled_count,
    fraud_count,
    flagged_count,
    true_positive_count,
    cast(true_positive_count as double precision) / nullif(flagged_count, 0) as precision_at_threshold,
    cast(true_positive_count as double precision) / nullif(fraud_count, 0) as recall_at_threshold,
    2.0 * true_positive_count / nullif(flagged_count + fraud_count, 0) as f1_at_threshold,
    (fraud_rank_sum - fraud_count * (fraud_count + 1) / 2.0)
        / nullif(cast(fraud_count as double precision) * (labelled_count - fraud_count), 0) as roc_auc
from daily
