"""The data lake's layout and the processed stage's columns, shared by Spark, warehouse and dbt."""
