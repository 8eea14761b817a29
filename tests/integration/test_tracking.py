"""churnlab.tracking: the course's MLflow set-up, against temporary stores."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from churnlab import tracking
from churnlab.data import load_churn
from churnlab.economics import CampaignEconomics
from churnlab.errors import CourseError
from churnlab.model import make_churn_model, split_customers

from churnlab.workspace import course_relative  # noqa: E402
import mlflow  # noqa: E402  (after churnlab.tracking, which quiets it)
from mlflow import MlflowClient  # noqa: E402


@cache
def _split():
    return split_customers(load_churn())


@cache
def _model():
    split = _split()
    return make_churn_model().fit(split.X_train, split.y_train)


# --- where runs live ---------------------------------------------------------------------------


def test_the_default_store_is_a_sqlite_file_in_the_work_folder(work_folder):
    assert tracking.default_tracking_uri() == "sqlite:///" + (work_folder / "mlflow.db").as_posix()
    assert tracking.tracking_uri() == tracking.default_tracking_uri()


def test_mlflow_tracking_uri_wins_when_an_instructor_sets_it(work_folder, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.example.org:5000")
    assert tracking.tracking_uri() == "http://mlflow.example.org:5000"
    setup = tracking.TrackingSetup("http://mlflow.example.org:5000", "churn-lab", "1")
    assert setup.on_a_server
    assert "tracking server" in setup.where and "http" not in setup.where
    assert "http://mlflow.example.org:5000" in setup.ui_command
    assert tracking._artifact_location("http://mlflow.example.org:5000") is None  # the server decides


def test_setup_creates_the_store_experiment_and_registered_model(work_folder):
    setup = tracking.setup()
    assert (work_folder / "mlflow.db").exists()
    assert mlflow.get_tracking_uri() == setup.tracking_uri == tracking.default_tracking_uri()
    experiment = mlflow.get_experiment_by_name(tracking.EXPERIMENT_NAME)
    assert experiment.experiment_id == setup.experiment_id
    # Artifacts go to the work folder, never to ./mlruns in the notebook's folder.
    assert experiment.artifact_location == (work_folder / "mlflow-artifacts").resolve().as_uri()
    for name in (tracking.MODEL_NAME, tracking.PRACTICE_MODEL_NAME):  # the lesson's and the exercises' champions
        assert MlflowClient().get_registered_model(name).name == name
    assert not setup.on_a_server
    assert "work folder" in setup.where and str(work_folder) not in setup.where
    assert "-m mlflow ui --backend-store-uri" in setup.ui_command
    store = course_relative(work_folder / "mlflow.db")  # nox's temporary folders are inside the course folder
    assert (f"sqlite:///{Path(store).as_posix()}" if store else setup.tracking_uri) in setup.ui_command
    # The course's own Python runs it, so it works without activating .venv.
    python = course_relative(sys.executable)
    assert setup.ui_command.startswith(python if python is not None else f'"{sys.executable}"')


def test_ui_command_inside_the_course_folder_shows_no_machine_path(monkeypatch):
    # A README user: the course's .venv and the default work/ folder, both inside the course folder.
    from churnlab.data import REPO_ROOT

    monkeypatch.setattr(sys, "executable", str(REPO_ROOT / ".venv" / "bin" / "python"))
    setup = tracking.TrackingSetup("sqlite:///" + (REPO_ROOT / "work" / "mlflow.db").as_posix(), "churn-lab", "1")
    assert setup.ui_command == f"{Path('.venv/bin/python')} -m mlflow ui --backend-store-uri sqlite:///work/mlflow.db --port 5000"
    assert setup.store_location == "work/mlflow.db in the course folder"
    assert tracking.TrackingSetup("http://mlflow.example.org:5000", "churn-lab", "1").store_location == "http://mlflow.example.org:5000"


def test_setup_honours_mlflow_tracking_uri(work_folder, tmp_path, monkeypatch):
    elsewhere = tmp_path / "instructor" / "store.db"
    elsewhere.parent.mkdir()
    uri = "sqlite:///" + elsewhere.as_posix()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    setup = tracking.setup()
    with mlflow.start_run():
        mlflow.log_metric("expected_profit", 1.0)
    assert setup.tracking_uri == uri and elsewhere.exists()
    assert not (work_folder / "mlflow.db").exists()
    assert "MLFLOW_TRACKING_URI" in setup.where
    assert len(mlflow.search_runs(experiment_names=[tracking.EXPERIMENT_NAME])) == 1


def test_rerunning_setup_keeps_earlier_runs(work_folder):
    for attempt in range(2):
        tracking.setup()
        with mlflow.start_run(run_name="model C=1.0"):
            mlflow.log_metric("expected_profit", 100.0)
    assert len(mlflow.search_runs(experiment_names=[tracking.EXPERIMENT_NAME])) == 2


def test_a_deleted_experiment_comes_back_with_its_runs(work_folder):
    setup = tracking.setup()
    with mlflow.start_run():
        pass
    MlflowClient().delete_experiment(setup.experiment_id)
    again = tracking.setup()
    assert again.experiment_id == setup.experiment_id
    assert len(mlflow.search_runs(experiment_ids=[again.experiment_id])) == 1


def test_prepare_store_is_idempotent_and_returns_the_uri(work_folder):
    uri = tracking.prepare_store()
    assert uri == tracking.prepare_store() == tracking.default_tracking_uri()
    assert not (work_folder / "mlflow.db.lock").exists()


def test_processes_creating_one_fresh_store_at_once_all_succeed(tmp_path):
    script = textwrap.dedent(
        """
        from churnlab import tracking
        import mlflow
        tracking.setup()
        with mlflow.start_run():
            mlflow.log_metric("expected_profit", 1.0)
        """
    )
    env = {**os.environ, "CHURNLAB_WORKDIR": str(tmp_path)}
    env.pop("MLFLOW_TRACKING_URI", None)
    processes = [
        subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    results = [process.communicate(timeout=120) + (process.returncode,) for process in processes]
    assert [code for _, _, code in results] == [0, 0, 0], [err for _, err, _ in results]
    assert all(err == "" for _, err, _ in results), [err for _, err, _ in results]
    client = MlflowClient("sqlite:///" + (tmp_path / "mlflow.db").as_posix())
    experiment = client.get_experiment_by_name(tracking.EXPERIMENT_NAME)
    assert len(client.search_runs([experiment.experiment_id])) == 3


def test_a_stale_lock_left_by_a_dead_process_is_removed(tmp_path):
    store = tmp_path / "mlflow.db"
    lock = tmp_path / "mlflow.db.lock"
    lock.write_text("")
    old = lock.stat().st_mtime - 1000
    os.utime(lock, (old, old))
    with tracking._creation_lock(store, timeout=5, stale_after=60):
        assert lock.exists()
    assert not lock.exists()


def test_a_lock_held_too_long_gives_a_course_error(tmp_path):
    store = tmp_path / "mlflow.db"
    (tmp_path / "mlflow.db.lock").write_text("")
    with pytest.raises(CourseError, match="delete"):
        with tracking._creation_lock(store, timeout=0.2, stale_after=60):
            pass


# --- quiet ---------------------------------------------------------------------------------------


def test_a_whole_lesson_worth_of_mlflow_prints_nothing_on_stderr(tmp_path):
    # A fresh process: the store is created, an experiment made, a model logged, registered and loaded.
    script = textwrap.dedent(
        """
        from churnlab import tracking
        import mlflow
        from churnlab.data import load_churn
        from churnlab.economics import CampaignEconomics
        from churnlab.model import make_churn_model, split_customers
        tracking.setup()
        split = split_customers(load_churn())
        model = make_churn_model().fit(split.X_train, split.y_train)
        scores = model.predict_proba(split.X_test)[:, 1]
        economics = CampaignEconomics()
        with mlflow.start_run(run_name="model") as run:
            mlflow.log_metrics(tracking.decision_metrics(split.y_test, scores, 0.2, economics))
            tracking.log_decision_plots(split.y_test, scores, 0.2, economics)
            tracking.log_churn_model(model, split.X_train)
        tracking.register_champion(run.info.run_id)
        tracking.register_champion(run.info.run_id)
        mlflow.sklearn.load_model("models:/churn-model@champion")
        mlflow.pyfunc.load_model("models:/churn-model@champion").predict(split.X_test)
        """
    )
    env = {**os.environ, "CHURNLAB_WORKDIR": str(tmp_path), "MPLBACKEND": "Agg"}
    env.pop("MLFLOW_TRACKING_URI", None)
    notebook_folder = tmp_path / "notebooks"
    notebook_folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env, cwd=notebook_folder, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""
    assert list(notebook_folder.iterdir()) == []  # no ./mlruns, no ./mlflow.db where the notebook runs


# --- what each run logs ----------------------------------------------------------------------------


def test_decision_metrics_on_a_small_campaign():
    y_true = np.array([1, 1, 0, 0, 1, 0])
    scores = np.array([0.9, 0.6, 0.7, 0.1, 0.2, 0.3])
    metrics = tracking.decision_metrics(y_true, scores, 0.5, CampaignEconomics())
    # Contacted: the 0.9, 0.6 and 0.7 customers, 2 of them churners; 3 churners in all.
    assert metrics["customers_contacted"] == 3
    assert metrics["precision"] == pytest.approx(2 / 3)
    assert metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["f1"] == pytest.approx(2 / 3)
    assert metrics["expected_profit"] == pytest.approx(2 * 0.3 * 200 - 3 * 10)
    assert metrics["roc_auc"] == pytest.approx(6 / 9)  # of 9 churner-stayer pairs, 6 ranked right
    assert all(isinstance(value, float) for value in metrics.values())


def test_decision_metrics_for_a_rule_that_flags_nobody():
    metrics = tracking.decision_metrics([1, 0, 1], [0, 0, 0], 1, CampaignEconomics())
    assert metrics["customers_contacted"] == 0 and metrics["expected_profit"] == 0
    assert metrics["precision"] == metrics["recall"] == metrics["f1"] == 0


def test_a_yes_no_rule_gets_no_roc_auc_but_a_scorecard_does():
    y_true = [1, 0, 1, 0, 1]
    flags = tracking.decision_metrics(y_true, [1, 0, 1, 1, 0], 1, CampaignEconomics())
    points = tracking.decision_metrics(y_true, [3, 0, 5, 2, 1], 2, CampaignEconomics())
    assert "roc_auc" not in flags and flags["precision"] == pytest.approx(2 / 3)
    assert 0 <= points["roc_auc"] <= 1 and points["customers_contacted"] == 3


def test_data_params_name_the_data_and_split():
    params = tracking.data_params()
    assert len(params["data_sha256"]) == 12 and params["split_seed"] == 42 and params["test_share"] == 0.2


def test_economics_params():
    assert tracking.economics_params(CampaignEconomics()) == {
        "value_of_saved_customer": 200.0,
        "acceptance_rate": 0.3,
        "cost_per_contact": 10.0,
    }


def test_pip_requirements_are_pinned():
    requirements = tracking.pip_requirements()
    assert any(r.startswith("scikit-learn==") for r in requirements)
    assert any(r.startswith("skops==") for r in requirements)
    assert all("==" in r for r in requirements)


def test_the_course_model_needs_no_type_beyond_the_trust_list():
    import skops.io

    untrusted = skops.io.get_untrusted_types(data=skops.io.dumps(_model()))
    assert set(untrusted) <= set(tracking.SKOPS_TRUSTED_TYPES)


def test_logged_model_plots_and_champion_round_trip(work_folder):
    tracking.setup()
    split, model = _split(), _model()
    scores = model.predict_proba(split.X_test)[:, 1]
    economics = CampaignEconomics()
    with mlflow.start_run() as run:
        plots = tracking.log_decision_plots(split.y_test, scores, economics.break_even_probability, economics)
        info = tracking.log_churn_model(model, split.X_train)
    assert plots == ["plots/confusion_matrix.png", "plots/profit_curve.png"]
    logged = {a.path for a in MlflowClient().list_artifacts(run.info.run_id, "plots")}
    assert logged == set(plots)
    assert info.signature.inputs.input_names() == list(split.X_train.columns)
    requirements = Path(mlflow.pyfunc.get_model_dependencies(info.model_uri)).read_text()
    assert "skops==" in requirements and "scikit-learn==" in requirements

    first = tracking.register_champion(run.info.run_id)
    second = tracking.register_champion(run.info.run_id)
    champion_version = MlflowClient().get_model_version_by_alias(tracking.MODEL_NAME, tracking.CHAMPION_ALIAS)
    assert int(second.version) == int(first.version) + 1 == int(champion_version.version)  # the alias moved
    champion = mlflow.sklearn.load_model(f"models:/{tracking.MODEL_NAME}@{tracking.CHAMPION_ALIAS}")
    assert np.array_equal(champion.predict_proba(split.X_test)[:, 1], scores)


def test_logged_charts_are_mlflows_own_pngs_drawn_once_and_kept(work_folder, monkeypatch):
    import filecmp

    import matplotlib.pyplot as plt

    from churnlab import plots
    from churnlab.economics import profit_curve

    tracking.setup()
    split, model, economics = _split(), _model(), CampaignEconomics()
    scores, threshold = model.predict_proba(split.X_test)[:, 1], economics.break_even_probability
    with mlflow.start_run() as run:  # what log_figure writes, beside what log_decision_plots logs
        mlflow.log_figure(plots.campaign_confusion_matrix(split.y_test, scores >= threshold).figure, "figure/confusion_matrix.png")
        mlflow.log_figure(plots.profit_by_threshold(profit_curve(split.y_test, scores, economics), threshold).figure,
                          "figure/profit_curve.png")
        plt.close("all")
        tracking.log_decision_plots(split.y_test, scores, threshold, economics)
    kept = sorted((work_folder / tracking.runs.CHARTS_FOLDER).rglob("*.png"))
    assert sorted(path.name for path in kept) == ["confusion_matrix.png", "profit_curve.png"]
    folder = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id))
    for name in ("confusion_matrix.png", "profit_curve.png"):
        assert filecmp.cmp(folder / "figure" / name, folder / "plots" / name, shallow=False), name

    drawn = []

    def counted(name):
        draw = getattr(plots, name)
        return lambda *args, **kwargs: drawn.append(name) or draw(*args, **kwargs)

    for chart in ("campaign_confusion_matrix", "profit_by_threshold"):
        monkeypatch.setattr(plots, chart, counted(chart))
    with mlflow.start_run() as again:  # the same numbers: the kept files, nothing drawn
        assert tracking.log_decision_plots(split.y_test, scores, threshold, economics) == [
            "plots/confusion_matrix.png", "plots/profit_curve.png"]
    assert drawn == []
    folder_again = Path(mlflow.artifacts.download_artifacts(run_id=again.info.run_id))
    for name in ("confusion_matrix.png", "profit_curve.png"):
        assert filecmp.cmp(folder / "plots" / name, folder_again / "plots" / name, shallow=False), name
    with mlflow.start_run():  # other numbers (another threshold): both drawn afresh
        tracking.log_decision_plots(split.y_test, scores, 0.5, economics)
    assert drawn == ["campaign_confusion_matrix", "profit_by_threshold"]


def test_rules_log_a_confusion_matrix_only(work_folder):
    tracking.setup()
    flags = (np.arange(20) % 3 == 0).astype(int)
    y_true = (np.arange(20) % 2 == 0).astype(int)
    with mlflow.start_run():
        assert tracking.log_decision_plots(y_true, flags, 1, CampaignEconomics()) == ["plots/confusion_matrix.png"]


def test_a_rule_run_logs_what_a_model_run_logs_minus_the_model(work_folder):
    store = tracking.setup()
    split, economics = _split(), CampaignEconomics()
    run_id = tracking.log_rule_run("rule: risk points ≥ 3", "risk_points", 3, split.X_test, split.y_test, economics)
    run = mlflow.get_run(run_id)
    assert run.info.run_name == "rule: risk points ≥ 3" and run.info.status == "FINISHED"
    assert run.data.params == {"kind": "rule", "rule": "risk_points", "threshold": "3",
                               **{k: str(v) for k, v in tracking.economics_params(economics).items()},
                               **{k: str(v) for k, v in tracking.data_params().items()}}
    from churnlab.rules import risk_points

    assert run.data.metrics == tracking.decision_metrics(split.y_test, risk_points(split.X_test), 3, economics)
    assert {a.path for a in MlflowClient().list_artifacts(run_id, "plots")} == {"plots/confusion_matrix.png", "plots/profit_curve.png"}
    assert not MlflowClient().list_artifacts(run_id, "model")
    found = mlflow.search_runs(experiment_names=[tracking.EXPERIMENT_NAME], filter_string=store.session_filter())
    assert list(found["run_id"]) == [run_id]  # it carries this session's tag, like any run
    with mlflow.start_run(), pytest.raises(CourseError, match="outside any"):
        tracking.log_rule_run("again", "month_to_month", 1, split.X_test, split.y_test, economics)


def test_registering_a_run_without_a_model_says_to_pick_a_model_run(work_folder):
    tracking.setup()
    with mlflow.start_run() as run:
        mlflow.log_param("kind", "rule")
    with pytest.raises(CourseError, match="no logged model"):
        tracking.register_champion(run.info.run_id)


def test_signature_keeps_integer_columns_without_a_warning(recwarn):
    split = _split()
    signature = tracking.churn_model_signature(split.X_train.head(5), np.zeros(5))
    types = dict(zip(signature.inputs.input_names(), (str(t) for t in signature.inputs.input_types())))
    assert "long" in types["tenure"]
    assert not [w for w in recwarn if "integer" in str(w.message)]


# --- overhead ------------------------------------------------------------------------------------


def test_logging_overhead_is_measured_and_leaves_the_tracking_uri_alone(work_folder):
    tracking.setup()
    before = mlflow.get_tracking_uri()
    seconds = tracking.measure_logging_overhead(runs=1)
    assert 0 < seconds < 5
    assert mlflow.get_tracking_uri() == before
    assert len(mlflow.search_runs(experiment_names=[tracking.EXPERIMENT_NAME])) == 0
    assert not (work_folder / tracking.runs.CHARTS_FOLDER).exists()  # every measured run drew its charts
    assert tracking.runs._charts_folder is None


def test_logging_overhead_needs_at_least_one_run():
    with pytest.raises(CourseError):
        tracking.measure_logging_overhead(runs=0)


def test_names_carry_the_learner_on_a_shared_server_only(monkeypatch):
    from churnlab import tracking

    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ada")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert tracking.learner_suffix() == "-ada"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///somewhere/mlflow.db")
    assert tracking.learner_suffix() == ""
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "https://mlflow.example.org")
    assert tracking.learner_suffix() == ""


def test_each_setup_starts_a_session_whose_runs_session_filter_finds(work_folder, monkeypatch):
    """Issue 21: "this session's runs" is a tag every run carries, not a start time; other sessions' runs stay out."""
    import mlflow

    monkeypatch.setenv("MLFLOW_RUN_CONTEXT", '{"team": "growth"}')  # an instructor's default tags are kept
    first = tracking.setup()
    with mlflow.start_run(run_name="first session"):
        pass
    second = tracking.setup()
    with mlflow.start_run(run_name="second session", tags={tracking.ROLE_TAG: "candidate"}):
        pass
    with mlflow.start_run(run_name="second session, no role"):
        pass
    assert first.session_id != second.session_id and len(second.session_id) == 12

    def names(filter_string):
        return sorted(mlflow.search_runs(experiment_names=[tracking.EXPERIMENT_NAME], filter_string=filter_string)["tags.mlflow.runName"])

    assert names(first.session_filter()) == ["first session"]
    assert names(tracking.session_filter()) == names(second.session_filter()) == ["second session", "second session, no role"]
    assert names(second.session_filter(role="candidate")) == ["second session"]
    assert mlflow.search_runs(experiment_names=[tracking.EXPERIMENT_NAME])["tags.team"].eq("growth").all()


def test_session_filter_before_setup_says_to_run_setup(monkeypatch):
    monkeypatch.setattr(tracking, "_session_id", None)
    with pytest.raises(CourseError, match="tracking.setup"):
        tracking.session_filter()


def test_mlflow_gets_back_its_own_package_map_from_the_work_folder(work_folder, monkeypatch):
    from mlflow.utils import requirements_utils

    from churnlab.tracking import runs

    made = []
    mlflows_own = requirements_utils._init_modules_to_packages_map

    def counted():
        made.append(1)
        mlflows_own()

    monkeypatch.setattr(requirements_utils, "_init_modules_to_packages_map", counted)
    monkeypatch.setattr(requirements_utils, "_MODULES_TO_PACKAGES", None)
    runs._give_mlflow_its_package_map()  # first kernel: MLflow makes its map, the course keeps it
    first = requirements_utils._MODULES_TO_PACKAGES
    assert made == [1] and first["sklearn"] == ["scikit-learn"] and first["mlflow"]
    monkeypatch.setattr(requirements_utils, "_MODULES_TO_PACKAGES", None)  # a new kernel
    runs._give_mlflow_its_package_map()
    assert made == [1] and requirements_utils._MODULES_TO_PACKAGES == first  # read back, not made again
    runs._give_mlflow_its_package_map()  # a kernel that has its map already: nothing to do
    assert made == [1]
    monkeypatch.setattr(requirements_utils, "_MODULES_TO_PACKAGES", None)
    monkeypatch.setattr(runs, "_site_folders", lambda: "a package installed since")
    runs._give_mlflow_its_package_map()
    assert made == [1, 1]  # made again for the new set of packages
