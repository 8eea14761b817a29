"""Load the Telco customer churn data, checked against its data dictionary.

``load_churn()`` works from any working directory: it finds the CSV that ships
in the course's ``datasets/`` folder. Every problem with a file (missing,
empty, not a CSV, a renamed column, a wrong value) raises ``ChurnDataError``
with a message that names the column or row and says what to do.
"""
from __future__ import annotations

import csv
import difflib
import io
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from churnlab._base import validate

# Where the course folder is: in the bottom layer, so that the work folder can be found without loading the data.
from churnlab._base.course_folder import DATA_FILE_IN_COURSE, REPO_ROOT, find_course_root  # noqa: F401
from churnlab._base.errors import ChurnDataError, CourseError
from churnlab._base.validate import course_function
from churnlab.kept_results import computed_once

__all__ = ["COLUMN_NAMES", "Column", "DATA_DICTIONARY", "data_dictionary", "load_churn", "with_made_up_exit_survey"]

DATASETS_DIR = REPO_ROOT / "datasets"
CHURN_CSV = DATASETS_DIR / "telco_churn.csv"
CHURN_CSV_CHECKSUM = DATASETS_DIR / "telco_churn.csv.sha256"

YES_NO = ("No", "Yes")
WITH_INTERNET = ("No", "No internet service", "Yes")


@dataclass(frozen=True)
class Column:
    """One column of the data dictionary."""

    name: str
    kind: str  # "id", "label", "flag", "count", "money" or "category"
    meaning: str
    unit: str = ""
    allowed: tuple[str, ...] = ()
    may_be_empty: bool = False


DATA_DICTIONARY: tuple[Column, ...] = (
    Column("customer_id", "id", "A stable id the course added (C0001 to C7043), in the original row order."),
    Column("churn", "label", "Did the customer leave? The outcome we want to predict.", allowed=YES_NO),
    Column("female", "flag", "1 if the customer is a woman, 0 if a man.", "0/1"),
    Column("senior_citizen", "flag", "1 if the customer is 65 or older.", "0/1"),
    Column("partner", "flag", "1 if the customer has a partner.", "0/1"),
    Column("dependents", "flag", "1 if the customer has dependents (children, others they support).", "0/1"),
    Column("tenure", "count", "How long the customer has been with us.", "months"),
    Column("phone_service", "flag", "1 if the customer has a phone line.", "0/1"),
    Column("multiple_lines", "category", "More than one phone line?", allowed=("No", "No phone service", "Yes")),
    Column("internet_service", "category", "Type of internet connection.", allowed=("DSL", "Fiber optic", "No")),
    Column("online_security", "category", "Online security add-on.", allowed=WITH_INTERNET),
    Column("online_backup", "category", "Online backup add-on.", allowed=WITH_INTERNET),
    Column("device_protection", "category", "Device protection add-on.", allowed=WITH_INTERNET),
    Column("tech_support", "category", "Premium tech support add-on.", allowed=WITH_INTERNET),
    Column("streaming_tv", "category", "Streams TV through us.", allowed=WITH_INTERNET),
    Column("streaming_movies", "category", "Streams movies through us.", allowed=WITH_INTERNET),
    Column("contract", "category", "Contract length.", allowed=("Month-to-month", "One year", "Two year")),
    Column("paperless_billing", "flag", "1 if the customer gets bills online only.", "0/1"),
    Column(
        "payment_method",
        "category",
        "How the customer pays.",
        allowed=("Bank transfer (automatic)", "Credit card (automatic)", "Electronic check", "Mailed check"),
    ),
    Column("monthly_charges", "money", "What the customer pays each month.", "US dollars per month"),
    Column(
        "total_charges",
        "money",
        "Everything billed so far. Empty for the 11 customers in their first month (not billed yet).",
        "US dollars",
        may_be_empty=True,
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in DATA_DICTIONARY)


@course_function
def data_dictionary() -> pd.DataFrame:
    """The data dictionary as a table: column, meaning, unit and allowed values."""
    return pd.DataFrame(
        {
            "column": [c.name for c in DATA_DICTIONARY],
            "meaning": [c.meaning for c in DATA_DICTIONARY],
            "unit or values": [c.unit or " / ".join(c.allowed) for c in DATA_DICTIONARY],
        }
    ).set_index("column")


def file_checksum(path: Path | str = CHURN_CSV) -> str:
    """SHA-256 of a file, as hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def expected_checksum() -> str:
    """The SHA-256 recorded beside the shipped CSV."""
    return CHURN_CSV_CHECKSUM.read_text(encoding="utf-8").split()[0]


@course_function
def load_churn(path: Path | str | None = None) -> pd.DataFrame:
    """Load the churn data as a table with one row per customer.

    Without ``path`` it reads the CSV shipped in ``datasets/``, whatever the
    working directory. Numbers come back as numbers (``total_charges`` has
    11 empty values, shown as NaN), and everything is checked against the
    data dictionary first: a bad file raises ``ChurnDataError`` that says
    what is wrong and how to fix it.
    """
    if path is not None and not isinstance(path, (str, Path)):
        raise CourseError(f"path should be the data file's path as text, like 'datasets/telco_churn.csv', not "
                          f"{validate.kind_of(path)}. For the course's own copy, call load_churn() with nothing between the brackets.")
    path = Path(path) if path is not None else CHURN_CSV
    try:
        content_sha256 = file_checksum(path)
    except OSError:  # no such file, a folder...: _loaded says what is wrong (outside this block: no chained error)
        content_sha256 = None
    return _loaded(path) if content_sha256 is None else _kept_load(str(path), content_sha256)


@computed_once
def _kept_load(path: str, content_sha256: str) -> pd.DataFrame:
    """``_loaded(path)``, kept in the work folder under the file's SHA-256: loading and checking 7,043 rows takes
    60-80 ms at every "Run all"; a file that changes gets a new name and is loaded (and checked) again."""
    return _loaded(Path(path))


def _loaded(path: Path) -> pd.DataFrame:
    raw = _read_text_table(path)
    _check_columns(raw, path)
    return _typed_table(raw, path)


def _read_text_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise ChurnDataError(
            f"No data file at {path}. The course data lives in datasets/telco_churn.csv: "
            "check the path, or call load_churn() without a path to use the course copy."
        )
    if path.is_dir():
        raise ChurnDataError(f"{path} is a folder, not a CSV file: give the path of the .csv file inside it.")
    content = path.read_bytes()
    if not content.strip():
        raise ChurnDataError(f"{path.name} is empty: it has no header and no rows. Restore the course copy of the file.")
    if b"\x00" in content[:4096]:
        raise ChurnDataError(
            f"{path.name} is not a CSV text file (it contains binary data: a spreadsheet or a zip?). "
            "Export it as CSV (comma-separated values) and try again."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ChurnDataError(
            f"{path.name}, line {line}: not UTF-8 text. Save the file as 'CSV UTF-8 (comma delimited)' and try again."
        ) from None
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        delimiter = _guess_delimiter(first_line)
        hint = f"it seems to use {delimiter!r} instead" if delimiter else "its first line has no comma at all"
        raise ChurnDataError(
            f"{path.name} is not comma-separated: {hint}. Save it with commas between values "
            "(in pandas: df.to_csv(path, index=False))."
        )
    _check_row_lengths(text, path)
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    if table.empty:
        raise ChurnDataError(f"{path.name} has a header but no customer rows. Restore the course copy of the file.")
    return table


def _check_row_lengths(text: str, path: Path) -> None:
    # pandas quietly pads short rows and turns a long first row into an index: count values ourselves.
    reader = csv.reader(io.StringIO(text))
    header_length = len(next(reader))
    rows = iter(reader)
    while True:
        starts_at = reader.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error:
            raise ChurnDataError(
                f"{path.name}, line {starts_at}: a quote (\") is opened and never closed. "
                "Fix or remove the stray quote on that line."
            ) from None
        if row and len(row) != header_length:
            more_or_fewer = "more" if len(row) > header_length else "fewer"
            raise ChurnDataError(
                f"{path.name}, line {reader.line_num}: {len(row)} values, {more_or_fewer} values than the header "
                f"({header_length}). Check the commas and quotes on that line."
            )


def _guess_delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in (";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _check_columns(table: pd.DataFrame, path: Path) -> None:
    missing = [name for name in COLUMN_NAMES if name not in table.columns]
    extra = [name for name in table.columns if name not in COLUMN_NAMES]
    if not missing:
        return
    name = missing[0]
    close = difflib.get_close_matches(name, [str(e) for e in extra], n=1, cutoff=0.6)
    if close:
        raise ChurnDataError(
            f"{path.name}: column {name!r} is missing, and there is a column {close[0]!r}: "
            f"was it renamed? Rename it back to {name!r}."
        )
    others = f" (and {len(missing) - 1} more: {', '.join(missing[1:4])})" if len(missing) > 1 else ""
    raise ChurnDataError(
        f"{path.name}: column {name!r} is missing{others}. The file needs all {len(COLUMN_NAMES)} columns "
        "of the data dictionary (see churnlab.data.data_dictionary())."
    )


def _typed_table(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    typed = {}
    for column in DATA_DICTIONARY:
        values = raw[column.name].str.strip()
        if column.kind in ("id", "label", "category"):
            typed[column.name] = _checked_text(values, column, path)
        else:
            typed[column.name] = _checked_numbers(values, column, path)
    table = pd.DataFrame(typed)
    if table["customer_id"].duplicated().any():
        duplicate = table.loc[table["customer_id"].duplicated(), "customer_id"].iloc[0]
        raise ChurnDataError(f"{path.name}: customer_id {duplicate!r} appears more than once; each customer needs one row.")
    return table


def _row_of(position: int) -> str:
    # Line 1 of the file is the header, so data row n is line n + 2 (n counted from 0).
    return f"line {position + 2}"


def _checked_text(values: pd.Series, column: Column, path: Path) -> pd.Series:
    empty = values.eq("")
    if empty.any():
        position = int(empty.to_numpy().nonzero()[0][0])
        raise ChurnDataError(f"{path.name}, {_row_of(position)}: column {column.name!r} is empty; every customer needs a value.")
    if column.allowed:
        unexpected = ~values.isin(column.allowed)
        if unexpected.any():
            position = int(unexpected.to_numpy().nonzero()[0][0])
            raise ChurnDataError(
                f"{path.name}, {_row_of(position)}: column {column.name!r} has the value {values.iloc[position]!r}; "
                f"allowed values are {', '.join(repr(a) for a in column.allowed)}."
            )
    return values


def _checked_numbers(values: pd.Series, column: Column, path: Path) -> pd.Series:
    numbers = pd.to_numeric(values.where(values.ne("")), errors="coerce")
    not_a_number = (numbers.isna() | numbers.isin([np.inf, -np.inf])) & values.ne("")
    if not_a_number.any():
        position = int(not_a_number.to_numpy().nonzero()[0][0])
        raise ChurnDataError(
            f"{path.name}, {_row_of(position)}: column {column.name!r} should be a number "
            f"({column.unit}) but has {values.iloc[position]!r}."
        )
    empty = values.eq("")
    if empty.any() and not column.may_be_empty:
        position = int(empty.to_numpy().nonzero()[0][0])
        raise ChurnDataError(f"{path.name}, {_row_of(position)}: column {column.name!r} is empty; it needs a number.")
    if column.kind == "flag":
        bad = ~numbers.isin((0, 1))
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            raise ChurnDataError(
                f"{path.name}, {_row_of(position)}: column {column.name!r} should be 0 or 1 but has {values.iloc[position]!r}."
            )
    if column.kind in ("flag", "count"):
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            position = int(fractional.to_numpy().nonzero()[0][0])
            raise ChurnDataError(
                f"{path.name}, {_row_of(position)}: column {column.name!r} should be a whole number but has {values.iloc[position]!r}."
            )
        numbers = numbers.astype("int64")
    else:
        numbers = numbers.astype("float64")
    negative = numbers < 0
    if negative.any():
        position = int(negative.to_numpy().nonzero()[0][0])
        raise ChurnDataError(
            f"{path.name}, {_row_of(position)}: column {column.name!r} is negative ({values.iloc[position]!r}); it cannot be."
        )
    return numbers



@course_function
def with_made_up_exit_survey(customers: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """A copy of the data with one invented column, ``exit_survey_done``, for the leakage lesson.

    The column is made up (the real data has nothing like it): 1 for about
    60 % of churners, as if they had answered the survey we send when a
    customer cancels, 0 for everyone else. It is only known after a customer
    has left, so a model could never use it to predict who will leave.
    """
    customers = validate.dataframe(customers, "customers", needs=("churn",))
    rng = np.random.default_rng(validate.whole_number(seed, "seed", example="7"))
    churned = customers["churn"].eq("Yes").to_numpy()
    answered = churned & (rng.random(len(customers)) < 0.6)
    return customers.assign(exit_survey_done=answered.astype("int64"))
