"""A statement compiled once and run many times with new values: for the hottest paths only.

Building a query through the ORM (cloning querysets, resolving lookups,
compiling) costs a few tenths of a millisecond, and PostgreSQL then parses
and plans the text afresh, about as long again; a vote runs the same few
statements thousands of times a minute with different values, and these costs
were most of its time. So:

- `Prepared.of` compiles a queryset once, built with stand-in values
  (distinctive values of the right type: a negative id, a string no visitor
  can send), and remembers where each stand-in went among the statement's
  parameters; each run puts its own values in those places. The query stays
  written once, in the ORM. (`Prepared.raw` takes SQL written by hand, with
  named parameters, for what the ORM cannot say.)
- On PostgreSQL the statement is also prepared in the database (PREPARE,
  then EXECUTE), once per connection: parsed and planned once. Prepared
  statements live in a database session, so a connection pooler between the
  site and PostgreSQL must pool sessions, not transactions.

A stand-in must survive compiling unchanged (an int filtered on an integer
column does; a date would be reformatted): `Prepared.of` refuses a queryset
in which one went missing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import QuerySet

# What each kind of stand-in is declared as when the statement is prepared in PostgreSQL.
_POSTGRESQL_TYPES = {int: "bigint", str: "text"}
_PLACEHOLDER = re.compile(r"%%|%s|%\((\w+)\)s")


@dataclass(frozen=True)
class _Slot:
    """The place of a stand-in among a statement's parameters."""

    name: str


@dataclass(frozen=True)
class Prepared:
    sql: str  # with %s placeholders, as Django's cursors take them
    slots: tuple  # per placeholder: a _Slot, or the constant the ORM put there
    alias: str
    kinds: Mapping[str, type] = field(default_factory=dict)  # each stand-in's Python type

    @classmethod
    def of(
        cls, queryset: QuerySet, stand_ins: Mapping[str, object], *, before: str = "", after: str = ""
    ) -> Prepared:
        """`queryset`'s SQL (between `before` and `after`: an INSERT around a SELECT) and its slots."""
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        names = {value: name for name, value in stand_ins.items()}
        slots = tuple(_Slot(names[param]) if _is_stand_in(param, names) else param for param in params)
        missing = set(stand_ins) - {slot.name for slot in slots if isinstance(slot, _Slot)}
        if missing:
            raise ValueError(f"stand-ins {sorted(missing)} did not survive compiling: {sql} {params}")
        kinds = {name: type(value) for name, value in stand_ins.items()}
        return cls(sql=f"{before}{sql}{after}", slots=slots, alias=queryset.db, kinds=kinds)

    @classmethod
    def raw(cls, sql: str, kinds: Mapping[str, type], *, alias: str) -> Prepared:
        """SQL written by hand, its parameters named as %(name)s (only so), each of the given type."""
        found = [match for match in _PLACEHOLDER.finditer(sql) if match[0] != "%%"]
        if any(not match[1] for match in found):
            raise ValueError(f"name every parameter, as %(name)s: {sql}")
        slots = tuple(_Slot(match[1]) for match in found)
        sql = _PLACEHOLDER.sub(lambda match: "%s" if match[1] else match[0], sql)
        return cls(sql=sql, slots=slots, alias=alias, kinds=kinds)

    def params(self, values: Mapping[str, object]) -> list:
        return [values[slot.name] if isinstance(slot, _Slot) else slot for slot in self.slots]

    def fetchone(self, **values) -> tuple | None:
        with connections[self.alias].cursor() as cursor:
            self._execute(cursor, values)
            return cursor.fetchone()

    def fetchall(self, **values) -> list[tuple]:
        with connections[self.alias].cursor() as cursor:
            self._execute(cursor, values)
            return cursor.fetchall()

    def _execute(self, cursor, values: Mapping[str, object]) -> None:
        database = connections[self.alias]
        if database.vendor != "postgresql":
            cursor.execute(self.sql, self.params(values))
            return
        names, statement = self._names, self._statement_name
        prepared = database.__dict__.setdefault(_PREPARED_HERE, set())
        if statement not in prepared:
            cursor.execute(self._prepare_sql(database, statement))
            prepared.add(statement)
        arguments = ", ".join(["%s"] * len(names))
        cursor.execute(f"EXECUTE {statement} ({arguments})", [values[name] for name in names])

    # Worked out once per statement, not per run (a frozen dataclass still has a __dict__).
    @cached_property
    def _names(self) -> list[str]:
        """The stand-ins in the order of their first place: $1, $2, … of the prepared statement."""
        return list(dict.fromkeys(slot.name for slot in self.slots if isinstance(slot, _Slot)))

    @cached_property
    def _statement_name(self) -> str:
        return "council_" + hashlib.sha256(repr((self.sql, self.slots)).encode()).hexdigest()[:20]

    def _prepare_sql(self, database, statement: str) -> str:
        """PREPARE with each stand-in as $n and each constant written into the text."""
        numbers = {name: n for n, name in enumerate(self._names, start=1)}
        slots = iter(self.slots)

        def fill(match: re.Match) -> str:
            if match[0] == "%%":
                return "%"
            slot = next(slots)
            if isinstance(slot, _Slot):
                return f"${numbers[slot.name]}"
            return database.ops.compose_sql("%s", [slot])

        body = _PLACEHOLDER.sub(fill, self.sql)
        types = ", ".join(_POSTGRESQL_TYPES[self.kinds[name]] for name in numbers)
        return f"PREPARE {statement} ({types}) AS {body}"


# Where a database connection keeps the names of the statements it has prepared.
_PREPARED_HERE = "council_prepared_statements"


def _forget_prepared(sender, connection, **kwargs) -> None:
    """A new session has none of the old one's prepared statements."""
    connection.__dict__.pop(_PREPARED_HERE, None)


connection_created.connect(_forget_prepared, dispatch_uid="council.shared.prepared")


def _is_stand_in(param, names: Mapping) -> bool:
    # type() too: True == 1 and 1.0 == 1, but neither is the stand-in 1.
    try:
        return param in names and any(type(param) is type(known) for known in names if known == param)
    except TypeError:  # an unhashable parameter (a list for IN on some backends) is a constant
        return False
