"""Keep key material and client text out of core dumps: no core file, and not dumpable or traceable.

Called first thing by the command line (which the desktop app also starts through). Linux only; elsewhere,
or if the C library refuses, it does nothing and says so in the log (never a reason not to start).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import resource

PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4
log = logging.getLogger(__name__)


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def no_core_dumps() -> None:
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        log.warning("could not set the core-dump size limit to 0")
    try:
        if _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
            log.warning("prctl(PR_SET_DUMPABLE, 0) failed")
    except (OSError, AttributeError):
        log.warning("prctl is not available here")


def dumpable() -> bool:
    return _libc().prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1
