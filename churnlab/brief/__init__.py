"""The one-page product brief (lesson 09), built from the learner's own tracked work.

The learner writes the words (``words()``: the problem, who decides, the readiness verdict,
risks, privacy, user stories); the package fills every number from the MLflow runs that
lessons 05-08 logged (``collect_evidence()``), and says which run each number came from (by
its name). ``write_brief()`` renders both with Jinja2 templates (``churnlab/templates/``)
into a Markdown file and a self-contained HTML page in the course's work folder.

The brief tells one model's story: lesson 05's champion (C = 0.1), chosen in 05, reviewed in 06,
tested in 07, watched in 08. Its first page (``SECTIONS``) says which model ships and why, reconciles
the readiness verdict with the A/B test in one paragraph (``reconciliation()``), names the one decision
metric, and lists what blocks a launch and what stays open (``blocking_items()``: a model lesson 08 newly
promoted still needs a fairness re-review, a comparison with the rule, a shadow month, then an A/B test; the
champion itself needs its fairness review while it ships; the readiness table's "to check" rows, the test's
open questions, the offer as measured and lesson 08's open actions). The details go to an appendix
(``APPENDIX``), which the HTML page prints from a new page.

The readiness edge carries its paired-bootstrap interval over the test customers, with the best rule chosen on
the training customers (``product.churn_campaign_numbers()``), and the verdict's words follow the interval.
Where a lesson's runs are missing, the brief says so; the readiness numbers (``product``), lesson 06's gaps
(the champion on the real test customers, ``fairness``) and lesson 07's test (``course_ab_test()``, the same
design and seed replayed, read with CUPED as lesson 07 does) are then computed by the course and labelled so,
which is how lesson 09 runs in an empty work folder.

What is read, and with what:

- lesson 05: the registered model ``tracking.MODEL_NAME`` and its alias ``champion``
  (``MlflowClient.get_model_version_by_alias``), the run the champion came from, and the
  model runs (``params.kind = 'model'``) and rule runs (``params.kind = 'rule'``) of the
  experiment (``MlflowClient.search_runs``): the rule the model beat, and by how much;
- lesson 06: ``records.latest_fairness_review()``;
- lesson 07: ``records.latest_ab_test()`` (simulated);
- lesson 08: ``monitoring.latest_monitoring_plan()`` and ``monitoring.latest_retrain()`` (simulated); the plan
  run's tags ``alerts_fired`` (what the simulated year's monitoring found) and ``open_actions`` (items separated
  by " | "), and its no-change PSI (``psi_no_change_p99``).

A lesson whose runs are missing (a learner skipped it, or, in Colab, ran it on another
machine) does not stop the brief: its section says what is missing and which lesson to run.
Reading never creates a store, and the brief logs nothing: the champion never moves.

Module by module: settings (the files, sections, decision metric and the learner's ``words()``), evidence (reading
the runs, or computing what is missing), verdicts (readiness and the test reconciled; what blocks a launch),
formatting (numbers as each output shows them), render (the templates and the files).
"""
from __future__ import annotations

from churnlab.brief.evidence import Evidence, Missing, collect_evidence, course_ab_test
from churnlab.brief.formatting import _plain_dollars  # noqa: F401 (tests read it)
from churnlab.brief.render import BriefFiles, render, write_brief
from churnlab.brief.settings import (  # noqa: F401
    APPENDIX,
    BRIEF_FILES,
    COLAB_NEEDS,
    DECISION_METRIC,
    PROXY,
    SECTIONS,
    TEMPLATES,
    BriefWords,
    words,
)
from churnlab.brief.verdicts import (  # noqa: F401
    _NEW_MODEL_NEEDS,
    BlockingItem,
    _promoted,
    blocking_items,
    reconciliation,
)

__all__ = ["APPENDIX", "BRIEF_FILES", "SECTIONS", "BlockingItem", "BriefFiles", "BriefWords", "Evidence", "Missing",
           "blocking_items", "collect_evidence", "course_ab_test", "reconciliation", "render", "words", "write_brief"]
