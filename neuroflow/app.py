"""``tf.app``: ``tf.app.run(main)`` and absl-style command-line flags, ``tf.app.flags``.

Example:
  >>> flags = tf.app.flags
  >>> flags.DEFINE_integer("batch_size", 100, "Examples per step.")
  >>> FLAGS = flags.FLAGS
  >>> def main(argv):
  ...     print(FLAGS.batch_size)       # 100, or the value of --batch_size=...
  >>> tf.app.run(main)                  # doctest: +SKIP
"""
import sys as _sys
import types as _types

__all__ = []


class Error(Exception):
    """Base class of the flag errors (absl's ``flags.Error``)."""


class IllegalFlagValueError(Error, ValueError):
    """A command-line or assigned value that does not fit the flag's type."""


class UnrecognizedFlagError(Error):
    def __init__(self, flagname, flagvalue=""):
        self.flagname, self.flagvalue = flagname, flagvalue
        super().__init__("Unknown command line flag '%s'" % flagname)


class UnparsedFlagAccessError(Error):
    pass


_TRUE = ("true", "t", "1", "yes", "y")
_FALSE = ("false", "f", "0", "no", "n")


def _parse_bool(s):
    if isinstance(s, bool):
        return s
    v = str(s).strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError("Non-boolean argument to boolean flag: %r" % (s,))


class Flag:
    """One flag: its name, type, default, help and current value (absl's ``Flag``)."""

    def __init__(self, name, default, help_string, parser, type_name, boolean=False, **extra):
        self.name, self.help, self.parser = name, help_string, parser
        self.flag_type_name, self.boolean = type_name, boolean
        self.extra = extra
        self.present = 0
        self.default = None if default is None else self.parse(default)
        self.value = self.default

    def parse(self, argument):
        try:
            value = self.parser(argument)
        except (TypeError, ValueError) as e:
            raise IllegalFlagValueError("flag --%s=%s: %s" % (self.name, argument, e)) from None
        lo, hi = self.extra.get("lower_bound"), self.extra.get("upper_bound")
        if value is not None and ((lo is not None and value < lo)
                                  or (hi is not None and value > hi)):
            raise IllegalFlagValueError("flag --%s=%s: value should be in [%s, %s]"
                                        % (self.name, argument, lo, hi))
        return value

    def __repr__(self):
        return "<Flag --%s=%r>" % (self.name, self.value)

    def __str__(self):
        return str(self.value)


class FlagValues:
    """The registry of defined flags; ``FLAGS.name`` reads a value, ``FLAGS(argv)`` parses.

    Reading a flag before parsing parses ``sys.argv`` first (as TF1's wrapper did), ignoring
    arguments that are not defined flags (e.g. a notebook kernel's own ``-f`` argument).
    """

    def __init__(self):
        self.__dict__["_flags"] = {}
        self.__dict__["_parsed"] = False
        self.__dict__["_required"] = set()

    # ---------------------------------------------------------------- definition
    def _define(self, flag):
        old = self._flags.get(flag.name)
        if old is not None and old.present:  # redefined (a re-run notebook cell): keep argv's value
            flag.value, flag.present = old.value, old.present
        self._flags[flag.name] = flag
        return flag

    # ---------------------------------------------------------------- values
    def __getattr__(self, name):
        flags = self.__dict__["_flags"]
        if name.endswith("__flags"):  # old TF code reads FLAGS.__flags: name -> Flag
            return dict(flags)
        if name not in flags:
            raise AttributeError(name)
        if not self.__dict__["_parsed"]:
            self(_sys.argv, known_only=True)
        return flags[name].value

    def __setattr__(self, name, value):
        if name not in self._flags:
            raise AttributeError(name)
        f = self._flags[name]
        f.value = f.parse(value) if value is not None else None

    def __getitem__(self, name):
        return self._flags[name]

    def __contains__(self, name):
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    def __len__(self):
        return len(self._flags)

    def __dir__(self):
        return sorted(self._flags)

    def flag_values_dict(self):
        return {name: f.value for name, f in self._flags.items()}

    def set_default(self, name, value):
        f = self._flags[name]
        f.default = f.parse(value)
        if not f.present:
            f.value = f.default

    def is_parsed(self):
        return self._parsed

    def mark_as_parsed(self):
        self.__dict__["_parsed"] = True

    def unparse_flags(self):
        for f in self._flags.values():
            f.value, f.present = f.default, 0
        self.__dict__["_parsed"] = False

    def get_help(self):
        lines = []
        for name in sorted(self._flags):
            f = self._flags[name]
            lines.append("  --%s: %s\n    (default: %r)" % (name, f.help or "", f.default))
        return "\n".join(lines)

    # ---------------------------------------------------------------- parsing
    def __call__(self, argv, known_only=False):
        """Parses flags from ``argv`` (``argv[0]`` is the program); returns the other arguments."""
        argv = list(argv)
        rest, args, i = argv[:1], argv[1:], 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                rest.extend(args[i:])
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            name, eq, value = arg.lstrip("-").partition("=")
            flag = self._flags.get(name)
            if flag is None and name.startswith("no") and not eq:
                negated = self._flags.get(name[2:])
                if negated is not None and negated.boolean:
                    flag, value, eq = negated, "false", "="
            if flag is None:
                if name in ("help", "helpshort", "helpfull", "h", "?") and not known_only:
                    print(self.get_help())
                    _sys.exit(0)
                if known_only:
                    rest.append(arg)
                    continue
                raise UnrecognizedFlagError(name, value)
            if not eq:
                if flag.boolean:
                    value = "true"
                elif i < len(args):
                    value, i = args[i], i + 1
                else:
                    raise IllegalFlagValueError("flag --%s: Missing value." % name)
            flag.value = flag.parse(value)
            flag.present += 1
        self.__dict__["_parsed"] = True
        return rest

    def _parse_flags(self, args=None):
        """TF <= 1.4's ``FLAGS._parse_flags()``: parses ``sys.argv``, returns the unparsed args."""
        return self(_sys.argv if args is None else [_sys.argv[0]] + list(args), known_only=True)[1:]

    def validate_all_flags(self):
        for name in sorted(self._required):
            if self._flags[name].value is None:
                raise IllegalFlagValueError("flag --%s=None: Flag --%s must have a value other "
                                            "than None." % (name, name))


FLAGS = FlagValues()


def DEFINE_string(name, default, help, flag_values=FLAGS, **args):  # noqa: N802,A002
    """Defines a string flag ``--name=value``."""
    return flag_values._define(Flag(name, default, help, str, "string", **args))


def DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802,A002
                   flag_values=FLAGS, **args):
    """Defines an integer flag (optionally bounded)."""
    return flag_values._define(Flag(name, default, help, int, "int", lower_bound=lower_bound,
                                    upper_bound=upper_bound))


def DEFINE_float(name, default, help, lower_bound=None, upper_bound=None,  # noqa: N802,A002
                 flag_values=FLAGS, **args):
    """Defines a float flag (optionally bounded)."""
    return flag_values._define(Flag(name, default, help, float, "float", lower_bound=lower_bound,
                                    upper_bound=upper_bound))


def DEFINE_boolean(name, default, help, flag_values=FLAGS, **args):  # noqa: N802,A002
    """Defines a boolean flag: ``--name``, ``--noname``, ``--name=true|false``."""
    return flag_values._define(Flag(name, default, help, _parse_bool, "bool", boolean=True))


DEFINE_bool = DEFINE_boolean


def DEFINE_enum(name, default, enum_values, help, flag_values=FLAGS, **args):  # noqa: N802,A002
    """Defines a string flag whose value must be one of ``enum_values``."""
    def parse(s):
        if s not in enum_values:
            raise ValueError("value should be one of <%s>" % "|".join(enum_values))
        return s
    return flag_values._define(Flag(name, default, help, parse, "enum"))


def DEFINE_list(name, default, help, flag_values=FLAGS, **args):  # noqa: N802,A002
    """Defines a comma-separated list flag (``--name=a,b,c`` gives ['a', 'b', 'c'])."""
    def parse(s):
        if isinstance(s, (list, tuple)):
            return list(s)
        return [p.strip() for p in str(s).split(",") if p.strip()]
    return flag_values._define(Flag(name, default, help, parse, "list"))


def mark_flag_as_required(flag_name, flag_values=FLAGS):
    """``tf.app.run`` fails when this flag is still None after parsing."""
    flag_values._required.add(flag_name)


def mark_flags_as_required(flag_names, flag_values=FLAGS):
    for n in flag_names:
        mark_flag_as_required(n, flag_values)


def run(main=None, argv=None):
    """Parses the flags in ``argv`` (default ``sys.argv``), then ``sys.exit(main(remaining))``.

    ``main`` defaults to the ``main`` function of the ``__main__`` module, as in TF1. Arguments
    that are not defined flags are passed on to ``main``.
    """
    main = main or _sys.modules["__main__"].main
    args = _sys.argv if argv is None else argv
    if any(a in ("--help", "-h", "--helpfull", "-?") for a in args[1:]):
        print("usage: %s [flags]\n%s" % (args[0] if args else "", FLAGS.get_help()))
        _sys.exit(0)
    try:
        remaining = FLAGS(args, known_only=True)
        FLAGS.validate_all_flags()
    except Error as e:
        print("FATAL Flags parsing error: %s" % e, file=_sys.stderr)
        print("Pass --helpshort or --helpfull to see help on flags.", file=_sys.stderr)
        _sys.exit(1)
    _sys.exit(main(remaining))


# ``tf.app.flags`` / ``tf.flags`` is a module in TF; make it importable as one too.
flags = _types.ModuleType(__name__ + ".flags", "absl-style command-line flags (``tf.app.flags``).")
for _name in ("FLAGS", "FlagValues", "Flag", "Error", "IllegalFlagValueError",
              "UnrecognizedFlagError", "UnparsedFlagAccessError", "DEFINE_string", "DEFINE_integer",
              "DEFINE_float", "DEFINE_boolean", "DEFINE_bool", "DEFINE_enum", "DEFINE_list",
              "mark_flag_as_required", "mark_flags_as_required"):
    setattr(flags, _name, globals()[_name])
flags.__all__ = []
_sys.modules[flags.__name__] = flags
del _name
