"""What lesson 07 logs in MLflow: the tags of its plan and result runs, and the result's metrics (``churnlab.records``
reads them back)."""
from __future__ import annotations

from churnlab._base import validate
from churnlab._base.errors import CourseError
from churnlab._base.tags import run_tags
from churnlab._base.validate import course_function
from churnlab.abtest.readout import ArmComparison, SampleRatioCheck

PLAN_RUN_TAG = "churnlab.plan_run_id"
PLAN_TAGS = run_tags("07", "ab_test_plan")
RESULT_TAGS = run_tags("07", "ab_test_result")
# What a plan run must hold (its parameters): the plan written before any data.
# ``customers_per_arm`` is the size the test reaches in its planned months (compared customers per arm), and ``power``
# how often its decision rule acts at that size if the ``hoped_for_effect`` is real, testing against the
# ``break_even_margin`` (both changes in churn, negative: a drop); ``target_power`` and
# ``customers_per_arm_for_target_power`` say what a test that reaches the target would need.
PLAN_PARAMS = ("arms", "split", "unit", "assignment", "trigger", "decision_metric", "guardrails", "alpha", "power",
               "target_power", "break_even_margin", "hoped_for_effect", "customers_per_arm",
               "customers_per_arm_for_target_power", "decision_rule")


# --- what the result run logs (churnlab.records reads it back) ---------------------------------------


@course_function
def result_metrics(srm: SampleRatioCheck, decision: ArmComparison, campaign: ArmComparison | None = None) -> dict[str, float]:
    """The numbers an A/B test result run logs, as MLflow metrics (names below, shares as fractions, dollars per customer).

    From ``srm``: ``srm_p_value``, ``srm_mismatch`` (1 or 0) and ``customers_<arm>``. From
    ``decision`` (the comparison the decision rule reads): ``customers_treatment``,
    ``customers_control``, ``churn_treatment``, ``churn_control``, ``effect``,
    ``effect_low``, ``effect_high``, ``p_value``, ``dollars_per_customer``,
    ``dollars_per_customer_low``, ``dollars_per_customer_high``. From ``campaign`` (the
    campaign against the hold-out), if given, the same names starting with ``campaign_``.
    """
    if not isinstance(srm, SampleRatioCheck):
        raise CourseError(f"srm should be the result of abtest.sample_ratio_check(...), not {validate.kind_of(srm)}.")
    metrics = {"srm_p_value": srm.p_value, "srm_mismatch": float(srm.mismatch)}
    for arm, customers in srm.table["customers"].items():
        metrics[f"customers_{_metric_key(str(arm))}"] = float(customers)
    for prefix, comparison in (("", decision), ("campaign_", campaign)):
        if comparison is None and prefix:
            continue
        if not isinstance(comparison, ArmComparison):
            name = "campaign" if prefix else "decision"
            raise CourseError(f"{name} should be the result of abtest.compare_arms(...), not {validate.kind_of(comparison)}.")
        low, high = comparison.dollars_interval
        metrics.update({
            f"{prefix}customers_treatment": float(comparison.customers[0]),
            f"{prefix}customers_control": float(comparison.customers[1]),
            f"{prefix}churn_treatment": comparison.churn_rate[0], f"{prefix}churn_control": comparison.churn_rate[1],
            f"{prefix}effect": comparison.effect, f"{prefix}effect_low": comparison.low, f"{prefix}effect_high": comparison.high,
            f"{prefix}p_value": comparison.p_value, f"{prefix}dollars_per_customer": comparison.dollars_per_customer,
            f"{prefix}dollars_per_customer_low": low, f"{prefix}dollars_per_customer_high": high,
        })
    return {name: float(value) for name, value in metrics.items()}


def _metric_key(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_-./" else "_" for ch in text)
