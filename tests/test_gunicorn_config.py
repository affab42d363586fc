"""gunicorn.conf.py's hooks, run as gunicorn runs them."""

import gc
import runpy
from pathlib import Path


def test_a_worker_puts_what_it_loaded_out_of_the_collectors_reach():
    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000  # the app's modules and settings, not a handful of objects
    finally:
        gc.unfreeze()
