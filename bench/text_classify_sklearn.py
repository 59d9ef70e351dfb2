"""scikit-learn side of bench/text-classify.bench.ts (bench only, never a runtime dependency).

Reads the bench's split (JSON: our terms per narrative, the redacted texts, training labels, our
vectoriser and regression settings), fits TF-IDF + multinomial LogisticRegression twice — over our
terms (same min_df, max_features, sublinear tf, C = 1 / (l2 * n)) and over scikit-learn's default
word tokenizer with word bigrams (no stemming, no stopwords) — writes each run's test probabilities
(row-major JSON) to OUT/text-classify-sklearn-<name>.json and prints one JSON line.

    /usr/bin/python3 bench/text_classify_sklearn.py INPUT.json OUT_DIR
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

input_path, out_dir = sys.argv[1:3]
with open(input_path) as f:
    d = json.load(f)
s = d["settings"]
y = np.array(d["trainY"])
k = d["k"]
n = len(y)


def run(name, vectorizer, train_docs, test_docs):
    t0 = time.perf_counter()
    x_train = vectorizer.fit_transform(train_docs)
    model = LogisticRegression(C=1.0 / (s["l2"] * n), max_iter=s["maxIterations"], solver="lbfgs")
    model.fit(x_train, y)
    p = np.zeros((len(test_docs), k))
    p[:, model.classes_] = model.predict_proba(vectorizer.transform(test_docs))
    seconds = time.perf_counter() - t0
    path = f"{out_dir}/text-classify-sklearn-{name}.json"
    with open(path, "w") as f:
        json.dump(p.ravel().tolist(), f)
    return {"name": name, "seconds": seconds, "file": path, "terms": len(vectorizer.vocabulary_)}


identity = lambda doc: doc  # noqa: E731 — documents are already lists of terms
runs = [
    run(
        "nuestros-terminos",
        TfidfVectorizer(analyzer=identity, min_df=s["minDf"], max_features=s["maxTerms"], sublinear_tf=True),
        d["trainTerms"],
        d["testTerms"],
    ),
    run(
        "tokenizador-sklearn",
        TfidfVectorizer(ngram_range=(1, s["ngram"]), min_df=s["minDf"], max_features=s["maxTerms"], sublinear_tf=True),
        d["trainText"],
        d["testText"],
    ),
]
print(json.dumps({"version": sklearn.__version__, "runs": runs}))
