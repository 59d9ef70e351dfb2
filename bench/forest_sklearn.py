"""scikit-learn side of bench/forest.bench.ts (bench only, never a runtime dependency).

Reads the GBT bench's matrix (Float32 column-major features, then the Float32 target, missing
values read as -1000 on both sides; rows
[0, train) train, the rest held out), fits RandomForestRegressor with the settings given as JSON
and `n_jobs` threads, writes the held-out predictions (Float64, little-endian) to PRED.bin and
prints one JSON line: fit seconds, peak RSS, nodes, versions.

    /usr/bin/python3 bench/forest_sklearn.py MATRIX.bin META.json SETTINGS.json THREADS PRED.bin
"""
import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestRegressor

matrix_path, meta_path, settings_json, threads, pred_path = sys.argv[1:6]
with open(meta_path) as f:
    meta = json.load(f)
rows, features, train = meta["rows"], meta["features"], meta["trainRows"]
s = json.loads(settings_json)
raw = np.fromfile(matrix_path, dtype="<f4")
X = raw[: rows * features].reshape(features, rows).T  # column-major on disk
X = np.where(np.isnan(X), np.float32(-1000), X)  # scikit-learn 1.2's forests refuse NaN; same as ours
y = raw[rows * features :].astype(np.float64)

model = RandomForestRegressor(
    n_estimators=s["trees"],
    criterion="squared_error",
    max_depth=s["maxDepth"],
    min_samples_leaf=s["minSamplesLeaf"],
    max_features=float(s["maxFeatures"]),  # a share (an int would be a count)
    bootstrap=True,
    n_jobs=int(threads),
    random_state=0,
)
X_train = np.ascontiguousarray(X[:train])
started = time.perf_counter()
model.fit(X_train, y[:train])
seconds = time.perf_counter() - started
pred = model.predict(np.ascontiguousarray(X[train:])).astype("<f8")
pred.tofile(pred_path)
print(
    json.dumps(
        {
            "seconds": seconds,
            "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "nodes": int(sum(t.tree_.node_count for t in model.estimators_)),
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
        }
    )
)
