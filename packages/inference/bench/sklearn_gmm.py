"""Seconds per iteration of scikit-learn's BayesianGaussianMixture (PRML 10.2 CAVI, full covariances,
Dirichlet-distribution weight prior) on the points of a JSON file, for mixture.bench.mjs.

usage: python3 sklearn_gmm.py POINTS.json K M REPEATS
prints one JSON object: the sklearn version, the per-iteration figure the bench compares (total fit time /
n_iter_, after one warm-up fit, median over REPEATS fits) and the same with the initialisation cost
removed ((fit(M) - fit(1)) / (M - 1)).
"""

import json
import sys
import time
import warnings


def main() -> None:
    path, k, m, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    try:
        import numpy as np
        import sklearn
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import BayesianGaussianMixture
    except ImportError as error:  # the bench prints this and skips the comparison
        print(json.dumps({"missing": str(error)}))
        return
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    with open(path, encoding="utf-8") as f:
        x = np.asarray(json.load(f), dtype=np.float64)

    def fit(max_iter: int) -> tuple[float, int]:
        model = BayesianGaussianMixture(
            n_components=k,
            covariance_type="full",
            weight_concentration_prior_type="dirichlet_distribution",
            max_iter=max_iter,
            tol=0,
            random_state=0,
        )
        start = time.perf_counter()
        model.fit(x)
        return time.perf_counter() - start, int(model.n_iter_)

    fit(m)  # warm-up
    full = sorted(fit(m) for _ in range(repeats))[repeats // 2]
    one = sorted(fit(1)[0] for _ in range(repeats))[repeats // 2]
    print(
        json.dumps(
            {
                "sklearn": sklearn.__version__,
                "numpy": np.__version__,
                "n_iter": full[1],
                "fit_seconds": full[0],
                "per_iteration": full[0] / full[1],
                "per_iteration_without_init": (full[0] - one) / max(1, full[1] - 1),
            }
        )
    )


if __name__ == "__main__":
    main()
