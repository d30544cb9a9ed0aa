"""The errors the library raises; the CLI turns each into one stderr line and an exit code."""

from __future__ import annotations


class TipError(Exception):
    """Base class: anything the user can be told about in one line."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class BadInput(TipError):
    """The user asked for something malformed: a bad date, category, query or option."""


class NotFound(TipError):
    """The request was well-formed but nothing matches it."""


class LibraryError(TipError):
    """A library (or a file in it) cannot be read or written."""


class TipFileError(LibraryError):
    """One tip file is malformed; carries the file and line for `tip check`."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.problem = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class SendError(TipError):
    """Mail could not be sent (connection, login or recipient refused)."""
