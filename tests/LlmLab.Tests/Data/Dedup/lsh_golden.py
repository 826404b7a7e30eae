# Golden values for LshParametersTests: datasketch's MinHashLSH parameter rule (minimise
# w_fp * FP + w_fn * FN over b*r <= k) with the integrals computed EXACTLY in rational arithmetic:
#   P(s) = 1 - (1 - s^r)^b = -sum_{j=1..b} C(b,j) (-1)^j s^{rj}
#   FP = int_0^t P(s) ds = -sum_j C(b,j) (-1)^j t^{rj+1} / (rj+1)
#   FN = int_t^1 (1 - P(s)) ds = (1 - t) - (FP(1) - FP(t))
# Run with /usr/bin/python3 (no packages needed); the C# tests pin its output.
from fractions import Fraction
from math import comb

def fp_area(t, b, r):
    return -sum(comb(b, j) * (-1) ** j * t ** (r * j + 1) / (r * j + 1) for j in range(1, b + 1))

def optimal(t, k, wfp=Fraction(1, 2), wfn=Fraction(1, 2)):
    best, best_err = None, None
    for b in range(1, k + 1):
        for r in range(1, k // b + 1):
            fp = fp_area(t, b, r)
            fn = (1 - t) - (fp_area(Fraction(1), b, r) - fp)
            err = wfp * fp + wfn * fn
            if best_err is None or err < best_err:
                best, best_err = (b, r, float(fp), float(fn)), err
    return best

for t, k, wfp, wfn in [(Fraction(4, 5), 128, Fraction(1, 2), Fraction(1, 2)),
                       (Fraction(1, 2), 128, Fraction(1, 2), Fraction(1, 2)),
                       (Fraction(9, 10), 256, Fraction(1, 2), Fraction(1, 2)),
                       (Fraction(4, 5), 128, Fraction(1, 5), Fraction(4, 5)),
                       # the pipeline's default weights (DedupOptions.DefaultFalsePositiveWeight), and their neighbours
                       (Fraction(4, 5), 128, Fraction(1, 20), Fraction(19, 20)),
                       (Fraction(4, 5), 128, Fraction(1, 10), Fraction(9, 10)),
                       (Fraction(4, 5), 128, Fraction(1, 50), Fraction(49, 50))]:
    b, r, fp, fn = optimal(t, k, wfp, wfn)
    print(f"threshold {float(t)} perm {k} weights {float(wfp)}/{float(wfn)}: b={b} r={r} FP={fp:.12f} FN={fn:.12f}")

# The S-curve P(candidate | J) of the default banding and of datasketch's, for the docs (docs/part-05.md, BENCHMARKS.md).
for b, r in [(16, 8), (9, 13)]:
    print(f"{b} x {r}: " + " ".join(f"{j / 100:.2f}:{1 - (1 - (j / 100) ** r) ** b:.3f}" for j in range(50, 101, 5)))
