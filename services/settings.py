"""One settings object per process, read from `TOEGANG_` environment variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services import setting_checks as checks

Scope = Literal["admin", "grants:write", "access:read", "users:write", "audit:read"]
ALL_SCOPES: tuple[str, ...] = checks.SCOPES


class Settings(BaseSettings):
    """Everything a toegang process can be told; nothing here connects anywhere."""

    model_config = SettingsConfigDict(env_prefix="TOEGANG_", extra="ignore")

    data_dir: Path = Field(Path("./var"), description="SQLite store, outbox and keys")
    database_url: str | None = Field(
        None, description="`sqlite:///path` or `postgresql://user:pw@host:port/db`"
    )
    api_tokens: Annotated[dict[str, list[Scope]] | None, NoDecode] = Field(
        None, description="JSON object: token -> list of scopes"
    )
    public_url: str = Field("http://127.0.0.1:8000", description="where this service is reached")
    confirm_url: str = Field(
        "{public_url}/confirm?token={token}", description="confirmation link template"
    )
    confirm_ttl: timedelta = Field(timedelta(days=7), description="how long a link is valid")
    grant_reminder_days: int = Field(
        14, ge=0, le=366, description="days before a grant's valid_until its grantor is reminded"
    )
    locale: Literal["nl", "en", "fr"] = Field("nl", description="default language")
    log_format: Literal["json", "text"] = Field(
        "json", description="log lines: json (one object per line) or text"
    )
    mail_from: str = Field("toegang <no-reply@toegang.localhost>", description="From header")
    token_key: str | None = Field(
        None, description="hex key (>= 32 bytes) that derives confirmation tokens"
    )
    min_position_wait: float = Field(
        2.0, ge=0, le=60, description="seconds a query waits for its min_position"
    )
    changes_max_wait: float = Field(
        30.0, ge=0, le=30, description="longest long-poll of the access-change feed (seconds)"
    )
    ready_max_lag: int = Field(1000, ge=0, description="events a view may lag before /readyz fails")
    ready_stall_after: float = Field(
        30.0, gt=0, le=3600, description="seconds a processor may make no progress while behind"
    )
    retry_backoff_max: float = Field(
        2.0, gt=0, le=60, description="longest wait before a failed processor reconnects"
    )
    projection_batch_size: int = Field(
        1000, ge=1, le=100_000, description="events a projection applies per transaction"
    )
    sweep_interval: float = Field(
        60.0, gt=0, description="seconds between sweeps that record due expiries"
    )
    audit_verify_interval: float = Field(
        3600.0, gt=0, description="seconds between background checks of the log's hash chain"
    )
    kafka_bootstrap: str | None = Field(
        None, description="host:port of the Kafka brokers; unset: no relay, mail from the log"
    )
    kafka_topic_prefix: str = Field("", description="prefix of the three topic names")
    kafka_group: str = Field("toegang-notifier", description="the notifiers' consumer group")
    relay_batch_size: int = Field(500, ge=1, le=10_000, description="events per relay batch")
    kafka_partitions: int = Field(3, ge=1, le=1000, description="partitions of new topics")
    smtp_url: str | None = Field(
        None, description="smtp://[user:pw@]host:port[?starttls=1] or smtps://…; unset: outbox"
    )
    mail_reply_to: str | None = Field(None, description="Reply-To header of mail")
    notify_max_attempts: int = Field(6, ge=1, le=20, description="delivery attempts per mail")
    notify_backoff: float = Field(
        1.0, gt=0, le=60, description="seconds before the 2nd attempt; doubles each time"
    )
    postgres_pool_size: int = Field(10, ge=1, le=200, description="connections per process")
    decision_log: str = Field(
        "off", description="checks to log: off, all, denied or a fraction 0..1 of them"
    )
    decision_log_sink: Literal["file", "kafka"] = Field(
        "file", description="where decisions go: a JSON-lines file or toegang.decisions.v1"
    )
    decision_log_file: Path | None = Field(None, description="default <data_dir>/decisions.jsonl")
    decision_log_queue: int = Field(
        10_000, ge=1, le=1_000_000, description="decisions waiting to be written; more are dropped"
    )
    decision_key: str | None = Field(
        None, description="hex key (>= 32 bytes) of the decision log's subject pseudonyms"
    )

    _seconds = field_validator(
        "min_position_wait",
        "changes_max_wait",
        "ready_stall_after",
        "retry_backoff_max",
        "sweep_interval",
        "audit_verify_interval",
        "notify_backoff",
        mode="before",
    )(checks.seconds)
    _duration = field_validator("confirm_ttl", mode="before")(checks.duration)
    _tokens = field_validator("api_tokens", mode="before")(checks.api_tokens)
    _prefix = field_validator("kafka_topic_prefix")(checks.topic_prefix)
    _bootstrap = field_validator("kafka_bootstrap")(checks.bootstrap)

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, url: str | None) -> str | None:
        if url is not None and urlsplit(url).scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return url

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, url: str | None) -> str | None:
        if url is not None:
            checks.url(url, ("smtp", "smtps"), "smtp://host:25 or smtps://host:465")
        return url

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return checks.url(url, ("http", "https"), "https://toegang.example.nl")

    _template = field_validator("confirm_url")(checks.confirm_template)
    _log_choice = field_validator("decision_log")(checks.decision_log)

    @field_validator("decision_log_sink")
    @classmethod
    def _sink_reachable(cls, sink: str, info: ValidationInfo) -> str:
        if sink == "kafka" and not info.data.get("kafka_bootstrap"):
            raise ValueError("kafka needs TOEGANG_KAFKA_BOOTSTRAP")
        return sink

    _long_hex = field_validator("token_key", "decision_key")(checks.long_hex)

    @property
    def sqlite_path(self) -> Path:
        """Where the embedded SQLite store lives."""
        if self.database_url and urlsplit(self.database_url).scheme == "sqlite":
            return Path(urlsplit(self.database_url).path.removeprefix("/") or "toegang.sqlite")
        return self.data_dir / "toegang.sqlite"

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url) and not self.database_url.startswith("sqlite")  # type: ignore[union-attr]

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def decision_log_path(self) -> Path:
        """Where the file sink appends decisions."""
        return self.decision_log_file or self.data_dir / "decisions.jsonl"

    def confirm_link(self, token: str) -> str:
        """The link mailed for a confirmation token."""
        return self.confirm_url.format(public_url=self.public_url.rstrip("/"), token=token)


class SettingsError(Exception):
    """Settings that cannot start a process: one line fit for an operator per bad variable."""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(str(arg) for arg in self.args)

    def __str__(self) -> str:
        return "; ".join(self.lines)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; validation errors become a SettingsError whose `lines` name one
    variable each (`TOEGANG_CONFIRM_TTL: ...`)."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(*checks.problem_lines(error)) from None
