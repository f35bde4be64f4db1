"""The daily roll-up of the kept figures (``reports.models.FiguresDay``), on PostgreSQL.

Kept in step by three statement triggers on ``reports_ticketfigures`` (insert, update, delete),
installed by the migration: each statement's changed rows (its transition tables) are netted
into the cells they touch, four per row (its tier, organisation, severity and ticket type on
its UTC filing day), and applied by ONE ``INSERT … ON CONFLICT DO UPDATE``: counts added, the
acknowledgement seconds merged into the cell's sorted arrays. A trigger rather than a call
in ``reports.figures``: every writer of the figures rows is covered (the receivers' upserts,
the tier history's bulk update, the cascade of a deleted ticket, a bulk load in SQL), and the
cell is updated on its latest version under its row lock, so concurrent changes to one cell
add up. An update that leaves a row's counted columns as they were touches no cell.

``rollup_rebuild`` recomputes every cell from the figures rows (the migration and
``manage.py report_figures_rebuild`` run it); ``rollup_differences`` says which cells differ
from that recomputation. ``rollup_figures`` reads a period's figures from the cells.
"""

from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from reports.ranks import Run, percentiles

KINDS = {
    "tier": "coalesce(tier_id, 0)",
    "organisation": "organisation_id",
    "severity": "coalesce(severity_id, 0)",
    "ticket_type": "ticket_type_id",
}
COUNTED = (
    "filed_at, tier_id, organisation_id, severity_id, ticket_type_id, outcome, business_seconds, wall_seconds, "
    "escalations_automatic, escalations_customer, rated, rated_good"
)
SUMS = (
    "filed",
    "with_target",
    "met",
    "breached",
    "acknowledged",
    "escalations_automatic",
    "escalations_customer",
    "rated",
    "rated_good",
)
# The four cells of a figures row ``c``: its group in each breakdown.
_CELL_KEYS = (
    "('tier', coalesce(c.tier_id, 0)), ('organisation', c.organisation_id), "
    "('severity', coalesce(c.severity_id, 0)), ('ticket_type', c.ticket_type_id)"
)


def _cells_of(rows: str, sign: str) -> str:
    """The cells of figures rows ``rows`` (a FROM item aliased c), each row weighing ``sign``."""
    return f"""
        SELECT k.kind, (c.filed_at AT TIME ZONE 'UTC')::date AS day, k.key,
               sum({sign})::int AS filed,
               coalesce(sum({sign}) FILTER (WHERE c.outcome <> ''), 0)::int AS with_target,
               coalesce(sum({sign}) FILTER (WHERE c.outcome = 'met'), 0)::int AS met,
               coalesce(sum({sign}) FILTER (WHERE c.outcome = 'breached'), 0)::int AS breached,
               coalesce(sum({sign}) FILTER (WHERE c.business_seconds IS NOT NULL), 0)::int AS acknowledged,
               sum({sign} * c.escalations_automatic)::int AS escalations_automatic,
               sum({sign} * c.escalations_customer)::int AS escalations_customer,
               sum({sign} * c.rated)::int AS rated,
               sum({sign} * c.rated_good)::int AS rated_good,
               coalesce(array_agg(c.business_seconds ORDER BY c.business_seconds)
                        FILTER (WHERE {sign} > 0 AND c.business_seconds IS NOT NULL), '{{}}') AS business,
               coalesce(array_agg(c.wall_seconds ORDER BY c.wall_seconds)
                        FILTER (WHERE {sign} > 0 AND c.wall_seconds IS NOT NULL), '{{}}') AS wall,
               coalesce(array_agg(c.business_seconds) FILTER (WHERE {sign} < 0 AND c.business_seconds IS NOT NULL), '{{}}')
                   AS business_removed,
               coalesce(array_agg(c.wall_seconds) FILTER (WHERE {sign} < 0 AND c.wall_seconds IS NOT NULL), '{{}}') AS wall_removed
        FROM {rows}
        CROSS JOIN LATERAL (VALUES {_CELL_KEYS}) AS k(kind, key)
        GROUP BY 1, 2, 3
    """  # noqa: S608 - fixed fragments only; values are parameters


def _apply(changes: str) -> str:
    """Add ``changes`` (rows of the figures table with a ``sign`` column, +1 or −1) to their cells."""
    sums = ", ".join(SUMS)
    added = ", ".join(f"{name} = d.{name} + excluded.{name}" for name in SUMS)
    removed = "(SELECT c.{0}_removed FROM cells c WHERE (c.kind, c.day, c.key) = (excluded.kind, excluded.day, excluded.key))"
    return f"""
        WITH cells AS ({_cells_of(f"({changes}) AS c", "c.sign")})
        INSERT INTO reports_figuresday AS d (kind, day, key, {sums}, business, wall)
        SELECT kind, day, key, {sums}, business, wall FROM cells
        ORDER BY kind, day, key  -- every writer locks the cells it shares with another in one order: no deadlock
        ON CONFLICT (kind, day, key) DO UPDATE SET {added},
            business = reports_sorted_apply(d.business, excluded.business, {removed.format("business")}),
            wall = reports_sorted_apply(d.wall, excluded.wall, {removed.format("wall")})
    """  # noqa: S608 - fixed fragments only; values are parameters


def _changed(old: str, new: str, sign: int) -> str:
    """Rows of ``old`` whose counted columns differ in ``new`` (the same tickets after an update)."""
    return f"""
        SELECT {sign} AS sign, c.* FROM {old} c JOIN {new} other USING (ticket_id)
        WHERE ({", ".join(f"c.{name}" for name in COUNTED.split(", "))})
              IS DISTINCT FROM ({", ".join(f"other.{name}" for name in COUNTED.split(", "))})
    """  # noqa: S608 - fixed fragments only; values are parameters


INSTALL = f"""
CREATE OR REPLACE FUNCTION reports_sorted_apply(current float8[], added float8[], removed float8[]) RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- One value in or out (a ticket acknowledged, deleted, moved to another group) by binary search or
    -- a scan of the cell; anything else by sorting the cell again.
    SELECT CASE
        WHEN cardinality(removed) = 0 AND cardinality(added) = 0 THEN current
        WHEN cardinality(removed) = 0 AND cardinality(added) = 1 THEN
            current[:width_bucket(added[1], current)] || added || current[width_bucket(added[1], current) + 1:]
        WHEN cardinality(removed) = 1 AND cardinality(added) = 0 AND array_position(current, removed[1]) IS NOT NULL THEN
            current[:array_position(current, removed[1]) - 1] || current[array_position(current, removed[1]) + 1:]
        ELSE (SELECT coalesce(array_agg(v ORDER BY v), '{{}}')
              FROM ((SELECT unnest(current) UNION ALL SELECT unnest(added)) EXCEPT ALL SELECT unnest(removed)) AS s(v))
    END
$$;

CREATE OR REPLACE FUNCTION reports_figuresday_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Most writes rewrite a row as it was (a timeline entry that moves no figure): leave before the upsert.
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT FROM new_rows) THEN
            {_apply("SELECT 1 AS sign, n.* FROM new_rows n")};
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT FROM old_rows) THEN
            {_apply("SELECT -1 AS sign, o.* FROM old_rows o")};
        END IF;
    ELSIF EXISTS ({_changed("old_rows", "new_rows", -1)}) THEN
        {_apply(_changed("old_rows", "new_rows", -1) + " UNION ALL " + _changed("new_rows", "old_rows", 1))};
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS reports_figuresday_insert ON reports_ticketfigures;
DROP TRIGGER IF EXISTS reports_figuresday_update ON reports_ticketfigures;
DROP TRIGGER IF EXISTS reports_figuresday_delete ON reports_ticketfigures;
CREATE TRIGGER reports_figuresday_insert AFTER INSERT ON reports_ticketfigures
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_figuresday_keep();
CREATE TRIGGER reports_figuresday_update AFTER UPDATE ON reports_ticketfigures
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_figuresday_keep();
CREATE TRIGGER reports_figuresday_delete AFTER DELETE ON reports_ticketfigures
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_figuresday_keep();
"""  # noqa: S608 - fixed fragments only; values are parameters

UNINSTALL = """
DROP TRIGGER IF EXISTS reports_figuresday_insert ON reports_ticketfigures;
DROP TRIGGER IF EXISTS reports_figuresday_update ON reports_ticketfigures;
DROP TRIGGER IF EXISTS reports_figuresday_delete ON reports_ticketfigures;
DROP FUNCTION IF EXISTS reports_figuresday_keep();
DROP FUNCTION IF EXISTS reports_sorted_apply(float8[], float8[], float8[]);
"""

_RECOMPUTED = _cells_of("reports_ticketfigures AS c", "1")
_COLUMNS = f"kind, day, key, {', '.join(SUMS)}, business, wall"


def rollup_kept() -> bool:
    return connection.vendor == "postgresql"


def rollup_rebuild() -> int:
    """Recompute every cell from the figures rows (which stay still meanwhile); the number of cells."""
    if not rollup_kept():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_ticketfigures IN SHARE MODE")
        cursor.execute("DELETE FROM reports_figuresday")
        cursor.execute(f"INSERT INTO reports_figuresday ({_COLUMNS}) SELECT {_COLUMNS} FROM ({_RECOMPUTED}) AS r")  # noqa: S608
        cells: int = cursor.rowcount
        return cells


def rollup_differences() -> list[tuple[Any, ...]]:
    """Cells kept but not recomputed, or recomputed but not kept (cells emptied to zero are no cells)."""
    kept = f"SELECT {_COLUMNS} FROM reports_figuresday WHERE filed <> 0"  # noqa: S608
    recomputed = f"SELECT {_COLUMNS} FROM ({_RECOMPUTED}) AS r"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"(SELECT 'kept', * FROM ({kept} EXCEPT ALL {recomputed}) a) UNION ALL "  # noqa: S608
            f"(SELECT 'recomputed', * FROM ({recomputed} EXCEPT ALL {kept}) b) ORDER BY 2, 3, 4"
        )
        differences: list[tuple[Any, ...]] = cursor.fetchall()
        return differences


@dataclass
class Sums:
    """One group's figures, the percentiles in seconds."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUMS, 0))
    business: list[Run] = field(default_factory=list)
    wall: list[Run] = field(default_factory=list)
    percentiles: dict[str, float | None] = field(default_factory=dict)

    def add(self, counts: dict[str, int], business: list[Run], wall: list[Run]) -> None:
        for name, value in counts.items():
            self.counts[name] += value
        self.business.extend(business)
        self.wall.extend(wall)

    def settle(self) -> None:
        self.percentiles["business_p50"], self.percentiles["business_p90"] = percentiles(self.business, (0.5, 0.9))
        self.percentiles["wall_p50"], self.percentiles["wall_p90"] = percentiles(self.wall, (0.5, 0.9))


def _midnight(moment: datetime) -> bool:
    return moment.astimezone(UTC).time() == datetime.min.time()


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _units(kind: str, *, by_month: bool) -> str:
    """The period's cells of ``kind`` whole days, the rows of the days a month edge cuts, and the running clocks."""
    column = KINDS[kind]
    month = "width_bucket(filed_at, %(bounds)s::timestamptz[]) - 1" if by_month else "-1"
    cell_month = "width_bucket(day, %(firsts)s::date[]) - 1" if by_month else "-1"
    return f"""
        SELECT {kind!r} AS kind, 0 AS source, {cell_month} AS m, key, day AS ord, {", ".join(SUMS)}, business, wall
        FROM reports_figuresday
        WHERE kind = {kind!r} AND day >= %(first_day)s AND day < %(end_day)s AND day <> ALL(%(edge_days)s::date[])
              AND filed <> 0
        UNION ALL
        SELECT {kind!r}, 1, {month}, {column}, '-infinity'::date, count(*), count(*) FILTER (WHERE outcome <> ''),
               count(*) FILTER (WHERE outcome = 'met'), count(*) FILTER (WHERE outcome = 'breached'),
               count(business_seconds), sum(escalations_automatic), sum(escalations_customer), sum(rated), sum(rated_good),
               coalesce(array_agg(business_seconds ORDER BY business_seconds) FILTER (WHERE business_seconds IS NOT NULL), '{{}}'),
               coalesce(array_agg(wall_seconds ORDER BY wall_seconds) FILTER (WHERE wall_seconds IS NOT NULL), '{{}}')
        FROM reports_ticketfigures JOIN unnest(%(edge_starts)s::timestamptz[], %(edge_ends)s::timestamptz[]) AS e(s, t)
             ON filed_at >= e.s AND filed_at < e.t
        GROUP BY 3, 4
        UNION ALL
        SELECT {kind!r}, 2, {month}, {column}, 'infinity'::date, 0, 0, 0, count(*), 0, 0, 0, 0, 0, '{{}}', '{{}}'
        FROM reports_ticketfigures
        WHERE outcome = 'running' AND filed_at >= %(start)s AND filed_at < %(end)s AND due_at <= %(now)s
        GROUP BY 3, 4
    """  # noqa: S608 - fixed fragments only; values are parameters


def _floats(data: Any, count: int) -> array[float]:
    """array_send's elements, less its 20-byte header: per value a 4-byte length and 8 big-endian bytes."""
    raw = bytes(data)
    packed = bytearray(8 * count)
    for byte in range(8):
        packed[byte::8] = raw[4 + byte :: 12]
    values = array("d")
    values.frombytes(bytes(packed))
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _runs(lengths: list[int], data: Any) -> list[Run]:
    values = _floats(data, sum(lengths))
    runs: list[Run] = []
    first = 0
    for length in lengths:
        if length:
            runs.append((values, first, first + length))
            first += length
    return runs


def rollup_figures(
    *, start: datetime, end: datetime, months: list[datetime], by: str | None, now: datetime
) -> dict[str, dict[Any, Sums]]:
    """{"total": {None: …}, "month": {index: …}, by: {key: …}} for tickets filed in [start, end), all organisations.

    ``months`` are the starts of the period's months (the first is ``start``). Whole UTC days inside
    one month come from the cells; the days a month edge cuts (a month in Chicago starts at 05:00 or
    06:00 UTC) from their figures rows; running clocks past due from theirs. Total and months come
    from the tier cells (a few runs per day), the breakdown's groups from the cells of its kind.
    """
    bounds = [*months, end]
    first_day = _day(start) if _midnight(start) else _day(start) + timedelta(days=1)
    edges = [bound for bound in bounds if not _midnight(bound)]
    edge_days = [_day(bound) for bound in edges if start < bound < end]
    spans = []
    for bound in edges:
        day = datetime.combine(_day(bound), datetime.min.time(), tzinfo=UTC)
        spans.append((max(day, start), min(day + timedelta(days=1), end)))
    firsts = [first_day] + [_day(bound) + timedelta(days=0 if _midnight(bound) else 1) for bound in months[1:]]
    params: dict[str, Any] = {
        "bounds": bounds[:-1],
        "firsts": firsts,
        "first_day": first_day,
        "end_day": _day(end),
        "edge_days": edge_days,
        "edge_starts": [span[0] for span in spans],
        "edge_ends": [span[1] for span in spans],
        "start": start,
        "end": end,
        "now": now,
    }
    units = _units("tier", by_month=True)
    if by not in (None, "tier"):
        units += " UNION ALL " + _units(by, by_month=False)
    sums = ", ".join(f"sum({name})::int" for name in SUMS)
    sql = f"""
        SELECT kind, m, key, {sums},
               array_agg(cardinality(business) ORDER BY source, ord) FILTER (WHERE source < 2),
               string_agg(substring(array_send(business) FROM 21), ''::bytea ORDER BY source, ord) FILTER (WHERE source < 2),
               array_agg(cardinality(wall) ORDER BY source, ord) FILTER (WHERE source < 2),
               string_agg(substring(array_send(wall) FROM 21), ''::bytea ORDER BY source, ord) FILTER (WHERE source < 2)
        FROM ({units}) AS u
        GROUP BY kind, m, key
    """  # noqa: S608 - only fixed fragments go into the text; values are parameters
    with transaction.atomic(), connection.cursor() as cursor:
        # The edge days' range join is estimated at a third of the table a range, and the plan's cost then
        # sets off JIT compilation: ~100 ms to spare a few on the ~5,000 rows it really reads.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    grouped: dict[str, dict[Any, Sums]] = {"total": {}, "month": {}}
    if by is not None:
        grouped.setdefault(by, {})
    total = grouped["total"].setdefault(None, Sums())
    for kind, month, key, *values in rows:
        counts = dict(zip(SUMS, values[: len(SUMS)], strict=True))
        business_lengths, business_data, wall_lengths, wall_data = values[len(SUMS) :]
        business = _runs(business_lengths or [], business_data or b"")
        wall = _runs(wall_lengths or [], wall_data or b"")
        group_key = None if key == 0 and kind in ("tier", "severity") else key
        if kind == "tier":
            total.add(counts, business, wall)
            grouped["month"].setdefault(month, Sums()).add(counts, business, wall)
            if by == "tier":
                grouped["tier"].setdefault(group_key, Sums()).add(counts, business, wall)
        else:
            grouped[kind].setdefault(group_key, Sums()).add(counts, business, wall)
    for name, groups in grouped.items():
        if name != "total":  # as GROUP BY: a group without tickets is no group; the total always is
            for empty in [key for key, cell in groups.items() if not cell.counts["filed"]]:
                del groups[empty]
        for cell in groups.values():
            cell.settle()
    return grouped
