#!/usr/bin/python3
"""SciPy goldens for the drift statistics of src/LlmLab/Monitoring (lab 10.2 and the tests read them).

Run with Debian's SciPy (apt-get install python3-scipy; /usr/bin/python3), from the repository root:
    /usr/bin/python3 bench/scipy/drift_goldens.py
Writes src/LlmLab.Labs/Part10/Goldens/scipy-drift.json (embedded in LlmLab.Labs). Inputs are drawn from seeded
numpy generators and stored in the file, so the C# side never needs Python. Only SciPy/NumPy functions produce the
expected values; the few compositions (Evidently's binning and PSI, the unbiased MMD^2) are written out below.
"""
import json, math, os, sys
import numpy as np
import scipy
from scipy import stats, special
from scipy.spatial import distance

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "LlmLab.Labs", "Part10", "Goldens", "scipy-drift.json")
rng = np.random.RandomState(20240610)


def r(a):
    return [float(x) for x in a]


def ks_case(name, a, b):
    a = np.asarray(a, float); b = np.asarray(b, float)
    exact = stats.ks_2samp(a, b, method="exact")
    asymp = stats.ks_2samp(a, b, method="asymp")
    auto = stats.ks_2samp(a, b)
    n1, n2 = len(a), len(b)
    en = n1 * n2 / (n1 + n2)
    return {"name": name, "a": r(a), "b": r(b), "statistic": float(exact.statistic), "p_exact": float(exact.pvalue),
            # Kolmogorov's limiting distribution at sqrt(en) * D (what our asymptotic p-value computes) ...
            "p_kolmogorov": float(special.kolmogorov(math.sqrt(en) * exact.statistic)),
            # ... and SciPy >= 1.5's own method='asymp', the finite-n kstwo.sf(D, round(en)), for comparison.
            "p_scipy_asymp": float(asymp.pvalue), "p_auto": float(auto.pvalue)}


ks = [
    ks_case("normal n=20 vs n=30, shift 0.5", rng.normal(0, 1, 20), rng.normal(0.5, 1, 30)),
    ks_case("equal sizes n=50", rng.normal(0, 1, 50), rng.normal(0, 1, 50)),
    ks_case("shift n=100 vs n=80", rng.normal(0, 1, 100), rng.normal(0.4, 1, 80)),
    ks_case("ties (rounded) n=300 vs n=200", np.round(rng.normal(0, 1, 300), 1), np.round(rng.normal(0.1, 1.1, 200), 1)),
    ks_case("lognormal n=1000 vs n=700", rng.lognormal(0, 1, 1000), rng.lognormal(0.05, 1, 700)),
    ks_case("large shift n=60 vs n=90 (tiny p)", rng.normal(0, 1, 60), rng.normal(2.0, 1, 90)),
    ks_case("identical samples", [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]),
]

chi = []
for name, obs, exp in [
    ("uniform expected", [16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]),
    ("three categories, scaled reference", [30, 50, 20], [25.0, 45.0, 30.0]),
    ("large counts", [412, 388, 150, 50], [400.0, 400.0, 140.0, 60.0]),
]:
    s = stats.chisquare(obs, exp)
    chi.append({"name": name, "observed": r(obs), "expected": r(exp), "statistic": float(s.statistic), "p": float(s.pvalue)})

# Evidently's z-test for two proportions: z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)), p = 2 (1 - Phi(|z|)).
ztests = []
for n1, x1, n2, x2 in [(200, 30, 180, 45), (1000, 500, 800, 410), (50, 5, 60, 5)]:
    p1, p2 = x1 / n1, x2 / n2
    P = (x1 + x2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2))
    ztests.append({"n1": n1, "x1": x1, "n2": n2, "x2": x2, "z": z, "p": float(2 * stats.norm.sf(abs(z)))})

wass = []
for name, u, v in [
    ("normal vs shifted", rng.normal(0, 1, 40), rng.normal(0.3, 1.2, 55)),
    ("exponential vs exponential", rng.exponential(1, 120), rng.exponential(1.4, 90)),
    ("ties", [1, 1, 2, 3, 3, 3], [2, 2, 3, 5]),
]:
    u = np.asarray(u, float); v = np.asarray(v, float)
    d = stats.wasserstein_distance(u, v)
    wass.append({"name": name, "u": r(u), "v": r(v), "distance": float(d), "std_u": float(np.std(u)),
                 "normed": float(d / max(np.std(u), 0.001))})

js = []
for name, p, q in [("three bins", [0.2, 0.5, 0.3], [0.1, 0.6, 0.3]), ("with a zero", [0.5, 0.5, 0.0], [0.25, 0.25, 0.5]),
                   ("unnormalised", [1, 2, 3, 4], [4, 3, 2, 1])]:
    js.append({"name": name, "p": r(p), "q": r(q), "distance": float(distance.jensenshannon(p, q))})


def evidently_binned(ref, cur, n_bins, fill_zeroes):
    """Evidently's get_binned_data for a numeric column with > 20 distinct reference values."""
    bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins=n_bins)
    rp = np.histogram(ref, bins)[0] / len(ref)
    cp = np.histogram(cur, bins)[0] / len(cur)
    if fill_zeroes:
        for a in (rp, cp):
            m = min(a[a != 0])
            np.place(a, a == 0, m / 10 ** 6 if m <= 0.0001 else 0.0001)
    return bins, rp, cp


binned = []
for name, ref, cur in [
    ("normal vs shifted normal", rng.normal(0, 1, 500), rng.normal(0.5, 1, 400)),
    ("gamma vs gamma", rng.gamma(2.0, 1.0, 1500), rng.gamma(2.0, 1.2, 1200)),
    ("uniform vs narrow (empty bins)", rng.uniform(0, 10, 300), rng.uniform(4, 6, 300)),
]:
    edges, rp, cp = evidently_binned(ref, cur, 30, False)
    _, rpf, cpf = evidently_binned(ref, cur, 30, True)
    psi = float(np.sum((rpf - cpf) * np.log(rpf / cpf)))
    binned.append({"name": name, "reference": r(ref), "current": r(cur), "edges": r(edges), "ref_percents": r(rp),
                   "cur_percents": r(cp), "jensenshannon": float(distance.jensenshannon(rp, cp)), "psi": psi})

special_values = {
    "chi2_sf": [{"x": x, "k": k, "sf": float(stats.chi2.sf(x, k))} for x, k in
                [(0.5, 1), (3.84, 1), (10.0, 3), (2.0, 5), (30.0, 10), (150.0, 100), (400.0, 250), (1e-3, 2), (80.0, 4)]],
    "norm_sf": [{"x": x, "sf": float(stats.norm.sf(x))} for x in [-3.0, -0.5, 0.0, 0.3, 1.96, 4.5, 9.0]],
    "kolmogorov": [{"x": x, "sf": float(special.kolmogorov(x))} for x in [0.05, 0.3, 0.6, 0.82757, 1.0, 1.36, 2.0, 3.5]],
}

# Unbiased MMD^2 with k(x, y) = exp(-|x - y|^2 / (2 sigma^2)) (Gretton et al. 2012, eq. 3).
x = rng.normal(0, 1, (30, 3)); y = rng.normal(0.3, 1, (25, 3)); sigma = 1.3
def k(a, b): return np.exp(-((a[:, None, :] - b[None, :, :]) ** 2).sum(-1) / (2 * sigma ** 2))
kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
m, n = len(x), len(y)
mmd2 = (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean()
mmd = {"x": [r(row) for row in x], "y": [r(row) for row in y], "sigma": sigma, "mmd2_unbiased": float(mmd2)}

# ROC AUC = U / (n1 n2) with the Mann-Whitney U of the positives' scores (ties count one half).
pos = np.round(rng.normal(0.4, 1, 70), 1); neg = np.round(rng.normal(0, 1, 90), 1)
u = stats.mannwhitneyu(pos, neg, alternative="two-sided").statistic
auc = {"positive": r(pos), "negative": r(neg), "auc": float(u / (len(pos) * len(neg)))}

doc = {"generator": "bench/scipy/drift_goldens.py", "scipy": scipy.__version__, "numpy": np.__version__,
       "ks_2samp": ks, "chisquare": chi, "ztest": ztests, "wasserstein": wass, "jensenshannon": js, "binned": binned,
       "special": special_values, "mmd": mmd, "auc": auc}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT + ".tmp", "w") as f:
    json.dump(doc, f, indent=None, separators=(",", ":"))
    f.write("\n")
os.replace(OUT + ".tmp", OUT)
print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")
