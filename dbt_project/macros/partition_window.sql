{#- The Dagster run's partition window on a DATE column: start inclusive, end exclusive. -#}
{% macro in_partition_window(column) -%}
    {{ column }} >= cast('{{ var("min_date") }}' as date) and {{ column }} < cast('{{ var("max_date") }}' as date)
{%- endmacro %}
