"""Where tipweek keeps its files, and the optional config file.

Every location can be moved with an environment variable, which is also how the tests
keep away from the real home directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from tipweek.errors import LibraryError

APP = "tipweek"
DEFAULT_SUBJECT = "Tip of the Week: {title}"
SECURITY = ("starttls", "ssl", "none")


class Paths(NamedTuple):
    config_file: Path
    data_dir: Path
    cache_dir: Path

    @property
    def user_library(self) -> Path:
        return self.data_dir / "tips"

    @property
    def send_log(self) -> Path:
        return self.data_dir / "sent.log"


def user_paths(env: Mapping[str, str] = os.environ) -> Paths:
    """The platform's config, data and cache locations, unless overridden by TIP_* variables."""

    def where(variable: str, kind: str) -> Path:
        if env.get(variable):
            return Path(env[variable])
        import platformdirs

        return Path(getattr(platformdirs, f"user_{kind}_path")(APP))

    return Paths(
        config_file=Path(env["TIP_CONFIG"]) if env.get("TIP_CONFIG") else where("", "config") / "config.toml",
        data_dir=where("TIP_DATA_DIR", "data"),
        cache_dir=where("TIP_CACHE_DIR", "cache"),
    )


class SmtpSettings(NamedTuple):
    host: str = "localhost"
    port: int = 0
    security: str = "starttls"
    username: str = ""
    password_env: str = ""
    timeout: float = 30.0

    @property
    def effective_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587}.get(self.security, 25)


class SiteSettings(NamedTuple):
    """`[site]`: where the static site is published (its address links chat posts to it)."""

    base_url: str = ""
    title: str = "Tip of the Week"
    description: str = "One short customer-service tip a week."


class ChannelSettings(NamedTuple):
    """`[channels.NAME]`: a chat channel's kind and the variable that holds its webhook URL."""

    name: str
    kind: str
    url_env: str
    deliver: bool = True  # part of `tip deliver`
    timeout: float = 10.0
    attempts: int = 3


class Config(NamedTuple):
    libraries: tuple[Path, ...] = ()
    bundled: bool = True
    subject: str = DEFAULT_SUBJECT
    sender: str = ""
    to: tuple[str, ...] = ()
    smtp: SmtpSettings = SmtpSettings()
    synonyms: tuple[Path, ...] = ()  # trainers' thesaurus files, added to the bundled one
    site: SiteSettings = SiteSettings()
    channels: tuple[ChannelSettings, ...] = ()


def _expect(value: object, kind: type | tuple[type, ...], where: str, path: Path) -> None:
    if not isinstance(value, kind):
        raise LibraryError(f"{path}: '{where}' has the wrong type ({type(value).__name__})")


def load_config(path: Path) -> Config:
    """Read the config file; a missing file means the defaults."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise LibraryError(f"cannot read config file {path}: {exc}") from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LibraryError(f"cannot read config file {path}: {exc}") from None
    libraries = data.get("libraries", [])
    _expect(libraries, list, "libraries", path)
    synonyms = data.get("synonyms", [])
    synonyms = [synonyms] if isinstance(synonyms, str) else synonyms
    _expect(synonyms, list, "synonyms", path)
    bundled = data.get("bundled", True)
    _expect(bundled, bool, "bundled", path)
    export = data.get("export", {})
    _expect(export, dict, "export", path)
    smtp = data.get("smtp", {})
    _expect(smtp, dict, "smtp", path)
    subject = export.get("subject", DEFAULT_SUBJECT)
    sender = export.get("from", "")
    to = export.get("to", [])
    for key, value, kind in (
        ("export.subject", subject, str),
        ("export.from", sender, str),
        ("export.to", to, list),
    ):
        _expect(value, kind, key, path)
    settings = _smtp(smtp, path)
    return Config(
        libraries=tuple(Path(str(p)).expanduser() for p in libraries),
        bundled=bundled,
        subject=subject,
        sender=sender,
        to=tuple(str(a) for a in to),
        smtp=settings,
        site=_site(data.get("site", {}), path),
        channels=_channels(data.get("channels", {}), path),
        synonyms=tuple(_beside(path, str(p)) for p in synonyms),
    )


def _smtp(smtp: dict[str, Any], path: Path) -> SmtpSettings:
    """The `[smtp]` table, checked; a password in the file itself is refused."""
    settings = SmtpSettings(
        host=smtp.get("host", "localhost"),
        port=smtp.get("port", 0),
        security=smtp.get("security", "starttls"),
        username=smtp.get("username", ""),
        password_env=smtp.get("password_env", ""),
        timeout=smtp.get("timeout", 30.0),
    )
    for key in ("host", "security", "username", "password_env"):
        _expect(getattr(settings, key), str, f"smtp.{key}", path)
    _expect(settings.port, int, "smtp.port", path)
    _expect(settings.timeout, (int, float), "smtp.timeout", path)
    if settings.security not in SECURITY:
        raise LibraryError(f"{path}: smtp.security must be one of {', '.join(SECURITY)}")
    if "password" in smtp:
        raise LibraryError(
            f"{path}: never store the SMTP password in the config; "
            "set smtp.password_env to the name of an environment variable"
        )
    return settings


def _beside(config_file: Path, value: str) -> Path:
    """A path from the config file: `~` expanded, relative paths from the config's folder."""
    found = Path(value).expanduser()
    return found if found.is_absolute() else config_file.parent / found


def _site(table: object, path: Path) -> SiteSettings:
    _expect(table, dict, "site", path)
    assert isinstance(table, dict)
    defaults = SiteSettings()
    values = {key: table.get(key, getattr(defaults, key)) for key in SiteSettings._fields}
    for key, value in values.items():
        _expect(value, str, f"site.{key}", path)
    return SiteSettings(**values)


def _channel(name: str, table: object, path: Path) -> ChannelSettings:
    from tipweek.channels import KINDS

    where = f"channels.{name}"
    _expect(table, dict, where, path)
    assert isinstance(table, dict)
    if "url" in table:
        raise LibraryError(
            f"{path}: never store a webhook URL in the config (it lets anyone post); "
            f"set {where}.url_env to the name of an environment variable that holds it"
        )
    unknown = sorted(set(table) - {"kind", "url_env", "deliver", "timeout", "attempts"})
    if unknown:
        raise LibraryError(f"{path}: unknown key '{where}.{unknown[0]}'")
    kind, url_env = table.get("kind", ""), table.get("url_env", "")
    if kind not in KINDS:
        raise LibraryError(f"{path}: {where}.kind must be one of {', '.join(KINDS)}")
    _expect(url_env, str, f"{where}.url_env", path)
    if not url_env:
        raise LibraryError(f"{path}: {where}.url_env must name the environment variable with the webhook URL")
    settings = ChannelSettings(
        name, kind, url_env, table.get("deliver", True), table.get("timeout", 10.0), table.get("attempts", 3)
    )
    _expect(settings.deliver, bool, f"{where}.deliver", path)
    _expect(settings.timeout, (int, float), f"{where}.timeout", path)
    _expect(settings.attempts, int, f"{where}.attempts", path)
    if not 0 < settings.timeout <= 300 or not 1 <= settings.attempts <= 10:
        raise LibraryError(f"{path}: {where}: timeout must be 0-300 seconds and attempts 1-10")
    return settings


def _channels(table: object, path: Path) -> tuple[ChannelSettings, ...]:
    _expect(table, dict, "channels", path)
    assert isinstance(table, dict)
    return tuple(_channel(str(name), value, path) for name, value in table.items())
