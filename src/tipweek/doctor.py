"""`tip doctor`: is this setup sound? Each check says what it found and, for a problem, the fix.

The checks only look (the SMTP server is contacted only when asked): the config file, the
libraries and their tip files, the index, the sent log, the SMTP settings and the chat
channels' variables. Nothing here prints; the CLI lays the findings out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tipweek.config import Config, ConfigProblem, Paths
    from tipweek.library import LibrarySource

OK, WARNING, PROBLEM = "ok", "warning", "problem"


class Finding(NamedTuple):
    area: str  # config, libraries, index, sent log, smtp, channels
    status: str  # OK, WARNING or PROBLEM
    message: str
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        return self._asdict()


class Setup(NamedTuple):
    """What the checks look at, as the CLI resolved it."""

    paths: Paths
    config: Config
    problems: Sequence[ConfigProblem]
    sources: Sequence[LibrarySource]
    origins: Mapping[str, str]  # library path -> where it was listed (config file, TIP_LIBRARY…)
    env: Mapping[str, str]


def config_findings(setup: Setup) -> list[Finding]:
    path = setup.paths.config_file
    if not setup.problems:
        if not path.exists():
            return [Finding("config", OK, f"no config file at {path}: the defaults apply")]
        return [Finding("config", OK, f"{path}: {len(setup.config.given)} setting(s), all known and valid")]
    found = []
    for problem in setup.problems:
        where = f"{problem.key}: {problem.message}" if problem.key else problem.message
        status = WARNING if problem.severity == "warning" else PROBLEM
        found.append(Finding("config", status, f"{path}: {where}", "tip config edit"))
    return found


def library_findings(setup: Setup, tip_errors: int) -> list[Finding]:
    found = []
    for source in setup.sources:
        if source.path.is_dir():
            continue
        if source.name == "user":
            message = f"your own library {source.path} is not created yet"
            found.append(Finding("libraries", OK, message, "tip add or tip import creates it"))
            continue
        where = setup.origins.get(str(source.path), "")
        message = f"library folder not found: {source.path}" + (f" (from {where})" if where else "")
        fix = f"create it, or remove it from {where or 'the libraries you list'}"
        found.append(Finding("libraries", PROBLEM, message, fix))
    readable = sum(s.path.is_dir() for s in setup.sources)
    found.append(Finding("libraries", OK, f"{readable} librar{'y' if readable == 1 else 'ies'} read"))
    if tip_errors:
        message, fix = (
            f"{tip_errors} tip file(s) cannot be read",
            "tip check lists each as file:line: message",
        )
        found.append(Finding("libraries", PROBLEM, message, fix))
    return found


def index_findings(index_file: Path, in_memory: bool, tips: int) -> list[Finding]:
    if in_memory:
        message = f"the index cannot be kept in {index_file.parent}: every command reads every file"
        return [
            Finding("index", PROBLEM, message, "make it writable, or set TIP_CACHE_DIR to a folder that is")
        ]
    return [Finding("index", OK, f"{index_file}: {tips} tips")]


def sent_log_findings(log: Path) -> list[Finding]:
    from tipweek.errors import LibraryError
    from tipweek.sentlog import read_log

    try:
        records = read_log(log)
    except LibraryError as exc:
        return [Finding("sent log", PROBLEM, exc.message, f"check the permissions of {log}")]
    folder = next((p for p in (log, *log.parents) if p.exists()), log.parent)
    if not os.access(folder, os.W_OK):
        return [Finding("sent log", PROBLEM, f"{log} cannot be written", f"make {folder} writable")]
    if not records:
        return [Finding("sent log", OK, f"{log}: nothing delivered yet")]
    return [Finding("sent log", OK, f"{log}: {len(records)} deliveries")]


def smtp_findings(setup: Setup, probe: Callable[[], str] | None) -> list[Finding]:
    """The [smtp] settings, and with `probe` (tip doctor --smtp) a real connection."""
    from tipweek.errors import TipError
    from tipweek.mail import describe_server

    settings = setup.config.smtp
    where = describe_server(settings, setup.env)
    found = []
    if "smtp.host" not in setup.config.given and setup.config.to:
        message = f"[export] to is set but [smtp] has no host: tip send would use {where}"
        found.append(Finding("smtp", WARNING, message, "set [smtp] host (tip config edit)"))
    if settings.username and not settings.password_env:
        message = f"smtp.username is {settings.username} but smtp.password_env is not set"
        found.append(Finding("smtp", PROBLEM, message, "name the variable that holds the password"))
    elif settings.username and not setup.env.get(settings.password_env):
        message = f"${settings.password_env} (the SMTP password) is not set"
        fix = f"export {settings.password_env}=… where tip runs (a shell, cron or a service)"
        found.append(Finding("smtp", PROBLEM, message, fix))
    if probe is None:
        found.append(Finding("smtp", OK, where, "" if found else "tip doctor --smtp tries a connection"))
        return found
    try:
        found.append(Finding("smtp", OK, probe()))
    except TipError as exc:
        hint = exc.hint.replace("in the config", f"in {setup.paths.config_file}")
        found.append(Finding("smtp", PROBLEM, exc.message, hint or "check [smtp] (tip config edit)"))
    return found


def channel_findings(setup: Setup) -> list[Finding]:
    found = []
    for channel in setup.config.channels:
        what = f"{channel.name} ({channel.kind}): ${channel.url_env}"
        if setup.env.get(channel.url_env):
            found.append(Finding("channels", OK, f"{what} is set"))
        else:
            fix = f"export {channel.url_env}=<the webhook URL> where tip runs"
            found.append(Finding("channels", PROBLEM, f"{what} is not set", fix))
    return found
