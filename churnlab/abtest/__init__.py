"""Testing in production (lesson 07): a shadow month, an A/B test's plan and readout, peeking, and their MLflow records.

The lesson runs its tests on the course's simulator (``churnlab.world``): everything
read from a simulation is simulated, and the tables this module returns from one keep
its caption (``world.caption(table)``). The statistics are statsmodels' and SciPy's own:

- sample size: ``statsmodels.stats.power.NormalIndPower().solve_power`` with
  ``statsmodels.stats.proportion.proportion_effectsize`` (``sample_size``); for a decision rule that
  tests against a break-even margin, the same normal approximation, one-sided at alpha/2
  (``sample_size_against_margin``, ``power_against_margin``, ``months_needed``, ``power_curve``,
  ``estimate_when_rule_acts``);
- the effect on churn: ``proportions_ztest`` (p-value) and
  ``confint_proportions_2indep(..., compare="diff")`` (95 % interval) (``compare_arms``);
- sample-ratio mismatch: ``scipy.stats.chisquare`` on the customers assigned (``sample_ratio_check``);
- whom the offer changes: the four kinds of customer by score band, from the simulator's truth
  (``kinds_by_score_band``), and the share of would-be leavers an offer keeps, measured against a
  hold-out (``share_kept``, ``confint_proportions_2indep(..., compare="ratio")``);
- the verdict words of the course (``ArmComparison.verdict``) and a CUPED reading
  (``compare_arms(..., adjust_for="churn_score")``);
- what a plan can expect from the shadow month's own outcomes under lesson 03's assumed offer
  (``expected_from_shadow``), and the same plan replayed on other simulated draws, its decision rule
  applied to each beside the simulator's truth (``read_plan``, ``replay_plan``: the winner's curse);
- peeking: the same z-test, vectorised (``test_proportions_2indep(method="score",
  correction=False)``, which is ``proportions_ztest``'s test), on many A/A splits (``aa_peeking``).

What a lesson does with them::

    from churnlab import abtest, world
    shadow = world.simulate(months=1, seed=7, policy="rule", labels_as_of="2027-04-01")
    reviewed = abtest.customers_under_review(shadow)     # one row per customer under review
    abtest.compare_lists(reviewed)                         # both lists, model only, rule only, neither
    abtest.sample_size(0.265, 0.194)                       # customers per arm
    test = world.ab_test({"model": "model", "rule": "rule", "hold-out": "none"}, split=(45, 45, 10))
    ab = world.simulate(months=3, seed=7, policy=test, labels_as_of="2027-06-01")
    abtest.sample_ratio_check(ab.assignments, test)        # first: is the split what was planned?
    cohort = abtest.customers_under_review(ab)
    abtest.compare_arms(cohort, "model", "hold-out")       # effect, interval, p-value, dollars

The records: the plan is logged as an MLflow run tagged ``PLAN_TAGS`` (its parameters are
the plan), the result as a run tagged ``RESULT_TAGS`` with the plan's run id in the tag
``PLAN_RUN_TAG`` and the metrics of ``result_metrics``. ``churnlab.records.latest_ab_test()``
reads the newest of them back (lesson 09's brief uses it), or returns None when there is none.
That reader lives in its own module so that only notebooks which read MLflow need MLflow
(in Colab, a notebook installs what its imports need: this module needs none of it).
"""
from __future__ import annotations

from churnlab.abtest.peeking import PeekingResult, aa_peeking  # noqa: F401
from churnlab.abtest.plan import (  # noqa: F401
    LABEL_WAIT_MONTHS,
    detectable_lift,
    estimate_when_rule_acts,
    expected_churn,
    expected_from_shadow,
    months_needed,
    power_against_margin,
    power_curve,
    sample_size,
    sample_size_against_margin,
    sample_size_table,
    smallest_lift_worth_detecting,
)  # noqa: F401
from churnlab.abtest.readout import (  # noqa: F401
    SRM_ALARM,
    ArmComparison,
    SampleRatioCheck,
    chance_in_words,
    churn_by_list_and_arm,
    compare_arms,
    comparison_table,
    sample_ratio_check,
    true_effect,
)
from churnlab.abtest.review import (  # noqa: F401
    LISTS,
    compare_lists,
    customers_under_review,
    score_check,
    traits_by_list,
)
from churnlab.abtest.uplift import (  # noqa: F401
    CUSTOMER_TYPES,
    SCORE_BANDS,
    ShareKept,
    kinds_by_score_band,
    share_kept,
)
from churnlab.abtest.replay import read_plan, replay_plan  # noqa: F401
from churnlab.abtest.runs import (  # noqa: F401
    PLAN_PARAMS,
    PLAN_RUN_TAG,
    PLAN_TAGS,
    RESULT_TAGS,
    result_metrics,
)

__all__ = [
    "CUSTOMER_TYPES", "LABEL_WAIT_MONTHS", "SCORE_BANDS", "ShareKept", "score_check", "detectable_lift", "kinds_by_score_band", "share_kept",
    "ArmComparison", "LISTS", "PLAN_PARAMS", "PLAN_RUN_TAG", "PLAN_TAGS", "PeekingResult", "RESULT_TAGS",
    "SampleRatioCheck", "SRM_ALARM", "aa_peeking", "chance_in_words", "compare_arms", "compare_lists",
    "comparison_table", "churn_by_list_and_arm", "customers_under_review", "estimate_when_rule_acts", "expected_churn", "expected_from_shadow", "read_plan", "replay_plan", "months_needed",
    "power_against_margin", "power_curve", "result_metrics", "smallest_lift_worth_detecting",
    "sample_ratio_check", "sample_size", "sample_size_against_margin", "sample_size_table", "traits_by_list", "true_effect",
]
