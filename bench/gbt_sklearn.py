"""scikit-learn side of bench/gbt.bench.ts (bench only, never a runtime dependency).

Reads the matrix the TypeScript bench wrote (Float32 column-major features, then the Float32
target; rows [0, train) train, the rest held out), fits HistGradientBoostingRegressor(loss="poisson")
with the settings given as JSON, and prints one JSON line: fit seconds, held-out Poisson deviance,
versions.

    /usr/bin/python3 bench/gbt_sklearn.py MATRIX.bin META.json
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_poisson_deviance

matrix_path, meta_path = sys.argv[1], sys.argv[2]
with open(meta_path) as f:
    meta = json.load(f)
rows, features, train = meta["rows"], meta["features"], meta["trainRows"]
s = meta["settings"]
raw = np.fromfile(matrix_path, dtype="<f4")
X = raw[: rows * features].reshape(features, rows).T  # column-major on disk
y = raw[rows * features :].astype(np.float64)

model = HistGradientBoostingRegressor(
    loss="poisson",
    max_iter=s["iterations"],
    learning_rate=s["learningRate"],
    max_leaf_nodes=s["maxLeaves"],
    min_samples_leaf=s["minSamplesLeaf"],
    l2_regularization=s["l2"],
    max_bins=s["maxBins"],
    early_stopping=False,
    random_state=0,
)
X_train = np.ascontiguousarray(X[:train])
started = time.perf_counter()
model.fit(X_train, y[:train])
seconds = time.perf_counter() - started
pred = model.predict(X[train:])
print(
    json.dumps(
        {
            "seconds": seconds,
            "deviance": float(mean_poisson_deviance(y[train:], pred)),
            "trees": int(model.n_iter_),
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
        }
    )
)
