"""churnlab.data: the shipped CSV loads as documented, and every bad file gets a friendly ChurnDataError."""
from __future__ import annotations

import hashlib
import zipfile

import pandas as pd
import pytest

from churnlab import data
from churnlab.data import CHURN_CSV, COLUMN_NAMES, data_dictionary, load_churn
from churnlab.errors import ChurnDataError, CourseError

CSV_TEXT = CHURN_CSV.read_text(encoding="utf-8")
HEADER, *ROWS = CSV_TEXT.splitlines()


# --- the shipped file ----------------------------------------------------------------


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return load_churn()


def test_loads_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_churn().shape == (7043, 21)


def test_shape_columns_and_ids(customers):
    assert customers.shape == (7043, 21)
    assert tuple(customers.columns) == COLUMN_NAMES
    assert customers["customer_id"].iloc[0] == "C0001"
    assert customers["customer_id"].iloc[-1] == "C7043"
    assert customers["customer_id"].is_unique


def test_churn_rate_is_26_54_percent(customers):
    churned = customers["churn"].eq("Yes")
    assert churned.sum() == 1869
    assert round(churned.mean(), 4) == 0.2654


def test_numbers_are_numbers(customers):
    assert customers["tenure"].dtype == "int64"
    assert customers["monthly_charges"].dtype == "float64"
    assert customers["total_charges"].dtype == "float64"
    assert (customers["tenure"].min(), customers["tenure"].max()) == (0, 72)


def test_the_11_empty_totals_are_all_new_customers(customers):
    empty = customers["total_charges"].isna()
    assert empty.sum() == 11
    assert customers.loc[empty, "tenure"].eq(0).all()
    # ...and they are exactly the customers with tenure 0.
    assert customers["tenure"].eq(0).sum() == 11


def test_shipped_file_matches_its_checksum():
    recorded = data.CHURN_CSV_CHECKSUM.read_text(encoding="utf-8").split()
    assert recorded[1] == "telco_churn.csv"
    assert hashlib.sha256(CHURN_CSV.read_bytes()).hexdigest() == recorded[0]
    assert data.file_checksum() == data.expected_checksum() == recorded[0]


def test_data_dictionary_has_one_row_per_column(customers):
    dictionary = data_dictionary()
    assert list(dictionary.index) == list(customers.columns)
    assert dictionary["meaning"].str.len().gt(0).all()
    assert dictionary.loc["tenure", "unit or values"] == "months"
    assert dictionary.loc["churn", "unit or values"] == "No / Yes"


def test_made_up_exit_survey_is_only_for_churners(customers):
    with_survey = data.with_made_up_exit_survey(customers)
    assert "exit_survey_done" not in customers.columns  # a copy, not a change
    answered = with_survey["exit_survey_done"].eq(1)
    assert with_survey.loc[answered, "churn"].eq("Yes").all()
    assert 0.5 < answered.sum() / customers["churn"].eq("Yes").sum() < 0.7


def test_errors_are_value_errors_and_course_errors():
    assert issubclass(ChurnDataError, ValueError)
    assert issubclass(ChurnDataError, CourseError)


# --- bad files -------------------------------------------------------------------------
# Each builder writes a broken variant of the real CSV into tmp_path and returns its path.


def _write(tmp_path, content, name="customers.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _csv(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def _with_cell(row_number: int, column: str, value: str) -> str:
    """The real CSV with one cell changed; row_number counts data rows from 1 (file line row_number + 1)."""
    rows = list(ROWS)
    cells = rows[row_number - 1].split(",")
    cells[COLUMN_NAMES.index(column)] = value
    rows[row_number - 1] = ",".join(cells)
    return _csv(HEADER, rows)


def _without_column(column: str) -> str:
    position = COLUMN_NAMES.index(column)
    drop = lambda line: ",".join(cell for i, cell in enumerate(line.split(",")) if i != position)  # noqa: E731
    return _csv(drop(HEADER), [drop(row) for row in ROWS])


def _xlsx_bytes(tmp_path) -> bytes:
    # A spreadsheet is a zip archive: its bytes start with "PK\x03\x04" and contain NULs.
    archive = tmp_path / "book.xlsx"
    with zipfile.ZipFile(archive, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
    return archive.read_bytes()


BAD_FILES = {
    # name: (builder(tmp_path) -> path, words the message must contain)
    "missing file": (lambda tmp: tmp / "nowhere.csv", ["No data file", "nowhere.csv"]),
    "a folder": (lambda tmp: tmp, ["is a folder"]),
    "empty file": (lambda tmp: _write(tmp, ""), ["is empty"]),
    "header only": (lambda tmp: _write(tmp, HEADER + "\n"), ["header but no customer rows"]),
    "missing column": (lambda tmp: _write(tmp, _without_column("tenure")), ["'tenure'", "missing"]),
    "renamed column": (
        lambda tmp: _write(tmp, CSV_TEXT.replace("customer_id,churn,", "customer_id,Churn,", 1)),
        ["'churn' is missing", "'Churn'", "Rename it back to 'churn'"],
    ),
    "text in a number column": (
        lambda tmp: _write(tmp, _with_cell(10, "tenure", "ten")),
        ["line 11", "'tenure'", "should be a number", "'ten'"],
    ),
    "unexpected label value": (
        lambda tmp: _write(tmp, _with_cell(3, "churn", "Maybe")),
        ["line 4", "'churn'", "'Maybe'", "allowed values are 'No', 'Yes'"],
    ),
    "semicolon-separated": (
        lambda tmp: _write(tmp, CSV_TEXT.replace(",", ";")),
        ["not comma-separated", "';'"],
    ),
    "a spreadsheet, not a CSV": (lambda tmp: _write(tmp, _xlsx_bytes(tmp)), ["not a CSV text file", "binary"]),
    "ragged row": (
        lambda tmp: _write(tmp, _csv(HEADER, ROWS[:99] + [ROWS[99] + ",surprise"] + ROWS[100:])),
        ["more values than the header", "line 101", "more values than the header"],
    ),
    "non-UTF-8 bytes": (
        lambda tmp: _write(tmp, _with_cell(1, "payment_method", "Chèque").encode("latin-1")),
        ["not UTF-8", "CSV UTF-8"],
    ),
    "empty required text": (
        lambda tmp: _write(tmp, _with_cell(20, "contract", "")),
        ["line 21", "'contract' is empty"],
    ),
    "empty required number": (
        lambda tmp: _write(tmp, _with_cell(20, "monthly_charges", "")),
        ["line 21", "'monthly_charges' is empty"],
    ),
    "flag not 0/1": (
        lambda tmp: _write(tmp, _with_cell(5, "partner", "Yes")),
        ["line 6", "'partner'"],
    ),
    "flag 2": (
        lambda tmp: _write(tmp, _with_cell(5, "senior_citizen", "2")),
        ["line 6", "'senior_citizen'", "0 or 1"],
    ),
    "fractional months": (
        lambda tmp: _write(tmp, _with_cell(7, "tenure", "1.5")),
        ["line 8", "'tenure'", "whole number"],
    ),
    "negative charges": (
        lambda tmp: _write(tmp, _with_cell(30, "monthly_charges", "-20.5")),
        ["line 31", "'monthly_charges'", "negative"],
    ),
    "duplicated customer_id": (
        lambda tmp: _write(tmp, _with_cell(2, "customer_id", "C0001")),
        ["'C0001'", "more than once"],
    ),
    "unclosed quote": (
        lambda tmp: _write(tmp, _csv(HEADER, ROWS[:50] + ['"' + ROWS[50]] + ROWS[51:])),
        ["line 52", "never closed"],
    ),
    "tab-separated": (lambda tmp: _write(tmp, CSV_TEXT.replace(",", "\t")), ["not comma-separated", "'\\t'"]),
    "no delimiter at all": (
        lambda tmp: _write(tmp, "<html><body>404 Not Found</body></html>\n"),
        ["not comma-separated", "no comma"],
    ),
    "only whitespace": (lambda tmp: _write(tmp, "  \n\n  \n"), ["is empty"]),
    "unrelated CSV": (
        lambda tmp: _write(tmp, "a,b\n1,2\n"),
        ["'customer_id' is missing", "and 20 more", "all 21 columns"],
    ),
    "random bytes": (lambda tmp: _write(tmp, bytes(range(1, 256)) * 8), ["not UTF-8"]),
    "UTF-16 text": (lambda tmp: _write(tmp, CSV_TEXT[:3000].encode("utf-16")), ["not a CSV text file"]),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_file_raises_a_friendly_churn_data_error(case, tmp_path):
    build, words = BAD_FILES[case]
    path = build(tmp_path)
    # pytest.raises(ChurnDataError) lets any other exception (a pandas ParserError,
    # a UnicodeDecodeError, a KeyError...) escape and fail the test.
    with pytest.raises(ChurnDataError) as caught:
        load_churn(path)
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} not in: {message}"
    assert "Traceback" not in message


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_no_library_exception_leaks_out(case, tmp_path):
    build, _ = BAD_FILES[case]
    path = build(tmp_path)
    try:
        load_churn(path)
    except ChurnDataError as error:
        # The learner sees one line: no chained pandas/codec traceback behind it.
        assert error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__
    else:
        pytest.fail(f"{case}: load_churn accepted a bad file")


def test_a_harmless_variant_still_loads(tmp_path):
    # Windows line endings and surrounding spaces are not errors.
    text = CSV_TEXT.replace("\n", "\r\n").replace(",Month-to-month,", ", Month-to-month ,")
    customers = load_churn(_write(tmp_path, text))
    assert customers.shape == (7043, 21)
    assert customers["contract"].eq("Month-to-month").sum() == 3875


def test_path_can_be_a_string(tmp_path):
    path = _write(tmp_path, CSV_TEXT)
    assert len(load_churn(str(path))) == 7043


# --- known gaps in churnlab/data.py (see the datasheet author's report) ---------------


def test_extra_value_in_the_first_row_is_reported_as_a_ragged_row(tmp_path):
    path = _write(tmp_path, _csv(HEADER, [ROWS[0] + ",surprise"] + ROWS[1:]))
    with pytest.raises(ChurnDataError, match="line 2"):
        load_churn(path)
    with pytest.raises(ChurnDataError, match="more values than the header"):
        load_churn(path)


def test_row_with_a_value_too_few_is_rejected(tmp_path):
    truncated = ROWS[100].rsplit(",", 1)[0]  # total_charges cut off (may legitimately be empty)
    with pytest.raises(ChurnDataError, match="line 102"):
        load_churn(_write(tmp_path, _csv(HEADER, ROWS[:100] + [truncated] + ROWS[101:])))


def test_non_utf8_bytes_late_in_the_file_are_named_as_an_encoding_problem(tmp_path):
    path = _write(tmp_path, _with_cell(5000, "payment_method", "Chèque").encode("latin-1"))
    with pytest.raises(ChurnDataError) as caught:
        load_churn(path)
    assert "not UTF-8" in str(caught.value)
    assert "more values than the header" not in str(caught.value)


def test_valid_utf8_file_with_a_character_across_the_4096_byte_mark_loads(tmp_path):
    raw = CSV_TEXT.encode("utf-8")
    start = raw.rfind(b"\nC", 0, 4096) + 1  # the customer id of the row that crosses byte 4096
    old_id = raw[start:raw.index(b",", start)].decode()
    new_id = old_id + "x" * (4095 - start - len(old_id)) + "é"  # "é" takes bytes 4095 and 4096
    path = _write(tmp_path, CSV_TEXT.replace(f"\n{old_id},", f"\n{new_id},", 1))
    assert new_id in load_churn(path)["customer_id"].tolist()


# --- the datasheet (datasets/README.md) states what the file holds ---------------------------


def test_datasheet_numbers_match_the_file(customers):
    datasheet = (data.DATASETS_DIR / "README.md").read_text(encoding="utf-8")
    assert f"`{data.expected_checksum()}`" in datasheet
    churned = customers["churn"].eq("Yes")
    assert f"{churned.sum():,} of {len(customers):,} customers churned ({churned.mean():.2%}".replace("%", " %") in datasheet
    assert f"{CHURN_CSV.stat().st_size:,} bytes" in datasheet
    empty_ids = customers.loc[customers["total_charges"].isna(), "customer_id"]
    assert ", ".join(f"`{i}`" for i in empty_ids) in datasheet.replace("\n", " ")
    # One table row per column of the data dictionary, in order.
    rows = [line.split("|")[1].strip() for line in datasheet.splitlines() if line.startswith("| `")]
    assert rows == [f"`{name}`" for name in COLUMN_NAMES]
    for column in ("contract", "payment_method", "internet_service"):
        for value, count in customers[column].value_counts().items():
            assert f"{value}: {count:,} ({count / len(customers):.1%})".replace("%", " %") in datasheet, (column, value)
