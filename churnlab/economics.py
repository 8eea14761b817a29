"""Campaign economics: turn churn scores into dollars.

A retention campaign contacts some customers and offers them a reason to stay.
Three numbers decide whether that makes money:

- ``value_of_saved_customer``: what keeping one churner is worth to us (dollars);
- ``acceptance_rate``: the share of contacted *churners* who accept the offer and stay;
- ``cost_per_contact``: what one contact costs (the call, the discount paid to everyone contacted...).

Contacting a churner is worth ``acceptance_rate × value_of_saved_customer`` on
average; every contact, churner or not, costs ``cost_per_contact``. So a
contact pays off when the customer's churn probability is above the
**break-even probability** ``cost ÷ (value × acceptance)``: $10 ÷ ($200 × 30 %)
≈ 0.167 with the course's defaults.

The functions take the true outcomes ``y_true`` (1 = churned, 0 = stayed) and
either the list of contacted customers or churn scores (higher = riskier).
Every problem with an input raises ``CourseError`` with a message that says
what to fix.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from churnlab import validate
from churnlab.errors import CourseError
from churnlab.validate import course_function

__all__ = [
    "CampaignEconomics",
    "best_threshold",
    "calibration_table",
    "compare_campaigns",
    "describe_threshold",
    "dollars",
    "expected_campaign_profit",
    "profit_at_threshold",
    "profit_columns",
    "profit_curve",
    "threshold_table",
    "top_k_contact_share",
    "top_k_order",
    "top_k_profit",
    "top_k_profit_per_customer",
]

TIES = ("by position", "at random")


def _checked_threshold(threshold, scores: np.ndarray) -> float:
    if isinstance(threshold, numbers.Real) and not isinstance(threshold, (bool, np.bool_)) and threshold == math.inf:
        return math.inf  # "contact nobody", what best_threshold returns when no threshold pays
    return validate.threshold(threshold, scores)


@dataclass(frozen=True)
class CampaignEconomics:
    """What a retention campaign gains and spends, with the course's defaults.

    ``value_of_saved_customer`` (dollars, above 0): what one kept churner is worth.
    ``acceptance_rate`` (a fraction, above 0 and at most 1): share of contacted churners who stay.
    ``cost_per_contact`` (dollars, 0 or more): what each contact costs, churner or not.
    """

    value_of_saved_customer: float = 200.0
    acceptance_rate: float = 0.30
    cost_per_contact: float = 10.0

    def __post_init__(self):
        value = validate.number(self.value_of_saved_customer, "value_of_saved_customer", example="200")
        acceptance = validate.number(self.acceptance_rate, "acceptance_rate", example="0.3")
        cost = validate.number(self.cost_per_contact, "cost_per_contact", example="10")
        if value <= 0:
            raise CourseError(
                f"value_of_saved_customer is {value:g}: keeping a customer must be worth more than $0, "
                "or no campaign can ever pay off. Use a positive dollar amount, like 200."
            )
        if cost < 0:
            raise CourseError(
                f"cost_per_contact is {cost:g}: a contact cannot cost less than $0. "
                "Use 0 or a positive dollar amount, like 10."
            )
        if not 0 < acceptance <= 1:
            raise CourseError(
                f"acceptance_rate is {acceptance:g}; it is a share of contacted churners, so it must be "
                "above 0 and at most 1 (0.3 means 30 % accept the offer)." + validate.percentage_hint(acceptance)
            )
        # Store plain floats, so numpy numbers or ints give the same object (and the same repr).
        object.__setattr__(self, "value_of_saved_customer", value)
        object.__setattr__(self, "acceptance_rate", acceptance)
        object.__setattr__(self, "cost_per_contact", cost)

    @property
    def saving_per_churner_contacted(self) -> float:
        """Average dollars gained by contacting one churner: acceptance × value."""
        return self.acceptance_rate * self.value_of_saved_customer

    @property
    def break_even_probability(self) -> float:
        """The churn probability above which a contact pays for itself: cost ÷ (value × acceptance)."""
        return self.cost_per_contact / self.saving_per_churner_contacted


DEFAULT_ECONOMICS = CampaignEconomics()


# --- checking inputs ---------------------------------------------------------------------
# The generic checks (one value per customer, outcomes, scores, same customers) live in
# churnlab.validate; here only what is about money.


def _checked_economics(economics) -> CampaignEconomics:
    if not isinstance(economics, CampaignEconomics):
        raise CourseError(
            f"economics should be a CampaignEconomics(...), not {validate.kind_of(economics)}. "
            "Example: CampaignEconomics(value_of_saved_customer=200, acceptance_rate=0.3, cost_per_contact=10)."
        )
    return economics


def _checked_pair(y_true, other, other_name: str, check_other) -> tuple[np.ndarray, np.ndarray]:
    outcomes = validate.outcomes(y_true)
    values = check_other(other, other_name)
    validate.same_customers(y_true, other, "y_true", other_name)
    return outcomes, values


# --- profit ---------------------------------------------------------------------------------


def _profit(churners_reached, customers_contacted, economics: CampaignEconomics):
    return churners_reached * economics.saving_per_churner_contacted - customers_contacted * economics.cost_per_contact


@course_function
def expected_campaign_profit(y_true, contacted, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> float:
    """Expected dollars from contacting the customers marked True in ``contacted``.

    profit = contacted churners × acceptance × value − number contacted × cost
    (0 when nobody is contacted). Example with the defaults: contacting 10
    customers of whom 4 churn gives 4 × 0.3 × $200 − 10 × $10 = $140.
    """
    economics = _checked_economics(economics)
    outcomes, chosen = _checked_pair(y_true, contacted, "contacted", validate.flags)
    churners_reached = int(outcomes[chosen].sum())
    return float(_profit(churners_reached, int(chosen.sum()), economics))


@course_function
def profit_at_threshold(y_true, churn_scores, threshold: float, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> float:
    """Expected dollars from contacting every customer whose score is at or above ``threshold``.

    For probabilities the threshold must be between 0 and 1; for other scores
    (e.g. risk points 0–5) any number works. ``math.inf`` means "contact nobody" ($0).
    """
    economics = _checked_economics(economics)
    outcomes, scores = _checked_pair(y_true, churn_scores, "churn_scores", validate.scores)
    cut = _checked_threshold(threshold, scores)
    contacted = scores >= cut
    return float(_profit(int(outcomes[contacted].sum()), int(contacted.sum()), economics))


@course_function
def profit_curve(
    y_true, churn_scores, economics: CampaignEconomics = DEFAULT_ECONOMICS, thresholds=None
) -> pd.DataFrame:
    """Expected profit at every threshold, one row per threshold (lowest first).

    Columns: ``threshold`` (contact customers with score >= threshold),
    ``customers_contacted``, ``churners_reached`` and ``expected_profit`` (dollars).
    By default the thresholds are the distinct scores, which covers every
    possible campaign; pass ``thresholds`` to choose your own. Computed with
    sorting and cumulative sums, so 1,409 customers take a millisecond.
    """
    economics = _checked_economics(economics)
    outcomes, scores = _checked_pair(y_true, churn_scores, "churn_scores", validate.scores)
    if thresholds is None:
        cuts = np.unique(scores)
    else:
        cuts = np.array([_checked_threshold(t, scores) for t in validate.numbers_per_item(thresholds, "thresholds")], dtype=np.float64)
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    # churners_at_or_above[i] = churners among customers ranked i and above (in ascending order).
    churners_at_or_above = np.concatenate([np.cumsum(outcomes[order][::-1])[::-1], [0]])
    first_contacted = np.searchsorted(sorted_scores, cuts, side="left")
    contacted = len(scores) - first_contacted
    reached = churners_at_or_above[first_contacted]
    return pd.DataFrame(
        {
            "threshold": cuts,
            "customers_contacted": contacted.astype(np.int64),
            "churners_reached": reached.astype(np.int64),
            "expected_profit": _profit(reached, contacted, economics).astype(np.float64),
        }
    )


@course_function
def best_threshold(y_true, churn_scores, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> float:
    """The threshold with the highest expected profit (one of the customers' scores).

    Two thresholds with the same profit: the higher one wins (fewer contacts for
    the same money). If no threshold makes money, returns ``math.inf``: the
    profit-best campaign is to contact nobody.
    """
    curve = profit_curve(y_true, churn_scores, economics)
    if curve.empty or curve["expected_profit"].max() <= 0:
        return math.inf
    profits = curve["expected_profit"].to_numpy()
    best = np.flatnonzero(profits == profits.max())[-1]
    return float(curve["threshold"].iloc[best])


@course_function
def top_k_order(churn_scores) -> np.ndarray:
    """Positions of customers from highest to lowest score.

    Ties are broken by position: among customers with the same score, the one
    that comes first in ``churn_scores`` is contacted first. The same input
    always gives the same campaign.
    """
    scores = validate.scores(churn_scores)
    # Stable sort of the negated scores keeps tied customers in their original order.
    return np.argsort(-scores, kind="stable")


def _checked_k(k) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Real) or (
        not isinstance(k, numbers.Integral) and not float(k).is_integer()
    ):
        raise CourseError(f"k is the number of customers the team can contact: a whole number like 200, not {k!r}.")
    if k < 0:
        raise CourseError(f"k is {k}: the team cannot contact a negative number of customers. Use 0 or more.")
    return int(k)


@course_function
def top_k_contact_share(churn_scores, k: int, ties: str = "by position") -> np.ndarray:
    """Each customer's share of a contact when the team can call only ``k`` customers (the highest scores).

    1 for customers above the cut, 0 below. Customers tied *at* the cut (a
    scorecard has only six scores, so many tie) are handled by ``ties``:

    - "by position": the first in ``churn_scores`` are called (see ``top_k_order``): 1 or 0;
    - "at random": the average over every random order of the tied customers,
      so each of them gets the same share (e.g. 0.4 when 40 of 100 tied
      customers can be called). Exact, no randomness, and fair to a rule
      whose order within a tie means nothing.
    """
    scores = validate.scores(churn_scores)
    k = min(_checked_k(k), len(scores))
    ties = validate.one_of(ties, "ties", TIES)
    share = np.zeros(len(scores))
    share[top_k_order(scores)[:k]] = 1.0
    if ties == "at random" and 0 < k < len(scores):
        cut = np.sort(scores)[::-1][k - 1]
        tied = scores == cut
        above = int((scores > cut).sum())
        share[tied] = (k - above) / int(tied.sum())
    return share


@course_function
def top_k_profit_per_customer(y_true, churn_scores, k: int, economics: CampaignEconomics = DEFAULT_ECONOMICS,
                              ties: str = "by position") -> np.ndarray:
    """Expected dollars each customer brings a top-``k`` campaign: share of a contact × (churned × acceptance × value − cost).

    Their sum is ``top_k_profit``; ``churnlab.uncertainty.paired_bootstrap`` turns two of them into an interval.
    """
    economics = _checked_economics(economics)
    outcomes, scores = _checked_pair(y_true, churn_scores, "churn_scores", validate.scores)
    share = top_k_contact_share(scores, k, ties)
    return share * (outcomes * economics.saving_per_churner_contacted - economics.cost_per_contact)


@course_function
def top_k_profit(y_true, churn_scores, k: int, economics: CampaignEconomics = DEFAULT_ECONOMICS,
                 ties: str = "by position") -> float:
    """Expected dollars when the team can contact only ``k`` customers: the ``k`` highest scores.

    Capacity, not a threshold, decides who is contacted. Ties at the cut-off
    are broken by position (see ``top_k_order``), or averaged over random
    orders with ``ties="at random"`` (see ``top_k_contact_share``). ``k = 0``
    contacts nobody ($0); ``k`` at or above the number of customers contacts everyone.
    """
    return float(round(top_k_profit_per_customer(y_true, churn_scores, k, economics, ties).sum(), 6))


@course_function
def dollars(amount: float) -> str:
    """Whole dollars with a thousands separator and the sign in front: 12010 -> '$12,010', -3450 -> '-$3,450'."""
    rounded = round(validate.number(amount, "amount", example="12010"))
    return f"-${-rounded:,}" if rounded < 0 else f"${rounded:,}"


# --- tables for the lessons ----------------------------------------------------------------------


@course_function
def profit_columns(*economics: CampaignEconomics) -> dict[str, CampaignEconomics]:
    """Name each campaign economics by its contact cost, as a table's profit column: the ``economics`` of
    ``compare_campaigns``.

    ``profit_columns(cheap, expensive)`` gives ``{"profit, 10-dollar contacts": cheap,
    "profit, 30-dollar contacts": expensive}``. The names say "10-dollar", never "$10": JupyterLab
    typesets the text between two dollar signs of a table as maths, and a table has one per column.
    """
    if not economics:
        raise CourseError("Give profit_columns one campaign economics or more, e.g. profit_columns(cheap, expensive).")
    columns = {}
    for each in economics:
        each = _checked_economics(each)
        name = f"profit, {each.cost_per_contact:,g}-dollar contacts"
        if name in columns:
            raise CourseError(f"Two of the economics cost {each.cost_per_contact:g} dollars a contact: their columns would "
                              "have the same name. Give each contact cost once.")
        columns[name] = each
    return columns



@course_function
def threshold_table(
    y_true, churn_scores, thresholds=None, economics: CampaignEconomics = DEFAULT_ECONOMICS
) -> pd.DataFrame:
    """What a campaign looks like at each threshold, in customers and dollars (one row per threshold).

    ``thresholds``: the ones you want to see; by default every distinct score.

    Columns: threshold, customers contacted, churners reached (we call them),
    loyal customers bothered (we call them for nothing), churners missed (we
    never call them), precision, recall, F1 and expected profit ($).
    Precision is 0 when nobody is contacted (no calls, no hits).
    """
    curve = profit_curve(y_true, churn_scores, economics, thresholds=thresholds)
    all_churners = int(validate.outcomes(y_true).sum())
    contacted, reached = curve["customers_contacted"], curve["churners_reached"]
    precision = (reached / contacted.where(contacted > 0)).fillna(0.0)
    recall = reached / all_churners if all_churners else reached * 0.0
    f1 = (2 * precision * recall / (precision + recall).where(precision + recall > 0)).fillna(0.0)
    return pd.DataFrame(
        {
            "threshold": curve["threshold"],
            "customers contacted": contacted,
            "churners reached": reached,
            "loyal customers bothered": contacted - reached,
            "churners missed": all_churners - reached,
            "precision": precision,
            "recall": recall,
            "F1": f1,
            "expected profit ($)": curve["expected_profit"],
        }
    )


@course_function
def describe_threshold(y_true, churn_scores, threshold: float, economics: CampaignEconomics = DEFAULT_ECONOMICS) -> str:
    """A few lines describing the campaign at ``threshold`` in customers and dollars."""
    threshold = _checked_threshold(threshold, validate.scores(churn_scores))
    row = threshold_table(y_true, churn_scores, [threshold], economics).iloc[0]
    counts = ("customers contacted", "churners reached", "loyal customers bothered", "churners missed")
    row = {**row.to_dict(), **{name: int(row[name]) for name in counts}}
    return (
        f"Threshold {threshold:.2f}: contact {row['customers contacted']:,} customers.\n"
        f"  churners we call:           {row['churners reached']:>5,}\n"
        f"  loyal customers we bother:  {row['loyal customers bothered']:>5,}\n"
        f"  churners we miss:           {row['churners missed']:>5,}\n"
        f"  precision {row['precision']:.3f} · recall {row['recall']:.3f} · F1 {row['F1']:.3f}\n"
        f"  expected profit: {dollars(row['expected profit ($)'])}"
    )


@course_function
def compare_campaigns(y_true, campaigns: dict, scores: dict | None = None, economics: dict | None = None) -> pd.DataFrame:
    """One row per campaign, judged on the same customers with the same metrics and the same money.

    ``campaigns``: name -> who is contacted (1/0 or True/False per customer).
    ``scores``: name -> a score per customer, for campaigns that rank customers
    (gives their ROC-AUC; campaigns without a score get NaN: a yes/no rule
    has no ranking to judge). ``economics``: column label -> CampaignEconomics,
    one profit column each, in whole dollars (default: the course's $200 / 30 % / $10).
    """
    from sklearn.metrics import roc_auc_score  # imported here: the rest of the module needs no scikit-learn

    scores = scores or {}
    economics = economics or {"expected profit ($)": DEFAULT_ECONOMICS}
    outcomes = validate.outcomes(y_true)
    if outcomes.size == 0 or outcomes.min() == outcomes.max():
        raise CourseError("Comparing campaigns needs both churners and loyal customers in y_true.")
    unknown = [name for name in scores if name not in campaigns]
    if unknown:
        raise CourseError(f"scores has {unknown[0]!r}, which is not one of the campaigns: use the same names.")
    rows = []
    for name, contacted in campaigns.items():
        _, chosen = _checked_pair(y_true, contacted, f"campaign {name!r}", validate.flags)
        reached, n_contacted = int(outcomes[chosen].sum()), int(chosen.sum())
        precision = reached / n_contacted if n_contacted else 0.0
        recall = reached / int(outcomes.sum())
        row = {
            "campaign": name,
            "customers contacted": n_contacted,
            "precision": precision,
            "recall": recall,
            "F1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "ROC-AUC": float("nan"),
        }
        if name in scores:
            _, campaign_scores = _checked_pair(y_true, scores[name], f"scores[{name!r}]", validate.scores)
            row["ROC-AUC"] = float(roc_auc_score(outcomes, campaign_scores))
        for label, campaign_economics in economics.items():
            row[label] = int(round(float(_profit(reached, n_contacted, _checked_economics(campaign_economics)))))
        rows.append(row)
    return pd.DataFrame(rows).set_index("campaign")


@course_function
def calibration_table(y_true, churn_scores, band_width: float = 0.1) -> pd.DataFrame:
    """Is a score a chance? One row per score band (0–0.1, 0.1–0.2, ...; empty bands left out).

    Columns: ``score band``, ``customers``, ``average score``, ``share who churned``
    (scikit-learn's ``calibration_curve`` with uniform bins gives the same two
    numbers), and ``low``/``high``: the 95 % Wilson interval of that share (a
    band of 40 customers is much noisier than one of 400). A calibrated model
    has each band's average score inside its interval, most of the time.
    """
    from scipy.stats import binomtest  # scipy.stats is slow to import: only lesson 03's calibration needs it

    outcomes, scores = _checked_pair(y_true, churn_scores, "churn_scores", validate.scores)
    if scores.min() < 0 or scores.max() > 1:
        raise CourseError("churn_scores should be probabilities between 0 and 1, like model.predict_proba(X_test)[:, 1]; "
                             "a calibration table reads scores as chances.")
    width = validate.number(band_width, "band_width", example="0.1")
    n_bands = round(1 / width) if width > 0 else 0
    if not 2 <= n_bands <= 20 or not math.isclose(n_bands * width, 1):
        raise CourseError(f"band_width is {width:g}; use a width that splits 0–1 into 2 to 20 equal bands, like 0.1 or 0.2.")
    band = np.minimum((scores * n_bands).astype(int), n_bands - 1)  # a score of exactly 1 goes in the top band
    rows = []
    for number in np.unique(band):
        inside = band == number
        churned, customers = int(outcomes[inside].sum()), int(inside.sum())
        # the Wilson interval, as churnlab.uncertainty.rate_interval gives it (that module builds on this one)
        interval = binomtest(churned, customers).proportion_ci(confidence_level=0.95, method="wilson")
        rows.append({"score band": f"{number / n_bands:.1f}–{(number + 1) / n_bands:.1f}", "customers": customers,
                     "average score": float(scores[inside].mean()), "share who churned": churned / customers,
                     "low": float(interval.low), "high": float(interval.high)})
    return pd.DataFrame(rows)
