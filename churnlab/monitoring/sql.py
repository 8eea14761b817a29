"""SQL over a simulation's logs (lesson 08): DuckDB, with friendly messages for its common traps."""
from __future__ import annotations

import re

import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.monitoring.drift import _checked_simulation

# --- SQL over the logs -------------------------------------------------------------------------------------------

_LOG_NAMES = ("customers", "predictions", "contacts", "outcomes", "assignments")


def _tables(simulation, tables: dict) -> dict:
    found = {}
    if simulation is not None:
        simulation = _checked_simulation(simulation)
        found.update({name: getattr(simulation, name) for name in _LOG_NAMES})
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            raise CourseError(f"The table {name} should be a table (DataFrame), like {name}=year.{name if name in _LOG_NAMES else 'predictions'}, "
                              f"not {validate.kind_of(table)}.")
        found[name] = table
    if not found:
        raise CourseError("sql needs tables to query: sql(query, year) for the simulation's logs, or name them, "
                          "like sql(query, predictions=year.predictions).")
    return found


def _column_list(tables: dict) -> str:
    return "; ".join(f"{name}: {', '.join(map(str, table.columns))}" for name, table in tables.items())


def _column_hint(name: str, columns: list, tables: dict, every_table: dict, where: str = "in the tables of this query") -> str:
    """The end of a 'no column' message: the table that does have the column, else a near miss, never the name itself."""
    elsewhere = [table for table, frame in every_table.items() if table not in tables and name in map(str, frame.columns)]
    if elsewhere:
        return f" {where}: it is a column of {' and '.join(elsewhere)}. Check the table after FROM (or JOIN that table)."
    near = validate._did_you_mean(name, [c for c in columns if c != name])
    return f"{near} {where}."


def _sql_help(error: Exception, query: str, tables: dict) -> str:
    message = str(error)
    every_table = tables
    named = {name: table for name, table in tables.items() if re.search(rf"\b{re.escape(name)}\b", query, re.IGNORECASE)}
    tables = named or tables
    kind = type(error).__name__
    all_columns = sorted({str(c) for t in tables.values() for c in t.columns})
    if kind == "ParserException" or "syntax error" in message.lower():
        near = re.search(r'at or near "([^"]*)"', message)
        where = f' near "{near.group(1)}"' if near else (" at the end of the query" if "end of input" in message else "")
        return (f"DuckDB could not read the query: a syntax error{where}. Common causes: a missing comma between "
                "two columns, a missing or extra bracket, a keyword out of order (SELECT ... FROM ... WHERE ... "
                "GROUP BY ... ORDER BY ...), or text in double quotes (text goes in 'single quotes').")
    missing_column = re.search(r'[Rr]eferenced column "?([^"\s]+)"? not found', message) or \
        re.search(r'[Cc]olumn "?([^"\s]+)"? (?:not found|does not exist)', message) or \
        re.search(r'column with name "?([^"\s]+)"? does not exist', message)
    if missing_column:
        name = missing_column.group(1).split(".")[-1]
        return f"There is no column {name!r}{_column_hint(name, all_columns, tables, every_table)} Columns: {_column_list(tables)}."
    missing_table = re.search(r"Table with name \"?([^\"\s!]+)\"? does not exist", message)
    no_column = re.search(r'does not have a column named "([^"]+)"', message)
    if no_column:
        name = no_column.group(1)
        return f"There is no column {name!r}{_column_hint(name, all_columns, tables, every_table, 'in that table')} Columns: {_column_list(tables)}."
    if missing_table:
        name = missing_table.group(1)
        return (f"There is no table {name!r}{validate._did_you_mean(name, tables)}. Tables you can query: "
                f"{', '.join(tables)}.")
    if re.search(r"(avg|sum)\(BOOLEAN\)", message, re.IGNORECASE):
        return ("DuckDB cannot average or add up yes/no (BOOLEAN) values: turn them into 1/0 first, "
                "like avg(CAST(scoring_failed AS INTEGER)).")
    if "GROUP BY" in message or "must appear in the GROUP BY clause" in message:
        return ("Every column in SELECT must either be in GROUP BY or inside an aggregate such as count(*), "
                "avg(...), sum(...): add it to GROUP BY, or aggregate it.")
    if "No function matches" in message:
        function = re.search(r"'(\w+)\(", message)
        name = function.group(1) if function else "a function"
        return (f"DuckDB's {name} cannot take those kinds of values (for example text where a number belongs, or a "
                "yes/no column in avg: cast it first, like CAST(scoring_failed AS INTEGER)).")
    if "Ambiguous reference" in message or "ambiguous" in message.lower():
        return ("A column name appears in two joined tables: say which table you mean, like p.month or o.month "
                "(give each table a short name: FROM predictions AS p JOIN outcomes AS o ...).")
    if "Conversion Error" in message or kind == "ConversionException":
        return "A value could not be converted to the type the query asks for (e.g. text to a number or a date)."
    return f"DuckDB could not run the query ({kind}). Check it piece by piece; the columns: {_column_list(tables)}."


@course_function
def sql(query: str, simulation=None, **tables) -> pd.DataFrame:
    """Run an SQL query with DuckDB over the simulation's logs (and any other tables you name); returns a table.

    ``sql("SELECT month, count(*) AS customers FROM predictions GROUP BY month ORDER BY month", year)``
    queries ``customers``, ``predictions``, ``contacts``, ``outcomes`` and ``assignments`` of
    ``year``; ``sql(query, scored=my_table)`` adds a table of your own under that name. A query
    DuckDB cannot run gets a message that says why (a missing comma, a misspelt column: the
    tables' columns are listed). Order the rows with ORDER BY: SQL gives no order otherwise.
    """
    import duckdb

    if not isinstance(query, str):
        raise CourseError(f"query should be the SQL text in quotes, like \"SELECT month FROM predictions\", not {validate.kind_of(query)}.")
    if not query.strip():
        raise CourseError("query is empty: write the SQL between the quotes, like \"SELECT month FROM predictions\".")
    found = _tables(simulation, tables)
    connection = duckdb.connect()
    try:
        for name, table in found.items():
            connection.register(name, table)
        try:
            relation = connection.sql(query)
            if relation is None:
                raise CourseError("That statement returns no table: sql runs queries that start with SELECT (or WITH).")
            return relation.df()
        except CourseError:
            raise
        except duckdb.Error as error:
            raise CourseError(_sql_help(error, query, found)) from None
    finally:
        connection.close()


