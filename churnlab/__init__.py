"""churnlab: the helper package of the "ML for Product Managers: the churn lab" course.

Modules are named after the course's nouns:
- ``churnlab.data``: the Telco churn data, its data dictionary and checks;
- ``churnlab.model``: the train/test split and the churn model recipe;
- ``churnlab.plots``: titled, labelled charts;
- ``churnlab.exercises``: the auto-checked exercise questions;
- ``churnlab.doctor``: the pre-flight check (``python -m churnlab doctor``).
"""
from churnlab._base.errors import ChurnDataError, CourseError
from churnlab._notebook.collector import install_import_freezing
from churnlab._notebook.explainers import install_friendly_errors

__version__ = "0.1.0"
__all__ = ["ChurnDataError", "CourseError", "data_dictionary", "load_churn", "__version__"]

install_friendly_errors()
install_import_freezing()


def __getattr__(name: str):
    # Loaded on first use, so that `python -m churnlab doctor` can report a missing pandas politely.
    if name in ("load_churn", "data_dictionary"):
        from churnlab import data

        return getattr(data, name)
    raise AttributeError(f"module 'churnlab' has no attribute {name!r}")
