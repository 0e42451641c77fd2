"""PySpark transformations of the lake stages: pure functions of a SparkSession and paths."""
