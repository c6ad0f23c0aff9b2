"""``tf.logging``: TF1's logging functions, on the standard ``logging`` logger named "tensorflow".

Messages print as TF1 printed them, e.g. ``INFO:tensorflow:Restoring parameters from ...``; the
default verbosity is WARN, so ``tf.logging.set_verbosity(tf.logging.INFO)`` shows INFO messages.

Example:
  >>> tf.logging.set_verbosity(tf.logging.INFO)
  >>> tf.logging.info("step %d", 100)     # prints INFO:tensorflow:step 100 on stderr
"""
import logging as _logging
import sys as _sys
import threading as _threading

__all__ = []

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARN
WARNING = _logging.WARNING
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_logger = None
_lock = _threading.Lock()


def get_logger():
    """The "tensorflow" logger, given TF1's handler (stderr, ``LEVEL:tensorflow:message``) once."""
    global _logger
    if _logger is not None:
        return _logger
    with _lock:
        if _logger is None:
            logger = _logging.getLogger("tensorflow")
            if not _logging.getLogger().handlers and not logger.handlers:
                interactive = hasattr(_sys, "ps1") or bool(_sys.flags.interactive)
                if interactive:  # notebooks and shells: INFO on stdout, as TF1
                    logger.setLevel(INFO)
                handler = _logging.StreamHandler(_sys.stdout if interactive else _sys.stderr)
                handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT, None))
                logger.addHandler(handler)
            _logger = logger
    return _logger


def log(level, msg, *args, **kwargs):
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    get_logger().fatal(msg, *args, **kwargs)


_counts = {}


def _count(key):
    _counts[key] = _counts.get(key, 0) + 1
    return _counts[key] - 1


def log_every_n(level, msg, n, *args):
    """Logs ``msg`` on the 1st, (n+1)-th, (2n+1)-th ... call from the same place."""
    caller = _sys._getframe(1)
    if _count((caller.f_code.co_filename, caller.f_lineno)) % max(int(n), 1) == 0:
        log(level, msg, *args)


def log_first_n(level, msg, n, *args):
    """Logs ``msg`` the first ``n`` times it is called from the same place."""
    caller = _sys._getframe(1)
    if _count((caller.f_code.co_filename, caller.f_lineno)) < n:
        log(level, msg, *args)


def log_if(level, msg, condition, *args):
    if condition:
        log(level, msg, *args)


def vlog(level, msg, *args, **kwargs):
    get_logger().log(level, msg, *args, **kwargs)


def flush():
    for h in get_logger().handlers:
        h.flush()


def get_verbosity():
    """The effective level of the "tensorflow" logger (WARN = 30 by default)."""
    return get_logger().getEffectiveLevel()


def set_verbosity(v):
    """Shows messages at level ``v`` and above: ``tf.logging.set_verbosity(tf.logging.INFO)``."""
    get_logger().setLevel(v)


class TaskLevelStatusMessage:
    def __init__(self, msg):
        self._msg = msg

    def __enter__(self):
        info(self._msg)
        return self

    def __exit__(self, *exc):
        return False
