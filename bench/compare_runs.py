#!/usr/bin/env python3
"""compare_runs.py -- z-scores between two run directories (tiersim's and
bench/numpy_model.py's): every (year, tier, measure) mean of projection.csv,
every P(met) of targets.csv, and the share of replications whose rates or
event fractions were scaled down (capped_replications of manifest.txt).

    compare_runs.py LABEL DIR_A N_A DIR_B N_B [--worst K] [--json FILE]

z = (mean_a - mean_b) / sqrt(sd_a^2 / n_a + sd_b^2 / n_b) for means,
z = (p_a - p_b) / sqrt(se_a^2 + se_b^2) for P(met).  A comparison where both
sides are deterministic (sd 0, or se 0) is exact: equal, or z = inf.
Prints the worst |z| and a line per comparison above 3; appends one JSON
line per scenario (for crosscheck.sh's overall verdict) to --json.
"""
import csv
import json
import math
import sys


def read(path, key_cols):
    with open(path, newline="", encoding="utf-8") as f:
        return {tuple(r[c] for c in key_cols): r for r in csv.DictReader(f)}


def manifest(d):
    out = {}
    try:
        with open(d + "/manifest.txt", encoding="utf-8") as f:
            for line in f:
                k, _, v = line.partition(": ")
                out[k.strip()] = v.strip()
    except OSError:
        pass
    return out


def z_of(a, b, sa, sb):
    se = math.sqrt(sa * sa + sb * sb)
    if se == 0:
        return 0.0 if a == b else math.inf
    return (a - b) / se


def main(argv):
    label, da, na, db, nb = argv[1], argv[2], int(argv[3]), argv[4], int(argv[5])
    worst_k, jpath = 8, None
    rest = argv[6:]
    while rest:
        if rest[0] == "--worst":
            worst_k, rest = int(rest[1]), rest[2:]
        elif rest[0] == "--json":
            jpath, rest = rest[1], rest[2:]
        else:
            raise SystemExit("compare_runs.py: unknown option " + rest[0])
    pa = read(da + "/projection.csv", ("year", "tier", "measure"))
    pb = read(db + "/projection.csv", ("year", "tier", "measure"))
    ta = read(da + "/targets.csv", ("tier", "measure"))
    tb = read(db + "/targets.csv", ("tier", "measure"))
    problems = []
    if set(pa) != set(pb):
        problems.append("projection rows differ: only A %s, only B %s"
                        % (sorted(set(pa) - set(pb))[:5], sorted(set(pb) - set(pa))[:5]))
    if set(ta) != set(tb):
        problems.append("target rows differ: only A %s, only B %s"
                        % (sorted(set(ta) - set(tb)), sorted(set(tb) - set(ta))))
    comps, exact = [], 0
    for k in sorted(set(pa) & set(pb)):
        a, b = pa[k], pb[k]
        ma, mb, sa, sb = float(a["mean"]), float(b["mean"]), float(a["sd"]), float(b["sd"])
        if sa == 0 and sb == 0:
            exact += 1
            if ma != mb:
                comps.append((math.inf, "mean", k, ma, mb, 0.0))
            continue
        se = math.sqrt(sa * sa / na + sb * sb / nb)
        comps.append((z_of(ma, mb, sa / math.sqrt(na), sb / math.sqrt(nb)), "mean", k, ma, mb, se))
    for k in sorted(set(ta) & set(tb)):
        a, b = ta[k], tb[k]
        ma, mb, sa, sb = float(a["p_met"]), float(b["p_met"]), float(a["se"]), float(b["se"])
        if sa == 0 and sb == 0:
            exact += 1
            if ma != mb:
                comps.append((math.inf, "P(met)", k, ma, mb, 0.0))
            continue
        comps.append((z_of(ma, mb, sa, sb), "P(met)", k, ma, mb, math.sqrt(sa * sa + sb * sb)))
    # how often rates or event fractions were scaled down (manifest.txt's
    # capped_replications): one more proportion
    ca, cb = manifest(da).get("capped_replications"), manifest(db).get("capped_replications")
    if ca is not None and cb is not None:
        qa, qb = int(ca) / na, int(cb) / nb
        sa, sb = math.sqrt(qa * (1 - qa) / na), math.sqrt(qb * (1 - qb) / nb)
        if sa == 0 and sb == 0:
            exact += 1
            if qa != qb:
                comps.append((math.inf, "capped", ("replications",), qa, qb, 0.0))
        else:
            comps.append((z_of(qa, qb, sa, sb), "capped", ("replications",), qa, qb, math.sqrt(sa * sa + sb * sb)))
    comps.sort(key=lambda c: -abs(c[0]))
    n = len(comps)
    n3 = sum(1 for c in comps if abs(c[0]) > 3)
    n4 = sum(1 for c in comps if abs(c[0]) > 4)
    worst = abs(comps[0][0]) if comps else 0.0
    print("%s: %d random comparisons (+%d deterministic, equal: %s), worst |z| = %.2f, |z| > 3: %d "
          "(expected %.1f by chance), |z| > 4: %d"
          % (label, n, exact, "yes" if not any(math.isinf(c[0]) for c in comps) else "NO",
             worst, n3, n * 0.0026998, n4))
    for z, kind, k, ma, mb, se in comps[:worst_k]:
        if abs(z) <= 2.5 and kind == "mean":
            break
        print("    z = %+6.2f  %-6s %-40s tiersim %-14.8g numpy %-14.8g (se of diff %.3g)"
              % (z, kind, "/".join(k), ma, mb, se))
    for p in problems:
        print("    " + p)
    if jpath:
        with open(jpath, "a") as f:
            f.write(json.dumps({"label": label, "n": n, "worst": worst if math.isfinite(worst) else 1e300,
                                "problems": problems,
                                "z": [[c[0] if math.isfinite(c[0]) else 1e300, c[1], "/".join(c[2]), c[3], c[4]]
                                      for c in comps if abs(c[0]) > 3]}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
