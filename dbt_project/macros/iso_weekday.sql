{#- ISO day of week (1 = Monday ... 7 = Sunday); the function differs between warehouses. -#}
{% macro iso_weekday(expression) -%}
    {{ return(adapter.dispatch('iso_weekday')(expression)) }}
{%- endmacro %}

{% macro default__iso_weekday(expression) -%}
    isodow({{ expression }})
{%- endmacro %}

{% macro snowflake__iso_weekday(expression) -%}
    dayofweekiso({{ expression }})
{%- endmacro %}
