"""The native extension (native/fraud_fastpath, Rust), when it is installed and current.

The crate exports API_VERSION, raised whenever what the Python side calls of it changes. A build
from another checkout (an older `make install`) is then not used: the validator and the lander run
their Python paths, with a warning, instead of failing on a missing method.
"""

from __future__ import annotations

from types import ModuleType

API_VERSION = 4  # native/fraud_fastpath/src/lib.rs: the API this checkout calls

try:
    import fraud_fastpath
except ImportError:  # built by `make install` when cargo is present
    fraud_fastpath = None


def unusable_reason(module: ModuleType | None) -> str | None:
    """Why `module` (fraud_fastpath, or None when absent) cannot be used, or None when it can."""
    if module is None:
        return "not installed (make install builds it with cargo)"
    built = getattr(module, "API_VERSION", None)
    if built != API_VERSION:
        return f"out of date (API {built}, this checkout calls {API_VERSION}; make install rebuilds it)"
    return None
