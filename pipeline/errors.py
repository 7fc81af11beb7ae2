"""Exception tree. Every error a user can cause derives from :class:`ClaimsError`.

The CLI turns a ``ClaimsError`` into one ``Error: ...`` line and exit code 1. Messages
say what happened and what to do next. Every error survives a ``pickle`` round trip (a
worker process, or a Dask worker, raises it in the client).
"""

from __future__ import annotations

from typing import Any


class ClaimsError(Exception):
    """Root of all errors the user can act on."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class, its ``args`` and its attributes: the subclasses' constructors
        take other arguments than ``args`` (the default pickling calls ``cls(*args)``)."""
        return (_rebuilt, (type(self), self.args), self.__dict__)


def _rebuilt(cls: type[ClaimsError], args: tuple[object, ...]) -> ClaimsError:
    """An error of ``cls`` with these ``args``, without calling its ``__init__`` (pickle then
    restores its attributes)."""
    error = cls.__new__(cls)
    error.args = args
    return error


class InputError(ClaimsError, ValueError):
    """A corpus path, article or option value the pipeline cannot use."""


class ArticleError(InputError):
    """One article cannot be read; the run skips it and goes on."""

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint=hint)
        self.path = path
        self.reason = reason

    @property
    def detail(self) -> str:
        """The reason with its hint, without the path: what a skip list shows next to it."""
        return f"{self.reason} ({self.hint})" if self.hint else self.reason


class RulesError(ClaimsError, ValueError):
    """A rules file is missing, malformed or refers to something that does not exist."""

    def __init__(self, file: str, message: str, *, key: str | None = None,
                 hint: str | None = None) -> None:
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(where + message, hint=hint)
        self.file = file
        self.key = key


class ModelError(ClaimsError, RuntimeError):
    """The spaCy model cannot be loaded."""


class OutputError(ClaimsError, OSError):
    """The output folder cannot be written or is locked by another run."""
