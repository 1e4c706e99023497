-- One database per service, created by the postgres image on its first start (it runs the files in
-- /docker-entrypoint-initdb.d only while the data volume is empty), as POSTGRES_USER, who therefore owns them.
-- A database added here later does not appear in an existing volume: create it by hand, e.g.
--   docker compose exec postgres createdb -U rss <name>
-- tests/test_compose.py checks that every database a service's URL names in docker-compose.yml is created here.
CREATE DATABASE actors;
CREATE DATABASE funding;
CREATE DATABASE surveys;
-- The gateway's key store (API keys and their audit trail).
CREATE DATABASE gateway;
CREATE DATABASE reporting;
