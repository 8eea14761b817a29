"""What ``simulate`` returns (``SimulatedMonths``), and reading it: ``caption``, ``calibration_table``."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.validate import course_function
from churnlab.model import course_split
from churnlab.world.dates import _month_label, _simulated
from churnlab.world.policies import _checked_threshold
from churnlab.world.scoring import _model_columns


@dataclass(frozen=True, eq=False)
class SimulatedMonths:
    """What ``simulate`` returns: the logs a team would have, and the truth behind them (all simulated).

    Logs: ``customers``, ``predictions``, ``contacts``, ``outcomes``, ``assignments``.
    Truth: ``truth`` (per month), ``truth_by_arm``, ``truth_by_customer``, ``incidents``,
    ``settings``. The module docstring (``help(world)``) lists every column.
    """

    customers: pd.DataFrame
    predictions: pd.DataFrame
    contacts: pd.DataFrame
    outcomes: pd.DataFrame
    assignments: pd.DataFrame
    truth: pd.DataFrame
    truth_by_arm: pd.DataFrame
    truth_by_customer: pd.DataFrame
    incidents: pd.DataFrame
    settings: dict
    scenario: object = field(default=None, repr=False)  # the world.Scenario it ran
    _models: dict = field(default_factory=dict, repr=False)

    @property
    def caption(self) -> str:
        return self.settings["caption"]

    def __repr__(self) -> str:
        s = self.settings
        rows = len(self.customers)
        return (f"{s['caption']}\n"
                f"  {s['months']} months ({_month_label(1)} to {_month_label(s['months'])}), {rows:,} customer-months, "
                f"policy: {s['policy']}\n"
                "  logs: customers, predictions, contacts, outcomes, assignments\n"
                "  truth: truth, truth_by_arm, truth_by_customer, incidents, settings")


def _checked_simulation(value, name: str = "simulation") -> SimulatedMonths:
    if isinstance(value, SimulatedMonths):
        return value
    if isinstance(value, pd.DataFrame):
        raise CourseError(f"{name} should be the whole result of world.simulate(...) (e.g. year), not one of its tables.")
    raise CourseError(f"{name} should be the result of world.simulate(...), like year = world.simulate(seed=7), "
                      f"not {validate.kind_of(value)}.")


@course_function
def caption(table_or_simulation) -> str:
    """The line that says the data is simulated: print it above any table or plot of simulated months.

    Takes the result of ``simulate`` or any table it returned.
    """
    if isinstance(table_or_simulation, SimulatedMonths):
        return table_or_simulation.caption
    if isinstance(table_or_simulation, pd.DataFrame):
        if table_or_simulation.attrs.get("simulated"):
            return table_or_simulation.attrs.get("caption", "Simulated data. Not real customers.")
        raise CourseError("This table does not carry the 'simulated' mark (a table computed from a simulated one may lose "
                          "it): pass the simulation itself, e.g. world.caption(year).")
    raise CourseError("caption needs the result of world.simulate(...) or one of its tables, "
                      f"not {validate.kind_of(table_or_simulation)}.")


@course_function
def calibration_table(simulation: SimulatedMonths, month: int = 1, threshold: float | None = None) -> pd.DataFrame:
    """Does the model mean the same on a simulated month as on the test set? One row each.

    For the customers the model flags (score at or above ``threshold``, by default the
    break-even 1/6): their mean score and their churn rate within the horizon, and the
    ROC-AUC over all customers. On the simulated month, ``churn rate of flagged`` is what
    the outcome log shows (a live campaign saves some of them, so it is lower than the
    mean score); ``... without campaign`` is the truth with no offers. Labels must be
    known: a month is ready ``horizon_months`` after its start (see ``labels_as_of``).

    A month no offer touches, where the outcome log itself is the churn without campaign:
    ``simulate(policy="none", ...)`` and month 3 or later (offers made before launch
    still protect some customers in months 1 and 2).

    The world's truth is not the model, so the two rows differ as they would in a company:
    on month 4 of ``simulate(months=4, seed=7, policy="none", labels_as_of="2027-07-01")``
    the champion's flagged customers leave more often than their mean score says (48 %
    against 0.42) and its ROC-AUC is 0.77 (test set: 0.84).
    """
    from sklearn.metrics import roc_auc_score

    simulation = _checked_simulation(simulation)
    last = simulation.settings["months"]
    month = validate.whole_number(month, "month", low=1, example="1")
    if month > last:
        raise CourseError(f"month is {month}, but the simulation has {last} month{'s' if last != 1 else ''}.")
    cut = _checked_threshold(threshold)
    cut = simulation.settings["threshold"] if cut is None else cut
    rows = simulation.outcomes["month"].eq(month).to_numpy()
    labels = simulation.outcomes.loc[rows, "churned"]
    if labels.isna().any():
        known_on = simulation.outcomes.loc[rows, "label_known_on"].iloc[0]
        raise CourseError(f"the labels of month {month} are not known yet: they arrive on {known_on:%Y-%m-%d}, after "
                          f"labels_as_of ({simulation.settings['labels_as_of']}). Simulate with labels_as_of='{known_on:%Y-%m-%d}' "
                          "or pick an earlier month.")
    scores = simulation.predictions.loc[rows, "churn_score"].to_numpy()
    ok = ~np.isnan(scores)
    observed = labels.to_numpy(dtype=np.int64)
    without = simulation.truth_by_customer.loc[rows, "churned_without_campaign"].to_numpy()
    model = simulation._models[month]
    split = course_split()
    test_scores = model.predict_proba(split.X_test[_model_columns(model, "model")])[:, 1]
    test_labels = split.y_test.to_numpy()

    def row(name, s, y, y0):
        flagged = s >= cut
        return {"customers": name, "customers scored": len(s), "flagged": int(flagged.sum()),
                "share flagged": float(flagged.mean()),
                "mean score of flagged": float(s[flagged].mean()) if flagged.any() else float("nan"),
                "churn rate of flagged": float(y[flagged].mean()) if flagged.any() else float("nan"),
                "churn rate of flagged without campaign": float(y0[flagged].mean()) if flagged.any() else float("nan"),
                "ROC-AUC": float(roc_auc_score(y, s))}

    table = pd.DataFrame([
        row("test set (real customers)", test_scores, test_labels, test_labels),
        row(f"simulated month {month}", scores[ok], observed[ok], without[ok]),
    ]).set_index("customers")
    return _simulated(table, simulation.caption)
