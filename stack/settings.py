"""The settings of the whole stack: the gateway, the simulator, the trainer and the bench (reads the environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from paths import PROJECT_ROOT, VAR_DIR

# What the model classifies of one buyer message by default (`RASA_MAX_CHARS`):
# parse time grows faster than the text (docs/architecture.md has the measured times).
MODEL_MAX_CHARS = 1000


def _ids(raw: str | None) -> frozenset[int]:
    return frozenset(int(x) for x in (raw or "").replace(";", ",").split(",") if x.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the gateway and the simulator need to know about their world."""

    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    rasa_timeout_s: float = 30.0
    action_port: int = 0  # 0: a free port
    rasa_port: int = 0
    tracker_db_url: str | None = field(default=None, repr=False)  # None: SQLite var/rasa_tracker.db
    redis_url: str | None = None  # lock store for several Rasa workers
    rasa_workers: int = 1
    model_path: Path | None = None  # None: the model trained from the current data
    # The address the action server and the Rasa server listen on; another host
    # reaching them needs it changed, and the secrets below guard them either way.
    bind_host: str = "127.0.0.1"
    # Gateway/trainer -> Rasa: Rasa's HTTP API (--auth-token) and our inspect channel.
    # Rasa -> action server: the bearer secret on /webhook. None: a stack generates both per run.
    rasa_token: str | None = field(default=None, repr=False)
    action_secret: str | None = field(default=None, repr=False)
    telegram_token: str | None = field(default=None, repr=False)
    telegram_base_url: str | None = None  # a Bot API stand-in in tests
    webhook_url: str | None = None  # set: webhook instead of polling
    webhook_port: int = 8443
    webhook_listen: str = "0.0.0.0"  # the address the webhook server binds
    webhook_secret: str | None = field(default=None, repr=False)  # None: bot.serve generates one per run
    agent_chat_id: int | None = None
    agent_ids: frozenset[int] = frozenset()
    supervisor_ids: frozenset[int] = frozenset()
    trainer_ids: frozenset[int] = frozenset()
    holding_after_s: float = 90.0
    # None: shop.db.settings (DATABASE_URL or var/shop.db)
    database_url: str | None = field(default=None, repr=False)
    # Rasa down: retry a kept message after base, 2*base, ... up to max seconds.
    rasa_retry_base_s: float = 1.0
    rasa_retry_max_s: float = 60.0
    # A message Rasa cannot answer (down, unreachable action server) goes to an agent
    # after this many stored attempts; one Rasa fails on (HTTP 500) after MAX_ATTEMPTS.
    rasa_max_attempts: int = 30
    rasa_max_chars: int = MODEL_MAX_CHARS  # what the model classifies of one message
    # Telegram's limits: about one message a second per chat, 20 a minute per group.
    chat_send_interval_s: float = 1.0
    group_send_interval_s: float = 3.0
    send_attempts: int = 5  # network errors / flood limits before giving up on a message
    poll_timeout_s: int = 10  # getUpdates long-poll length
    # Updates that cannot be stored (database down): fetched again after base, 2*base, ... up to max s.
    store_retry_base_s: float = 0.5
    store_retry_max_s: float = 10.0
    routing_file: Path = PROJECT_ROOT / "responses" / "routing.yml"
    # The web console beside the gateway or simulator: `make serve` / `make demo` set CONSOLE=1.
    console: bool = False
    console_host: str = "127.0.0.1"
    console_port: int = 8700
    project_root: Path = PROJECT_ROOT
    var_dir: Path = VAR_DIR
    extra: dict = field(default_factory=dict)

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.var_dir / "run"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Reads the settings from the environment (or the mapping given, in tests)."""
    env = dict(os.environ if env is None else env)
    urls = tuple(u.strip() for u in env.get("RASA_URL", "http://127.0.0.1:5005").split(",") if u.strip())
    agent_chat = env.get("AGENT_CHAT_ID")
    model = env.get("RASA_MODEL")
    return Settings(
        rasa_urls=urls,
        rasa_timeout_s=float(env.get("RASA_TIMEOUT", "30")),
        action_port=int(env.get("ACTION_PORT", "0")),
        rasa_port=int(env.get("RASA_PORT", "0")),
        tracker_db_url=env.get("TRACKER_DB_URL") or None,
        redis_url=env.get("REDIS_URL") or None,
        rasa_workers=int(env.get("RASA_WORKERS", "1")),
        model_path=Path(model) if model else None,
        bind_host=env.get("BIND_HOST") or "127.0.0.1",
        rasa_token=env.get("RASA_TOKEN") or None,
        action_secret=env.get("ACTION_SERVER_SECRET") or None,
        telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_base_url=env.get("TELEGRAM_BASE_URL") or None,
        webhook_url=env.get("WEBHOOK_URL") or None,
        webhook_port=int(env.get("WEBHOOK_PORT", "8443")),
        webhook_listen=env.get("WEBHOOK_LISTEN") or "0.0.0.0",
        webhook_secret=env.get("WEBHOOK_SECRET") or None,
        agent_chat_id=int(agent_chat) if agent_chat else None,
        agent_ids=_ids(env.get("AGENT_IDS")),
        supervisor_ids=_ids(env.get("SUPERVISOR_IDS")),
        trainer_ids=_ids(env.get("TRAINER_IDS")),
        holding_after_s=float(env.get("HOLDING_AFTER_SECONDS", "90")),
        database_url=env.get("DATABASE_URL") or None,
        rasa_retry_base_s=float(env.get("RASA_RETRY_SECONDS", "1")),
        rasa_retry_max_s=float(env.get("RASA_RETRY_MAX_SECONDS", "60")),
        rasa_max_attempts=int(env.get("RASA_MAX_ATTEMPTS", "30")),
        rasa_max_chars=int(env.get("RASA_MAX_CHARS", str(MODEL_MAX_CHARS))),
        chat_send_interval_s=float(env.get("CHAT_SEND_INTERVAL_SECONDS", "1")),
        group_send_interval_s=float(env.get("GROUP_SEND_INTERVAL_SECONDS", "3")),
        store_retry_base_s=float(env.get("STORE_RETRY_SECONDS", "0.5")),
        store_retry_max_s=float(env.get("STORE_RETRY_MAX_SECONDS", "10")),
        routing_file=Path(env.get("ROUTING_FILE", str(PROJECT_ROOT / "responses" / "routing.yml"))),
        var_dir=Path(env.get("VAR_DIR", str(VAR_DIR))),
        console=(env.get("CONSOLE") or "0") not in ("0", "false", "no"),
        console_host=env.get("CONSOLE_HOST") or "127.0.0.1",
        console_port=int(env.get("CONSOLE_PORT") or "8700"),
    )
