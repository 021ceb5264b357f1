"""Exit 0 when the PostgreSQL and Redis URLs given both answer; say which does not."""

import sys

import environ
import psycopg2
import redis


def main(postgres_url, redis_url):
    failures = []
    config = environ.Env.db_url_config(postgres_url)
    try:
        psycopg2.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg2.OperationalError as error:
        failures.append(f"PostgreSQL at {config['HOST']}:{config['PORT']} does not answer: {error}")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.exceptions.RedisError as error:
        failures.append(f"Redis at {redis_url} does not answer: {error}")
    for failure in failures:
        print(failure.strip(), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
