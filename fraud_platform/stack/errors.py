"""Errors the stack reports to users as one clear line (never a traceback)."""


class StackError(Exception):
    """A problem the user can fix; the message says what is wrong and what to do."""


class PrerequisiteError(StackError):
    """A tool the stack needs (Java, Maven, Go, PostgreSQL) is missing."""


class PortInUseError(StackError):
    """A port a service needs is taken by a process the stack did not start."""


class ServiceFailedError(StackError):
    """A service exited or did not become healthy in time."""
