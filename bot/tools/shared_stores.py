"""Private PostgreSQL and Redis instances for running several Rasa servers (tests/test_scale.py and
``make load SERVERS=2``): Debian's packages, started on free ports in a temporary folder, removed after.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List

from bot.stack import free_port

PG_BIN = (sorted(glob.glob("/usr/lib/postgresql/*/bin")) or [""])[-1]


def as_postgres(command: List[str]) -> List[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres system user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def available() -> bool:
    return bool(PG_BIN and shutil.which("redis-server"))


@contextmanager
def shared_stores() -> Iterator[Dict[str, str]]:
    """Starts both; yields the environment endpoints.scale.yml reads (DB_*, REDIS_*)."""
    if not available():
        raise RuntimeError("PostgreSQL and Redis are needed: apt-get install postgresql redis-server")
    work = Path(tempfile.mkdtemp(prefix="wld-stores-"))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    data, pg_port, redis_port = work / "pg", free_port(), free_port()
    quiet = {"check": True, "capture_output": True}
    subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", str(data), "-U", "rasa", "--auth=trust"]), **quiet)
    options = f"-p {pg_port} -k {work} -c listen_addresses=127.0.0.1 -c max_connections=200"
    start = [f"{PG_BIN}/pg_ctl", "-D", str(data), "-o", options, "-w", "-l", str(work / "pg.log"), "start"]
    subprocess.run(as_postgres(start), **quiet)
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    try:
        subprocess.run([f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "rasa", "rasa"], **quiet)
        yield {
            "DB_HOST": "127.0.0.1", "DB_PORT": str(pg_port), "DB_NAME": "rasa", "DB_USER": "rasa",
            "DB_PASSWORD": "local-trust-auth", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port),
            "REDIS_DB": "0",
        }  # fmt: skip
    finally:
        redis.terminate()
        redis.wait()
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", str(data), "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
