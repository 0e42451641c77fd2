"""Which features drive the model: mean |SHAP| per feature and the SHAP summary plot."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in runs and tests

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shap  # noqa: E402

SAMPLE_ROWS = 2_000  # SHAP cost grows with rows; the mean settles well before this


def shap_values(model: object, features: pd.DataFrame, seed: int = 0) -> tuple[np.ndarray, pd.DataFrame]:
    sample = features.sample(min(SAMPLE_ROWS, len(features)), random_state=seed)
    values = shap.TreeExplainer(model).shap_values(sample)
    return np.asarray(values), sample


def mean_abs_shap(values: np.ndarray, columns: list[str]) -> dict[str, float]:
    """Feature -> mean |SHAP value|, largest first."""
    means = np.abs(values).mean(axis=0)
    return dict(sorted(zip(columns, map(float, means)), key=lambda item: -item[1]))


def summary_plot(values: np.ndarray, sample: pd.DataFrame, path: Path) -> Path:
    shap.summary_plot(values, sample, show=False)
    figure = plt.gcf()
    figure.savefig(path, bbox_inches="tight", dpi=100)
    plt.close(figure)
    return path
