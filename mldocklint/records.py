"""``NamedTuple``: the class syntax of ``typing.NamedTuple`` for the package's records.

``class Stage(NamedTuple): name: str; line: int = 0`` makes the same
``collections.namedtuple`` class, with the class's methods, properties and docstring,
as ``typing.NamedTuple`` does, without importing ``typing`` and without turning each
field's annotation into a ``typing.ForwardRef``, which compiles it: together that was
about a tenth of a cold ``mldocklint check``. Type checkers see ``typing.NamedTuple``.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from collections import namedtuple

    _SPECIAL = frozenset(("__module__", "__qualname__", "__annotations__"))

    class _Records(type):
        def __new__(mcls, name, bases, namespace):
            if not bases:  # NamedTuple itself
                return super().__new__(mcls, name, bases, namespace)
            annotations = namespace.get("__annotations__", {})
            fields = list(annotations)
            defaults = [namespace[f] for f in fields if f in namespace]
            cls = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            cls.__qualname__ = namespace.get("__qualname__", name)
            cls.__annotations__ = dict(annotations)
            for key, value in namespace.items():
                if key not in _SPECIAL and key not in fields:
                    setattr(cls, key, value)
            return cls

    class NamedTuple(metaclass=_Records):
        pass
