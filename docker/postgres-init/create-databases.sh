#!/bin/bash
# Run once by the postgres image's entrypoint, on an empty data volume only: the Dagster
# (run/event storage) and MLflow (backend store) databases, owned by the platform user.
# The names come from FRAUD_POSTGRES_DAGSTER_DB / FRAUD_POSTGRES_MLFLOW_DB (see
# docker-compose.yml). "WHERE NOT EXISTS ... \gexec" because CREATE DATABASE has no
# IF NOT EXISTS, and a name may equal POSTGRES_USER, whose database already exists.
set -euo pipefail

for db in "$FRAUD_POSTGRES_DAGSTER_DB" "$FRAUD_POSTGRES_MLFLOW_DB"; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v db="$db" -v owner="$POSTGRES_USER" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec
SQL
done
