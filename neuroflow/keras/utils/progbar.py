"""``Progbar``: Keras's progress bar, line for line.

verbose=1 draws::

    1875/1875 [==============================] - 6s 3ms/step - loss: 0.9325 - acc: 0.7837

on a terminal (or in Jupyter) it redraws in place with '\\r', throttled; elsewhere (a pipe, a log
file) it writes only the final line of each run, never one line per step. verbose=2 writes one
line per run: ``469/469 - 15s - loss: 0.3011 - val_acc: 0.9544``.
"""
import os
import sys
import time

import numpy as np


def _interactive():
    out = sys.stdout
    if hasattr(out, "isatty"):
        try:
            if out.isatty():
                return True
        except ValueError:
            return False
    return "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def format_value(v):
    """A metric value as Keras prints it: 4 decimals, or scientific below 1e-3."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return " %s" % v
    return " %.4f" % v if abs(v) > 1e-3 else " %.4e" % v


def format_time(seconds_per_unit, unit_name):
    if seconds_per_unit >= 1 or seconds_per_unit == 0:
        return " %.0fs/%s" % (seconds_per_unit, unit_name)
    if seconds_per_unit >= 1e-3:
        return " %.0fms/%s" % (seconds_per_unit * 1e3, unit_name)
    return " %.0fus/%s" % (seconds_per_unit * 1e6, unit_name)


class Progbar:
    """Displays a progress bar (``keras.utils.Progbar``).

    Args:
      target: total number of steps expected, None if unknown.
      width: progress bar width on screen.
      verbose: 0 (silent), 1 (bar), 2 (one line at the end).
      stateful_metrics: names of metrics shown as given, not averaged over steps.
      interval: minimum seconds between redraws.
      unit_name: the name of a step ('step' or 'sample').
    Example:
      >>> bar = keras.utils.Progbar(10)
      >>> for i in range(10):
      ...     bar.update(i + 1, values=[("loss", 0.5)])
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        self.target, self.width, self.verbose = target, width, verbose
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self._dynamic_display = _interactive()
        if "ipykernel" in sys.modules and interval == 0.05:
            interval = 0.5   # a notebook redraws slowly: keep it light
        self.interval = interval
        self._total_width = 0
        self._seen_so_far = 0
        self._values = {}
        self._values_order = []
        self._start = time.time()
        self._last_update = 0.0

    def _set_values(self, current, values):
        for k, v in values or []:
            if k not in self._values_order:
                self._values_order.append(k)
            if k not in self.stateful_metrics:
                value_base = max(current - self._seen_so_far, 1)
                if k not in self._values:
                    self._values[k] = [v * value_base, value_base]
                else:
                    self._values[k][0] += v * value_base
                    self._values[k][1] += value_base
            else:
                self._values[k] = [v, 1]
        self._seen_so_far = current

    def _info(self):
        out = ""
        for k in self._values_order:
            total, count = self._values[k]
            out += " - %s:" % k + format_value(np.mean(total / max(1, count)))
        return out

    def update(self, current, values=None, finalize=None):
        """Updates the bar to step ``current`` with (name, value) pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._set_values(current, values)
        now = time.time()
        elapsed = now - self._start
        if self.verbose == 1:
            if not self._dynamic_display and not finalize:
                return
            if now - self._last_update < self.interval and not finalize:
                return
            self._last_update = now
            bar = self._bar(current)
            per_unit = elapsed / current if current else 0
            if self.target is None or finalize:
                info = " - %.0fs" % elapsed + format_time(per_unit, self.unit_name)
            else:
                eta = per_unit * (self.target - current)
                if eta > 3600:
                    fmt = "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
                elif eta > 60:
                    fmt = "%d:%02d" % (eta // 60, eta % 60)
                else:
                    fmt = "%ds" % eta
                info = " - ETA: %s" % fmt
            line = bar + info + self._info()
            pad = max(self._total_width - len(line), 0)
            self._total_width = len(line)
            text = ("\r" if self._dynamic_display else "") + line + " " * pad
            if finalize:
                text += "\n"
            sys.stdout.write(text)
            sys.stdout.flush()
        elif self.verbose == 2 and finalize:
            if self.target is not None:
                digits = int(np.log10(max(self.target, 1))) + 1
                count = ("%" + str(digits) + "d/%d") % (current, self.target)
            else:
                count = "%d" % current
            sys.stdout.write(count + " - %.0fs" % elapsed + self._info() + "\n")
            sys.stdout.flush()

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)

    def _bar(self, current):
        if self.target is None:
            return "%7d/Unknown" % current
        digits = int(np.log10(max(self.target, 1))) + 1
        bar = ("%" + str(digits) + "d/%d [") % (current, self.target)
        prog_width = int(self.width * float(current) / self.target)
        if prog_width > 0:
            bar += "=" * (prog_width - 1)
            bar += ">" if current < self.target else "="
        bar += "." * (self.width - prog_width)
        return bar + "]"
