"""Helpers for cog, which writes the README's sample output and command reference."""

from __future__ import annotations

import os

from typer.testing import CliRunner

ENV = {
    "COLUMNS": "80",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "TIP_TODAY": "2026-11-25",
    "TIP_LIBRARY": "",
    "TIP_NO_BUNDLED": "",
}


def tip(*args: str) -> str:
    """What `tip ARGS` prints, run in-process with a pinned clock and width."""
    import tempfile

    from tipweek.cli import load

    app = load()

    home = tempfile.mkdtemp(prefix="tip-cog-")
    env = {
        **ENV,
        "TIP_CACHE_DIR": f"{home}/cache",
        "TIP_DATA_DIR": f"{home}/data",
        "TIP_CONFIG": f"{home}/config.toml",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return "\n".join(line.rstrip() for line in result.stdout.splitlines()).strip("\n")


def commands() -> list[str]:
    """Every command, and each subcommand of a group after it (`site`, `site build`)."""
    import typer.main

    from tipweek.cli import load

    app = load()
    names: list[str] = []
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        names.append(name)
        names.extend(f"{name} {sub}" for sub in getattr(command, "commands", {}))
    return names


def payload_sketch(kind: str, width: int = 70) -> str:
    """`tip post week --kind KIND --dry-run` with long strings shortened, for the README."""
    import json

    def shorten(value: object) -> object:
        if isinstance(value, str):
            return value if len(value) <= width else value[: width - 1] + "…"
        if isinstance(value, list):
            kept = [shorten(v) for v in value[:6]]
            return kept + ([f"… {len(value) - 6} more"] if len(value) > 6 else [])
        if isinstance(value, dict):
            return {k: shorten(v) for k, v in value.items()}
        return value

    data = json.loads(tip("post", "week", "--kind", kind, "--dry-run"))
    return json.dumps(shorten(data), ensure_ascii=False, indent=2)


def settings_table() -> str:
    """The config file's keys as a Markdown table, from the one schema."""
    import tomli_w

    from tipweek.config import SCHEMA

    rows = ["| Key | Allowed | Default |", "|---|---|---|"]
    for key, setting in SCHEMA.items():
        default = setting.default
        value = list(default) if isinstance(default, tuple) else default
        if key == "smtp.port":
            shown = "by security"
        elif setting.required:
            shown = "required"
        else:
            shown = tomli_w.dumps({"v": value})[4:].strip()
        rows.append(f"| `{key}` | {setting.said().replace('|', '/')} | `{shown}` |")
    return "\n".join(rows)
