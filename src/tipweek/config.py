"""Where tipweek keeps its files, and the optional config file with its one schema.

Every location can be moved with an environment variable, which is also how the tests
keep away from the real home directory.

The config file is checked against `SCHEMA` when it is loaded: every key the file may hold,
its type and range, its default, and the allowed values said in words. A config that breaks
the schema stops every command with one line naming the file, the key and what is allowed
(`tip check` lists every such problem). Adding a setting is one line in `SCHEMA`; read it
with `config.get("table.key")`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from tipweek.errors import LibraryError

APP = "tipweek"
DEFAULT_SUBJECT = "Tip of the Week: {title}"
SECURITY = ("starttls", "ssl", "none")
MAX_CONFIG_BYTES = 1_000_000


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

    @property
    def hidden_list(self) -> Path:
        """The ids `tip hide` retired (see `tipweek.curation`)."""
        return self.data_dir / "hidden.toml"


def path_origins(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Where each of `Paths` comes from: the TIP_* variable that moved it, or the platform."""
    named = {"config_file": "TIP_CONFIG", "data_dir": "TIP_DATA_DIR", "cache_dir": "TIP_CACHE_DIR"}
    return {field: variable if env.get(variable) else "platform default" for field, variable in named.items()}


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


# --- value checks: each takes the TOML value and returns the setting, or raises ValueError ----

Check = Callable[[Any], Any]


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError
    return value


def text(limit: int = 1000, *, blank: bool = True) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or len(value) > limit or "\x00" in value:
            raise ValueError
        if not blank and not value.strip():
            raise ValueError
        return value

    return check


def number(low: float, high: float) -> Check:
    """A real number (an integer or a float, never a boolean, inf or nan) in [low, high]."""

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError
        return float(value)

    return check


def integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError
        return value

    return check


def choice(*options: str) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError
        return str(value)

    return check


def strings(limit: int = 1000) -> Check:
    one = text(limit, blank=False)

    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise ValueError
        return tuple(one(v) for v in value)

    return check


def mapping(key: Check, item: Check) -> Check:
    """A table of names to values, such as an alias map."""

    def check(value: Any) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise ValueError
        return {key(k): item(v) for k, v in value.items()}

    return check


_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def host(value: Any) -> str:
    """A host name (letters, digits, hyphens; dot-separated labels of at most 63 characters;
    253 in all), an IPv4 address or an IPv6 address (brackets allowed)."""
    import ipaddress

    if not isinstance(value, str) or not value or len(value) > 253:
        raise ValueError
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        ipaddress.ip_address(bare)
        return bare
    except ValueError:
        pass
    labels = value.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise ValueError
    return value


def env_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,99}", value):
        raise ValueError
    return value


def folders(value: Any) -> tuple[str, ...]:
    """Folder paths, as written: checked (a string, no NUL, a `~user` that exists) here and
    made absolute against the config file's folder by `Config.libraries`."""
    if not isinstance(value, list):
        raise ValueError
    found = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or "\x00" in item or len(item) > 4096:
            raise ValueError
        try:
            Path(item).expanduser()
        except RuntimeError:  # `~nosuchuser/x`, or no home folder at all
            raise ValueError from None
        found.append(item)
    return tuple(found)


def files(value: Any) -> tuple[str, ...]:
    """One file path or a list of them (checked as `folders` are)."""
    return folders([value] if isinstance(value, str) else value)


def channel_kind(value: Any) -> str:
    from tipweek.channels import KINDS  # names only: importing the registry is cheap

    return str(choice(*KINDS)(value))


def _channel_kinds() -> str:
    from tipweek.channels import KINDS

    return "one of " + ", ".join(KINDS)


class Setting(NamedTuple):
    default: Any
    check: Check
    allowed: str | Callable[[], str]  # what the file may say, in words, for the error message
    required: bool = False  # in a table of a `*` pattern: the table must have it

    def said(self) -> str:
        return self.allowed() if callable(self.allowed) else self.allowed


#: Every key the config file may hold, as `table.key` (top-level keys have no dot); `*` in a
#: key stands for any name (`[channels.front-desk]`).
SCHEMA: dict[str, Setting] = {
    "libraries": Setting((), folders, 'a list of folder paths, such as ["~/team-tips"]'),
    "synonyms": Setting((), files, "a thesaurus file path or a list of them"),
    "bundled": Setting(True, boolean, "true or false"),
    "export.subject": Setting(DEFAULT_SUBJECT, text(500), "text of at most 500 characters"),
    "export.from": Setting("", text(500), "an email address"),
    "export.to": Setting((), strings(500), "a list of email addresses"),
    "smtp.host": Setting("localhost", host, "a host name or IP address of at most 253 characters"),
    "smtp.port": Setting(0, integer(1, 65535), "a whole number from 1 to 65535"),
    "smtp.security": Setting("starttls", choice(*SECURITY), ", ".join(SECURITY)),
    "smtp.username": Setting("", text(500), "text"),
    "smtp.password_env": Setting("", env_name, "the name of an environment variable"),
    "smtp.timeout": Setting(30.0, number(1, 300), "a number of seconds from 1 to 300"),
    "site.base_url": Setting("", text(2000), "text"),
    "site.title": Setting("Tip of the Week", text(500), "text"),
    "site.description": Setting("One short customer-service tip a week.", text(2000), "text"),
    "index.lock_wait": Setting(1.0, number(0, 60), "a number of seconds from 0 to 60"),
    "categories.aliases": Setting(
        {},
        mapping(text(200, blank=False), text(200, blank=False)),
        'a table of category names to the names shown, such as { "Sports" = "Sports & Events" }',
    ),
    "channels.*.kind": Setting("", channel_kind, _channel_kinds, required=True),
    "channels.*.url_env": Setting(
        "", env_name, "the name of the environment variable that holds the webhook URL", required=True
    ),
    "channels.*.deliver": Setting(True, boolean, "true or false"),
    "channels.*.timeout": Setting(10.0, number(1, 300), "a number of seconds from 1 to 300"),
    "channels.*.attempts": Setting(3, integer(1, 10), "a whole number from 1 to 10"),
}
#: Keys refused with a reason of their own rather than "unknown key" (`{table}` is filled in).
FORBIDDEN = {
    "smtp.password": "never store the SMTP password in the config; "
    "set smtp.password_env to the name of an environment variable",
    "channels.*.url": "never store a webhook URL in the config (it lets anyone post); "
    "set {table}.url_env to the name of an environment variable that holds it",
}


DEFAULTS: Mapping[str, Any] = {key: setting.default for key, setting in SCHEMA.items() if "*" not in key}


def _matches(pattern: str, key: str) -> bool:
    wanted, parts = pattern.split("."), key.split(".")
    return len(wanted) == len(parts) and all(w in ("*", p) for w, p in zip(wanted, parts, strict=True))


def _pattern(key: str, table: Mapping[str, Any]) -> str | None:
    """The entry of `table` (SCHEMA or FORBIDDEN) that `key` falls under, if any."""
    if key in table:
        return key
    return next((p for p in table if "*" in p and _matches(p, key)), None)


class ConfigProblem(NamedTuple):
    key: str
    message: str
    severity: str = "error"  # "warning": an unknown key or table, which is left out


def _is_table(key: str) -> bool:
    depth = key.count(".") + 1
    return any(_matches(".".join(p.split(".")[:depth]), key) for p in SCHEMA if p.count(".") >= depth)


def _tables() -> list[str]:
    """The tables the file may have: `export`, `smtp`, … and `channels`."""
    return list(dict.fromkeys(k.split(".")[0] for k in SCHEMA if "." in k))


def _close_table(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, _tables(), n=1, cutoff=0.5)
    if close:
        return f"did you mean [{close[0]}]?"
    return "known tables: " + ", ".join(f"[{t}]" for t in _tables())


def _close_keys(key: str) -> str:
    import difflib

    table = key.rpartition(".")[0]
    siblings = [k for k in SCHEMA if _matches(k.rpartition(".")[0], table) or k.rpartition(".")[0] == table]
    leaves = [k.rpartition(".")[2] for k in siblings]
    close = difflib.get_close_matches(key.rpartition(".")[2], leaves, n=1, cutoff=0.6)
    if close:
        return f"did you mean {table + '.' if table else ''}{close[0]}?"
    where = f"[{table}]" if table else "the top level"
    return f"known keys in {where}: " + ", ".join(leaves)


def _check(key: str, setting: Setting, value: Any) -> tuple[Any, ConfigProblem | None]:
    try:
        return setting.check(value), None
    except (ValueError, TypeError):
        # Never echo what may be a secret put in the wrong place.
        shown = "" if key.endswith(("_env", "password")) else f", not {_shown(value)}"
        return None, ConfigProblem(key, f"must be {setting.said()}{shown}")


def _required(prefix: str, values: Mapping[str, Any]) -> list[ConfigProblem]:
    """Keys a `*` table must have, missing from the table at `prefix` (`channels.team.`)."""
    return [
        ConfigProblem(f"{prefix}{leaf}", f"is required: {setting.said()}")
        for pattern, setting in SCHEMA.items()
        if setting.required
        and _matches(pattern.rpartition(".")[0], prefix[:-1])
        and f"{prefix}{(leaf := pattern.rpartition('.')[2])}" not in values
    ]


def validate(data: Mapping[str, Any], prefix: str = "") -> tuple[dict[str, Any], list[ConfigProblem]]:
    """Every schema key's value (the default where the file has none) and every problem."""
    values: dict[str, Any] = {} if prefix else dict(DEFAULTS)
    problems: list[ConfigProblem] = []
    for name, value in data.items():
        key = f"{prefix}{name}"
        forbidden, known = _pattern(key, FORBIDDEN), _pattern(key, SCHEMA)
        if forbidden is not None:
            problems.append(ConfigProblem(key, FORBIDDEN[forbidden].format(table=key.rpartition(".")[0])))
        elif known is not None:
            checked, problem = _check(key, SCHEMA[known], value)
            if problem is None:
                values[key] = checked
            else:
                problems.append(problem)
        elif _is_table(key):
            if not isinstance(value, dict):
                problems.append(ConfigProblem(key, f"must be a table ([{key}]), not {_shown(value)}"))
                continue
            inner, found = validate(value, f"{key}.")
            values.update(inner)
            problems += found or _required(f"{key}.", inner)
        elif isinstance(value, dict) and "." not in key:
            problems.append(ConfigProblem(key, f"unknown table, left out ({_close_table(key)})", "warning"))
        else:
            problems.append(ConfigProblem(key, f"unknown key, left out ({_close_keys(key)})", "warning"))
    return values, problems


def _shown(value: Any) -> str:
    from tipweek.text import shown

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{shown(value, 40)}"' if value else "an empty string"
    if isinstance(value, (int, float)):
        return shown(repr(value), 40)
    kinds: dict[type, str] = {dict: "a table", list: "a list"}
    return kinds.get(type(value), type(value).__name__)


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


def _table(values: Mapping[str, Any], name: str) -> dict[str, Any]:
    return {k.partition(".")[2]: v for k, v in values.items() if k.startswith(f"{name}.")}


class Config(NamedTuple):
    """The validated config: `values` holds every schema key; the fields are typed views."""

    values: Mapping[str, Any] = DEFAULTS
    path: Path | None = None
    given: frozenset[str] = frozenset()  # the keys the file itself sets (the rest are defaults)

    def get(self, key: str) -> Any:
        """A setting by its `table.key` name (a key missing from `SCHEMA` is a bug: KeyError)."""
        if key in self.values:
            return self.values[key]
        pattern = _pattern(key, SCHEMA)
        if pattern is None:
            raise KeyError(key)
        return SCHEMA[pattern].default

    def _beside(self, value: str) -> Path:
        """A path from the config file: `~` expanded, relative paths from the config's folder."""
        base = self.path.parent if self.path else Path()
        return base / Path(value).expanduser()

    @property
    def synonyms(self) -> tuple[Path, ...]:
        """Trainers' thesaurus files, added to the bundled one."""
        return tuple(self._beside(p) for p in self.get("synonyms"))

    @property
    def channels(self) -> tuple[ChannelSettings, ...]:
        """Every `[channels.NAME]` table, in the order the file gives them."""
        names = dict.fromkeys(k.split(".")[1] for k in self.values if k.startswith("channels."))
        return tuple(
            ChannelSettings(
                name,
                **{field: self.get(f"channels.{name}.{field}") for field in ChannelSettings._fields[1:]},
            )
            for name in names
        )

    @property
    def libraries(self) -> tuple[Path, ...]:
        """Configured library folders; relative ones are relative to the config file's folder."""
        return tuple(self._beside(p) for p in self.get("libraries"))

    @property
    def bundled(self) -> bool:
        return bool(self.get("bundled"))

    @property
    def subject(self) -> str:
        return str(self.get("export.subject"))

    @property
    def sender(self) -> str:
        return str(self.get("export.from"))

    @property
    def to(self) -> tuple[str, ...]:
        return tuple(self.get("export.to"))

    @property
    def smtp(self) -> SmtpSettings:
        return SmtpSettings(**{**SmtpSettings()._asdict(), **_table(self.values, "smtp")})

    @property
    def site(self) -> SiteSettings:
        return SiteSettings(**_table(self.values, "site"))

    @property
    def aliases(self) -> tuple[tuple[str, str], ...]:
        """`[categories] aliases`: (spelling, the category name shown), in the file's order."""
        return tuple(self.get("categories.aliases").items())


#: Keys that name an environment variable holding a secret: `tip config show` says whether it
#: is set, never what it holds.
SECRET_VARIABLES = ("smtp.password_env", "channels.*.url_env")


class Effective(NamedTuple):
    """A setting as `tip config show` lists it: its value and where that value comes from."""

    key: str
    value: Any
    origin: str  # "config file" or "default"
    secret_env: str = ""  # for a key that names a secret's variable: that variable


def effective(config: Config) -> list[Effective]:
    """Every setting in schema order, then each `[channels.NAME]` table's, with its origin."""
    keys = [k for k in SCHEMA if "*" not in k]
    for name in (c.name for c in config.channels):
        keys += [k.replace("*", name) for k in SCHEMA if k.startswith("channels.*.")]
    found = []
    for key in keys:
        value = config.get(key)
        secret = str(value) if value and _pattern(key, dict.fromkeys(SECRET_VARIABLES)) else ""
        found.append(Effective(key, value, "config file" if key in config.given else "default", secret))
    return found


class ConfigError(LibraryError):
    """The config file breaks the schema (or cannot be read): one line naming file and key."""


def read_config(path: Path) -> tuple[Config, list[ConfigProblem]]:
    """The config and every problem in it (`tip check` lists them all); a missing file means
    the defaults. A file that cannot be read or parsed is one problem with key ''."""
    from tipweek.fsutil import NotRegularFile, read_limited

    try:
        data = read_limited(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return Config(), []
    except NotRegularFile as exc:
        return Config(), [ConfigProblem("", f"cannot read: {exc}")]
    except OSError as exc:
        return Config(), [ConfigProblem("", f"cannot read: {exc.strerror or exc}")]
    import tomllib

    from tipweek.text import NotText, decode_text

    try:
        parsed = tomllib.loads(decode_text(data))
    except NotText as exc:
        return Config(), [ConfigProblem("", f"line {exc.line}: {exc}" if exc.line else str(exc))]
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        return Config(), [ConfigProblem("", f"invalid TOML: {exc}")]
    values, problems = validate(parsed)
    given = frozenset(k for k in _flat_keys(parsed) if k in values)
    return Config(values, path, given), problems


def _flat_keys(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every `table.key` a parsed file sets."""
    keys = []
    for name, value in data.items():
        key = f"{prefix}{name}"
        keys += _flat_keys(value, f"{key}.") if isinstance(value, dict) else [key]
    return keys


def describe(path: Path, problem: ConfigProblem) -> str:
    return f"{path}: {problem.key}: {problem.message}" if problem.key else f"{path}: {problem.message}"


def config_error(path: Path, problems: list[ConfigProblem]) -> ConfigError:
    """The one line every command prints for a config that breaks the schema."""
    errors = [p for p in problems if p.severity == "error"]
    more = f"`tip check` lists all {len(errors)} problems" if len(errors) > 1 else ""
    return ConfigError(describe(path, errors[0]), hint=more)


def load_config(path: Path) -> Config:
    """Read and check the config file; the first error is a `ConfigError` (unknown keys and
    tables are only left out: the CLI warns about them)."""
    config, problems = read_config(path)
    if any(p.severity == "error" for p in problems):
        raise config_error(path, problems)
    return config
