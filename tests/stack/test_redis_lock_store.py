"""REDIS_URL reaches Rasa's Redis lock store whole: password, username, database number, TLS."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import redis
import yaml

from debian_packages import apt_install
from stack.servers import StartError, endpoints_yaml, free_port, running_stack
from stack.settings import load_settings
from tests.stack.rasa_endpoints import rasa_reads_endpoints


def _lock_store(tmp_path: Path, redis_url: str) -> dict:
    settings = replace(load_settings({}), var_dir=tmp_path, redis_url=redis_url)
    return yaml.safe_load(endpoints_yaml(settings, "http://127.0.0.1:5055/webhook"))["lock_store"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6380", {"url": "127.0.0.1", "port": 6380, "db": 0}),
        ("redis://:s3cret@10.0.0.5:6379/2", {"url": "10.0.0.5", "port": 6379, "db": 2, "password": "s3cret"}),
        (
            "rediss://shop:p%40ss%24%7BHOME%7D%22@redis.example.com/3",
            {
                "url": "redis.example.com",
                "port": 6379,
                "db": 3,
                "username": "shop",
                "password": 'p@ss${HOME}"',
                "use_ssl": True,
            },
        ),  # fmt: skip
        ("redis://[::1]:6379/", {"url": "::1", "port": 6379, "db": 0}),
    ],
)
def test_every_part_of_redis_url_reaches_the_lock_store(tmp_path: Path, url: str, expected: dict) -> None:
    assert _lock_store(tmp_path, url) == {"type": "redis", **expected}


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("127.0.0.1:6379", "must start with redis://"),
        ("http://:hunter2@127.0.0.1:6379", "must start with redis://"),
        ("redis://:hunter2@127.0.0.1:63x9/1", "port"),
        ("redis://:hunter2@127.0.0.1:6379/two", "database number"),
        ("redis://:hunter2@127.0.0.1:6379/0?ssl_cert_reqs=none", "options after ?"),
        ("redis://:hunter2@:6379/1", "no host"),
        ("redis://:hunter2]@127.0.0.1:6379/1", "percent-encoded"),
    ],
)
def test_a_malformed_redis_url_is_one_clear_error_before_anything_starts(
    tmp_path: Path, url: str, said: str
) -> None:
    settings = replace(load_settings({}), var_dir=tmp_path, redis_url=url, rasa_workers=2)
    with pytest.raises(StartError, match=said) as raised:
        with running_stack(settings):
            pass
    assert "hunter2" not in str(raised.value) and "\n" not in str(raised.value)
    assert not (tmp_path / "logs").exists()  # no server was started


# --- a real redis-server with a password, and Rasa's own lock store reading our endpoints ---


@dataclass
class RedisServer:
    port: int
    password: str

    def client(self, db: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, password=self.password)


def _redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found is None:  # installed like PostgreSQL and Chromium; never skipped
        apt_install("redis-server", why="redis-server is not installed")
        found = shutil.which("redis-server")
    if found is None:
        pytest.fail("apt-get installed redis-server but no redis-server binary was found")
    return found


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(port=free_port(), password='pw$"x@y')
    process = subprocess.Popen(
        [_redis_server_binary(), "--port", str(server.port), "--bind", "127.0.0.1", "--requirepass",
         server.password, "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                server.client(0).ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


RASA_SAVES_A_LOCK = """
import sys
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import read_endpoint_config

store = LockStore.create(read_endpoint_config(sys.argv[1], "lock_store"))
store.save_lock(store.create_lock("chat-42"))
tls = LockStore.create(read_endpoint_config(sys.argv[2], "lock_store"))
pool = tls.red.connection_pool
print(pool.connection_class.__name__, pool.connection_kwargs["username"], pool.connection_kwargs["db"])
"""


def test_rasas_lock_store_uses_the_password_and_database_of_redis_url(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    quoted = redis_server.password.replace("$", "%24").replace('"', "%22").replace("@", "%40")
    local = replace(
        load_settings({}), var_dir=tmp_path, redis_url=f"redis://:{quoted}@127.0.0.1:{redis_server.port}/2"
    )
    tls = replace(local, redis_url="rediss://shop:pw@127.0.0.1:1/5")  # read, never connected to
    said = rasa_reads_endpoints(RASA_SAVES_A_LOCK, {"local": local, "tls": tls}, tmp_path)
    assert said.split() == ["SSLConnection", "shop", "5"]
    assert redis_server.client(2).keys() == [b"lock:chat-42"]
    assert redis_server.client(0).keys() == [] and redis_server.client(1).keys() == []
