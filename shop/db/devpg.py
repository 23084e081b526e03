"""A throw-away PostgreSQL server for the tests and the benchmarks (real PostgreSQL, no mocks).

Finds the server binaries (``pg_config --bindir``, then /usr/lib/postgresql/*/bin),
installs Debian's ``postgresql`` package with apt-get when they are missing and
we are root, runs ``initdb`` in a temporary folder as a non-root user (initdb
refuses root), and starts ``postgres`` on a free 127.0.0.1 port with its unix
socket in that folder. Settings favour speed over durability: it is thrown away.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from debian_packages import PackageUnavailable, apt_install

PG_USER = "postgres"  # the database superuser created by initdb
SYSTEM_USER = "postgres"  # the OS user running the server when we are root


class PostgresUnavailable(RuntimeError):
    """The throw-away PostgreSQL server could not be found, installed or started."""


def _bindir_ok(path: Path) -> bool:
    return (path / "initdb").is_file() and (path / "postgres").is_file()


def find_bindir() -> Path | None:
    """The directory holding initdb/postgres/pg_ctl, or None."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        path = Path(found.stdout.strip())
        if found.returncode == 0 and _bindir_ok(path):
            return path
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for path in candidates:
        if _bindir_ok(path):
            return path
    on_path = shutil.which("initdb")
    if on_path and _bindir_ok(Path(on_path).parent):
        return Path(on_path).parent
    return None


def install_postgresql() -> None:
    """apt-get install postgresql (needs root and apt-get)."""
    try:
        apt_install("postgresql", why="PostgreSQL binaries are not installed")
    except PackageUnavailable as exc:
        raise PostgresUnavailable(str(exc)) from exc


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", SYSTEM_USER, "--", *cmd]


def _ensure_system_user() -> None:
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True)


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        """An autocommit connection to the maintenance database."""
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        )

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = _as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args])
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if check and done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise PostgresUnavailable(f"pg_ctl {args[-1]} failed: {done.stderr}\n{tail}")
        return done

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c max_connections=200",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            ]
        )
        self._pg_ctl("-l", str(self.root / "server.log"), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode: str = "immediate") -> None:
        """Stops the server; "fast" keeps every commit (the server runs with
        synchronous_commit=off, so "immediate" may lose the last ones, like a crash)."""
        if (self.datadir / "postmaster.pid").exists():
            self._pg_ctl("-m", mode, "-w", "stop", check=False)

    def wait_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with self.admin() as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


def start_postgres() -> PostgresServer:
    """Find or install PostgreSQL, then initdb and start a private server."""
    bindir = find_bindir()
    if bindir is None:
        install_postgresql()
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable("postgresql installed but initdb/postgres still not found")
    _ensure_system_user()
    # Not under pytest's tmp_path: that is root-only (0700) and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="shop-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user=SYSTEM_USER)
    initdb = [
        str(bindir / "initdb"),
        "-D",
        str(root / "data"),
        "-U",
        PG_USER,
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    ]
    done = subprocess.run(_as_server_user(initdb), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    last_error: Exception | None = None
    for _ in range(3):  # the free port may be taken between probing and binding
        server = PostgresServer(bindir=bindir, root=root, port=_free_port())
        try:
            server.start()
            server.wait_ready()
            return server
        except (PostgresUnavailable, psycopg.OperationalError) as error:
            last_error = error
            server.stop()
    shutil.rmtree(root, ignore_errors=True)
    raise PostgresUnavailable(f"postgres did not start: {last_error}")


def stop_postgres(server: PostgresServer) -> None:
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
