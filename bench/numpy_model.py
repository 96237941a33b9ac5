#!/usr/bin/env python3
"""numpy_model.py -- an independent implementation of tiersim's model contract
(/work/shared/DESIGN.md: "The model", "How certification really works",
"Targets over several tiers"), vectorised over replications with numpy.

It is what a competent analyst would write instead of tiersim, and two things
at once: the baseline `make bench` measures tiersim's speed against, and a
second reading of the contract that `bench/crosscheck.sh` compares tiersim's
output with.  It shares no code with tiersim: the scenario reader, the
distributions, the yearly update and the summaries are written here from the
contract (and README's "Scenario files", "Keys" and "Outputs").

    python3 bench/numpy_model.py SCENARIO -n REPS [-s SEED] [-o DIR] [--policy NAME]...
            [--block B] [--bitgen pcg64|sfc64] [-q]

Writes DIR/projection.csv (year,period_end,tier,measure,mean,sd,p05,p25,p50,
p75,p95) and DIR/targets.csv (tier,measure,target,threshold,p_met,se,ci_lo,
ci_hi,p05,p50,p95, then the ALL row) with tiersim's column names.

How it draws: replications are simulated in blocks of B (default 100 000);
every random quantity of a block is one numpy call over arrays of shape (B,)
(one array per tier, per transition, per certificate cohort); Python loops
run over years, tiers, transitions and cohorts only, never over
replications.  Block b draws from Generator(PCG64 or SFC64) seeded with the
b-th child of SeedSequence(seed): a run is reproducible for a given seed and
block size (not bit-identical to tiersim, whose streams are its own).

Exact integer counts throughout: binomials, Poisson, conditional binomials
for every multinomial, and sequences of conditional hypergeometrics for the
multivariate hypergeometric split of exits and promotions over certificate
cohorts.  Summaries: an exact integer sum (mean), a shifted sum of squares
(sd, n - 1), and an integer histogram per (year, tier, measure) (bins double
in width past 65 536 values, as tiersim's do past 32 768) for the type-1
quantiles.  `fit(...)` values are refused (run tiersim fit first and give
this script the fitted.ini).

Readings of what the contract leaves open (or where tiersim reads it
otherwise; bench/crosscheck.sh):
  - all moves of one event are drawn from the stocks before that event
    ("each drawing its moves from the stocks before it"): a firm moves at
    most once per event.  tiersim splits the source tiers in section order,
    each from the stock the earlier splits left
    (bench/crosscheck-chained-event.ini);
  - the firms an event moves out of a tier with validity are a uniform
    random subset across its cohorts, like exits and promotions;
  - a drawn stock with stock_cohorts proportions: cohorts 2..V get the
    floor of their share, c1 the rest (as the even split's remainder);
  - `[target NAME]` with `tiers = a, b` sums the tiers' counts in each
    replication (DESIGN's "Targets over several tiers"; tiersim reads it the
    same way, and bench/crosscheck-edges.ini compares it);
  - the capped-replication count ("the run reports how often") counts a
    replication once when any tier's rates, or any event's fractions out of
    one tier, had to be scaled down, in any year.
"""

import argparse
import math
import os
import re
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:  # pragma: no cover
    sys.stderr.write("numpy_model.py: numpy is missing (Debian: apt-get install -y python3-numpy)\n")
    sys.exit(1)


class InputError(Exception):
    """A scenario or usage error: one line, exit status 2 (as tiersim)."""


# --------------------------------------------------------------------- values

_NUM = re.compile(r'^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$')
_DISTS = {"beta": 2, "uniform": 2, "normal": 2, "lognormal": 2, "triangular": 3, "gamma": 2}

# valid ranges of the parameters (lo, hi, lo_open)
PROB = (0.0, 1.0, False)
NONNEG = (0.0, math.inf, False)
GROWTH = (-1.0, math.inf, True)


def parse_number(text, where):
    t = text.strip()
    pct = t.endswith("%")
    if pct:
        t = t[:-1].strip()
    if not _NUM.match(t):
        raise InputError("%s: expected a number, got '%s'" % (where, text.strip()))
    x = float(t)
    if math.isinf(x):
        raise InputError("%s: number '%s' is too large" % (where, text.strip()))
    return x / 100.0 if pct else x


def split_top(text, sep=","):
    """Split at `sep` outside parentheses."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [s.strip() for s in out]


class Value:
    """A number or a distribution, drawn once per replication."""

    def __init__(self, kind, args):
        self.kind = kind      # "const" or a distribution name
        self.args = args

    @staticmethod
    def parse(text, where, rng_=None):
        t = text.strip()
        if t == "":
            raise InputError("%s: empty value" % where)
        if t.startswith("fit"):
            raise InputError("%s: is written '%s': fit values are out of scope here; run "
                             "`tiersim fit SCENARIO HISTORY.csv -o DIR` and give DIR/fitted.ini" % (where, t))
        m = re.match(r'^([A-Za-z_]+)\s*\((.*)\)\s*$', t)
        if m:
            name = m.group(1)
            if name not in _DISTS:
                raise InputError("%s: unknown distribution '%s'" % (where, name))
            args = [parse_number(a, where) for a in split_top(m.group(2))]
            if len(args) != _DISTS[name]:
                raise InputError("%s: %s takes %d arguments, got %d" % (where, name, _DISTS[name], len(args)))
            v = Value(name, args)
            v.check(where)
            return v
        return Value("const", [parse_number(t, where)])

    def check(self, where):
        k, a = self.kind, self.args
        bad = ((k == "beta" and (a[0] <= 0 or a[1] <= 0))
               or (k == "uniform" and not a[0] < a[1])
               or (k in ("normal", "lognormal") and a[1] <= 0)
               or (k == "triangular" and not (a[0] <= a[1] <= a[2] and a[0] < a[2]))
               or (k == "gamma" and (a[0] <= 0 or a[1] <= 0)))
        if bad:
            raise InputError("%s: invalid arguments for %s%s" % (where, k, tuple(a)))

    @property
    def is_const(self):
        return self.kind == "const"

    def mean(self):
        k, a = self.kind, self.args
        if k == "const":
            return a[0]
        if k == "beta":
            return a[0] / (a[0] + a[1])
        if k == "uniform":
            return 0.5 * (a[0] + a[1])
        if k == "normal":
            return a[0]          # the mean as written (tiersim's "counts with its mean")
        if k == "lognormal":
            return math.exp(a[0] + 0.5 * a[1] * a[1])
        if k == "triangular":
            return (a[0] + a[1] + a[2]) / 3.0
        return a[0] * a[1]       # gamma

    def in_range(self, rng_, where):
        lo, hi, lo_open = rng_
        k, a = self.kind, self.args
        if k == "const":
            x = a[0]
            if x > hi or x < lo or (lo_open and x <= lo):
                raise InputError("%s: %g is outside its range" % (where, x))
        elif k in ("uniform", "triangular"):
            l, h = a[0], a[-1]
            if h > hi or l < lo or (lo_open and l <= lo):
                raise InputError("%s: %s%s reaches outside its range" % (where, k, tuple(a)))
        elif k in ("lognormal", "gamma") and hi < math.inf:
            raise InputError("%s: %s is unbounded above" % (where, k))
        elif k == "beta" and (hi < 1 or lo > 0):
            raise InputError("%s: beta needs a range containing [0, 1]" % where)

    def draw(self, rng, n, rng_):
        """A float for a constant, else an array of n draws inside rng_
        (normal: truncated by redrawing, never clipped)."""
        k, a = self.kind, self.args
        if k == "const":
            return a[0]
        if k == "beta":
            return rng.beta(a[0], a[1], n)
        if k == "uniform":
            return rng.uniform(a[0], a[1], n)
        if k == "lognormal":
            return rng.lognormal(a[0], a[1], n)
        if k == "triangular":
            return rng.triangular(a[0], a[1], a[2], n)
        if k == "gamma":
            return rng.gamma(a[0], a[1], n)
        lo, hi, lo_open = rng_
        x = rng.normal(a[0], a[1], n)
        for _ in range(100000):
            bad = (x > hi) | ((x <= lo) if lo_open else (x < lo))
            nb = int(np.count_nonzero(bad))
            if nb == 0:
                return x
            x[bad] = rng.normal(a[0], a[1], nb)
        raise InputError("normal(%g, %g) has too little mass in its range" % (a[0], a[1]))


# ----------------------------------------------------------------- INI reader

def read_ini(path, depth=0, chain=()):
    """Sections of a scenario file, after `base =` inheritance, as an ordered
    list of [kind, name, {key: text or [texts]}, file]."""
    ap = os.path.abspath(path)
    if ap in chain:
        raise InputError("%s: base: inheritance cycle" % path)
    if depth > 16:
        raise InputError("%s: more than 16 levels of inheritance" % path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror))
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    sections, cur = [], None
    for lineno, line in enumerate(re.split(r'\r\n|\r|\n', text), 1):
        s = line.strip()
        if not s or s[0] in ";#":
            continue
        where = "%s:%d" % (path, lineno)
        if s[0] == "[":
            m = re.match(r'^\[([^\]]*)\]\s*(;.*)?$', s)
            if not m:
                raise InputError("%s: malformed section header" % where)
            hdr = m.group(1).strip()
            parts = hdr.split(None, 1)
            kind = parts[0] if parts else ""
            name = parts[1].strip() if len(parts) > 1 else ""
            if kind == "transition":
                ab = [x.strip() for x in name.split("->")]
                if len(ab) != 2 or not ab[0] or not ab[1]:
                    raise InputError("%s: [%s]: expected 'transition FROM -> TO'" % (where, hdr))
                name = "%s->%s" % (ab[0], ab[1])
            if kind not in ("scenario", "tier", "transition", "target", "policy", "event"):
                raise InputError("%s: unknown section [%s]" % (where, hdr))
            if kind != "scenario" and not name:
                raise InputError("%s: [%s] needs a name" % (where, kind))
            for sec in sections:
                if sec[0] == kind and sec[1] == name:
                    raise InputError("%s: duplicate section [%s]" % (where, hdr))
            cur = [kind, name, {}, path]
            sections.append(cur)
            continue
        if "=" not in s:
            raise InputError("%s: malformed line (expected '[section]', 'key = value' or a comment)" % where)
        if cur is None:
            raise InputError("%s: key before any section" % where)
        key, val = s.split("=", 1)
        key = re.sub(r'\s*@\s*', "@", key.strip())
        m = re.search(r'[ \t];', val)
        if m:
            val = val[:m.start()]
        val = val.strip()
        d = cur[2]
        if key in ("scale", "move"):
            d.setdefault(key, []).append(val)
        elif key in d:
            raise InputError("%s: duplicate key '%s'" % (where, key))
        else:
            d[key] = val
    # inheritance
    scen = [s for s in sections if s[0] == "scenario"]
    if scen and "base" in scen[0][2]:
        bname = scen[0][2].pop("base")
        if not bname:
            raise InputError("%s: base: expected a file name" % path)
        bpath = os.path.join(os.path.dirname(path), bname)
        base = read_ini(bpath, depth + 1, chain + (ap,))
        for sec in sections:
            for bsec in base:
                if bsec[0] == sec[0] and bsec[1] == sec[1]:
                    bsec[2].update(sec[2])   # key by key; a repeated key's list replaces the base's
                    break
            else:
                base.append(sec)
        sections = base
    return sections


# --------------------------------------------------------------- the scenario

class Keyed:
    """A key with its @YEAR values: base Value (or None: the default) and
    {year: Value}."""

    def __init__(self, base, by_year, default):
        self.base, self.by_year, self.default = base, by_year, default

    def values(self):
        return ([self.base] if self.base else []) + list(self.by_year.values())

    def all_const_zero(self):
        vals = self.values()
        if not self.base and self.default != 0.0:
            return False
        return all(v.is_const and v.args[0] == 0.0 for v in vals)

    def draw_years(self, rng, n, years, rng_):
        """The value in force in each update year: a list over years of
        float / array (None where the default is 'no value', i.e. no cap)."""
        base = self.base.draw(rng, n, rng_) if self.base else self.default
        drawn = {y: v.draw(rng, n, rng_) for y, v in sorted(self.by_year.items())}
        out, cur = [], base
        for y in years:
            if y in drawn:
                cur = drawn[y]
            out.append(cur)
        return out

    def mean_years(self, years):
        cur = self.base.mean() if self.base else self.default
        out = []
        for y in years:
            if y in self.by_year:
                cur = self.by_year[y].mean()
            out.append(cur)
        return out


def _keyed(d, key, where, rng_, default, start_year, end_year, integer=False):
    base = None
    if key in d:
        base = Value.parse(d[key], "%s: %s" % (where, key))
        base.in_range(rng_, "%s: %s" % (where, key))
    by_year = {}
    for k, v in d.items():
        if k.startswith(key + "@"):
            ys = k[len(key) + 1:]
            if not re.match(r'^\d{4}$', ys):
                raise InputError("%s: %s: '%s' is not a year" % (where, k, ys))
            y = int(ys)
            if not start_year < y <= end_year:
                raise InputError("%s: %s: the year must be after start_year and at most end_year" % (where, k))
            by_year[y] = Value.parse(v, "%s: %s" % (where, k))
            by_year[y].in_range(rng_, "%s: %s" % (where, k))
    return Keyed(base, by_year, default)


TIER_KEYS = {"label", "stock", "inflow", "inflow_growth", "inflow_dispersion", "inflow_quota", "exit",
             "validity", "renewal", "expire_to", "stock_cohorts", "cumulative_start"}
AT_TIER = {"inflow", "inflow_growth", "inflow_dispersion", "inflow_quota", "exit", "renewal"}
MEASURES = ["stock", "new", "inflow", "promoted_in", "exits", "expired", "renewed", "moved_in", "cumulative"]


class Scenario:
    def __init__(self, path, policies=()):
        secs = read_ini(path)
        scen = [s for s in secs if s[0] == "scenario"]
        if not scen:
            raise InputError("%s: missing section [scenario]" % path)
        sd = scen[0][2]
        for k in ("name", "start_year", "end_year"):
            if k not in sd:
                raise InputError("%s: [scenario]: missing key '%s'" % (path, k))
        self.name = sd["name"]
        self.start_year = int(sd["start_year"])
        self.end_year = int(sd["end_year"])
        if self.end_year < self.start_year:
            raise InputError("%s: [scenario]: end_year is before start_year" % path)
        self.years = list(range(self.start_year, self.end_year + 1))
        self.start_month = 1
        if "start" in sd:
            m = re.match(r'^(\d{4})-(\d{2})$', sd["start"])
            if not m or int(m.group(1)) != self.start_year or not 1 <= int(m.group(2)) <= 12:
                raise InputError("%s: [scenario]: start: expected YYYY-MM in start_year" % path)
            self.start_month = int(m.group(2))
        self.replications = int(sd.get("replications", "10000"))
        self.seed = int(sd.get("seed", "1"))
        sy, ey = self.start_year, self.end_year

        # tiers
        self.tiers = [s[1] for s in secs if s[0] == "tier"]
        if not self.tiers:
            raise InputError("%s: no [tier NAME] section" % path)
        self.tix = {t: i for i, t in enumerate(self.tiers)}
        self.tier = {}
        for kind, name, d, _f in secs:
            if kind != "tier":
                continue
            w = "tier '%s'" % name
            for k in d:
                kk = k.split("@", 1)[0]
                if kk not in TIER_KEYS:
                    raise InputError("%s: %s: unknown key" % (w, k))
                if "@" in k and kk not in AT_TIER:
                    raise InputError("%s: %s: %s takes no @YEAR" % (w, k, kk))
            t = {}
            t["stock"] = Value.parse(d.get("stock", "0"), w + ": stock")
            t["stock"].in_range(NONNEG, w + ": stock")
            t["inflow"] = _keyed(d, "inflow", w, NONNEG, 0.0, sy, ey)
            t["inflow_growth"] = _keyed(d, "inflow_growth", w, GROWTH, 0.0, sy, ey)
            t["inflow_dispersion"] = _keyed(d, "inflow_dispersion", w, NONNEG, 0.0, sy, ey)
            t["inflow_quota"] = _keyed(d, "inflow_quota", w, NONNEG, None, sy, ey)
            t["exit"] = _keyed(d, "exit", w, PROB, 0.0, sy, ey)
            t["validity"] = int(d["validity"]) if "validity" in d else 0
            if "validity" in d and not 1 <= t["validity"] <= 50:
                raise InputError("%s: validity: expected a whole number of years from 1 to 50" % w)
            for k in ("renewal", "expire_to", "stock_cohorts"):
                if any(x.split("@", 1)[0] == k for x in d) and not t["validity"]:
                    raise InputError("%s: %s: needs validity" % (w, k))
            t["renewal"] = _keyed(d, "renewal", w, PROB, 0.0, sy, ey)
            t["expire_to"] = d.get("expire_to")
            t["cumulative_start"] = int(d.get("cumulative_start", "0"))
            t["cohorts"] = None
            if "stock_cohorts" in d:
                c = [parse_number(x, w + ": stock_cohorts") for x in split_top(d["stock_cohorts"])]
                if len(c) > t["validity"]:
                    raise InputError("%s: stock_cohorts: %d cohorts, more than validity %d" % (w, len(c), t["validity"]))
                c += [0.0] * (t["validity"] - len(c))
                if t["stock"].is_const:
                    if any(x != int(x) or x < 0 for x in c) or sum(c) != t["stock"].args[0]:
                        raise InputError("%s: stock_cohorts: the cohorts must be whole numbers summing to the stock" % w)
                elif sum(c) <= 0:
                    raise InputError("%s: stock_cohorts: the proportions are all 0" % w)
                t["cohorts"] = c
            self.tier[name] = t
        for name, t in self.tier.items():
            e = t["expire_to"]
            if e is not None and (e not in self.tix or e == name):
                raise InputError("tier '%s': expire_to: unknown tier or its own tier '%s'" % (name, e))

        # transitions, in file order
        self.trans = []
        for kind, name, d, _f in secs:
            if kind != "transition":
                continue
            a, b = name.split("->")
            w = "transition '%s -> %s'" % (a, b)
            if a not in self.tix or b not in self.tix:
                raise InputError("%s: unknown tier" % w)
            if a == b:
                raise InputError("%s: a tier cannot be promoted into itself" % w)
            if "rate" not in d:
                raise InputError("%s: missing key 'rate'" % w)
            for k in d:
                kk = k.split("@", 1)[0]
                if kk not in ("rate", "keep", "quota") or ("@" in k and kk == "keep"):
                    raise InputError("%s: %s: unknown key" % (w, k))
            keep = d.get("keep", "no").lower()
            if keep not in ("yes", "no", "true", "false", "1", "0"):
                raise InputError("%s: keep: expected yes or no" % w)
            self.trans.append({"src": a, "dst": b, "name": name, "keep": keep in ("yes", "true", "1"),
                               "rate": _keyed(d, "rate", w, PROB, 0.0, sy, ey),
                               "quota": _keyed(d, "quota", w, NONNEG, None, sy, ey)})
        # the rates out of a tier sum to at most 1 at their means, every year
        for tname in self.tiers:
            out = [tr for tr in self.trans if tr["src"] == tname]
            if out:
                sums = np.sum([tr["rate"].mean_years(self.years) for tr in out], axis=0)
                if np.any(sums > 1 + 1e-12):
                    raise InputError("tier '%s': outgoing transition rates sum to %g at their means (above 1)"
                                     % (tname, float(sums.max())))

        # events, in file order
        self.events = []
        for kind, name, d, _f in secs:
            if kind != "event":
                continue
            w = "event '%s'" % name
            if "year" not in d or "move" not in d:
                raise InputError("%s: missing key 'year' or 'move'" % w)
            y = int(d["year"])
            if not sy <= y <= ey:
                raise InputError("%s: year: the year is outside start_year .. end_year" % w)
            moves = []
            for line in d["move"]:
                for item in split_top(line):
                    m = re.match(r'^([A-Za-z_]\w*)\s*->\s*([A-Za-z_]\w*)\s*:\s*(.+)$', item)
                    if not m:
                        raise InputError("%s: move: '%s': expected 'FROM -> TO : fraction'" % (w, item))
                    a, b = m.group(1), m.group(2)
                    if a not in self.tix or b not in self.tix or a == b:
                        raise InputError("%s: move: '%s': unknown tier or a tier into itself" % (w, item))
                    v = Value.parse(m.group(3), "%s: move %s->%s" % (w, a, b))
                    v.in_range(PROB, "%s: move %s->%s" % (w, a, b))
                    moves.append((a, b, v))
            for a in set(m[0] for m in moves):
                if sum(m[2].mean() for m in moves if m[0] == a) > 1 + 1e-12:
                    raise InputError("%s: the moves out of '%s' sum to more than 1 at their means" % (w, a))
            self.events.append({"name": name, "year": y, "moves": moves})

        # targets, in file order (each measure given is a target)
        self.targets = []
        for kind, name, d, _f in secs:
            if kind != "target":
                continue
            w = "target '%s'" % name
            tiers = [x.strip() for x in d["tiers"].split(",")] if "tiers" in d else [name]
            for t in tiers:
                if t not in self.tix:
                    raise InputError("%s: unknown tier '%s'" % (w, t))
            tol = parse_number(d.get("tolerance", "0"), w + ": tolerance")
            found = False
            for meas in ("new", "stock", "cumulative"):
                if meas in d:
                    found = True
                    val = parse_number(d[meas], "%s: %s" % (w, meas))
                    if val <= 0:
                        raise InputError("%s: %s: a target is a number of firms above 0" % (w, meas))
                    self.targets.append({"name": name, "tiers": tiers, "measure": meas, "target": val,
                                         "threshold": val * (1.0 - tol)})
            if not found:
                raise InputError("%s: missing key 'new', 'stock' or 'cumulative'" % w)

        # policies (only those named on the command line act)
        allpol = {s[1]: s[2] for s in secs if s[0] == "policy"}
        self.policies = []
        for p in policies:
            if p not in allpol:
                raise InputError("%s: unknown policy '%s' (the scenario has: %s)" % (path, p, ", ".join(allpol)))
            d = allpol[p]
            fr = int(d.get("from", sy))
            un = int(d.get("until", ey))
            scales = []
            for line in d.get("scale", []):
                for item in split_top(line):
                    m = re.match(r'^([A-Za-z_]\w*)\s*->\s*([A-Za-z_]\w*)\s*:\s*(.+)$', item)
                    if m:
                        tn = "%s->%s" % (m.group(1), m.group(2))
                        if not any(tr["name"] == tn for tr in self.trans):
                            raise InputError("policy '%s': scale: no transition '%s'" % (p, tn))
                        target = ("rate", tn)
                        vtext = m.group(3)
                    else:
                        m = re.match(r'^([A-Za-z_]\w*)\.(inflow|exit)\s*:\s*(.+)$', item)
                        if not m or m.group(1) not in self.tix:
                            raise InputError("policy '%s': scale: '%s': expected 'FROM -> TO : factor', "
                                             "'TIER.inflow : factor' or 'TIER.exit : factor'" % (p, item))
                        target = (m.group(2), m.group(1))
                        vtext = m.group(3)
                    v = Value.parse(vtext, "policy '%s': scale" % p)
                    v.in_range(NONNEG, "policy '%s': scale" % p)
                    scales.append((target, v))
            self.policies.append({"name": p, "from": fr, "until": un, "scales": scales})

    def period_end(self, y):
        if self.start_month == 1:
            return "%04d-12" % y
        return "%04d-%02d" % (y + 1, self.start_month - 1)


# ---------------------------------------------------------------- summaries

MAXBINS = 1 << 16


class Acc:
    """Exact sum, shifted sum of squares and an integer histogram of one
    (year, tier, measure) over all replications."""
    __slots__ = ("n", "s1", "s2", "shift", "lo", "w", "counts")

    def __init__(self):
        self.n, self.s1, self.s2, self.shift = 0, 0, 0.0, None
        self.lo, self.w, self.counts = 0, 1, None

    def add(self, a):
        n = a.size
        amin, amax = int(a.min()), int(a.max())
        if amin == amax:
            self.s1 += amin * n
            if self.shift is None:
                self.shift = float(amin)
            self.s2 += n * (amin - self.shift) ** 2
        else:
            self.s1 += int(a.sum())
            if self.shift is None:
                self.shift = float(round(self.s1 / n))
            d = a - self.shift
            self.s2 += float(np.dot(d, d))
        self.n += n
        self._cover(amin, amax)
        if amin == amax:
            self.counts[(amin - self.lo) // self.w] += n
        elif self.w == 1:
            bc = np.bincount(a - self.lo if self.lo else a, minlength=0)
            self.counts[:bc.size] += bc
        else:
            bc = np.bincount((a - self.lo) // self.w)
            self.counts[:bc.size] += bc

    def _cover(self, amin, amax):
        if self.counts is None:
            w = 1
            while (amax // w) - (amin // w) + 1 > MAXBINS:
                w *= 2
            self.w, self.lo = w, (amin // w) * w
            self.counts = np.zeros((amax - self.lo) // w + 1, dtype=np.int64)
            return
        hi = self.lo + self.w * self.counts.size - 1
        if amin >= self.lo and amax <= hi:
            return
        nlo, nhi, w = min(amin, self.lo), max(amax, hi), self.w
        while (nhi // w) - (nlo // w) + 1 > MAXBINS:
            w *= 2
        nlo = (nlo // w) * w
        new = np.zeros((nhi - nlo) // w + 1, dtype=np.int64)
        old_vals = self.lo + self.w * np.arange(self.counts.size)
        np.add.at(new, (old_vals - nlo) // w, self.counts)
        self.lo, self.w, self.counts = nlo, w, new

    def mean(self):
        return self.s1 / self.n

    def sd(self):
        if self.n < 2:
            return 0.0
        m = self.s1 / self.n
        v = (self.s2 - self.n * (m - self.shift) ** 2) / (self.n - 1)
        return math.sqrt(max(v, 0.0))

    def quantiles(self, ps=(5, 25, 50, 75, 95)):
        """Type 1 (inverse of the empirical CDF): the smallest x with
        F(x) >= p, i.e. the ceil(n p)-th order statistic (the bin's lower
        edge where bins are wider than 1)."""
        cum = np.cumsum(self.counts)
        out = []
        for p in ps:
            r = max(1, -(-self.n * p // 100))
            i = int(np.searchsorted(cum, r))
            out.append(self.lo + i * self.w)
        return out


def fmt(x):
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if x == int(x) and abs(x) < 2 ** 63:
        return str(int(x))
    return "%.10g" % x


def wilson(p, n, z=1.959963984540054):
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


# ------------------------------------------------------------------ the model

def mvhg(rng, C, k, rows):
    """Multivariate hypergeometric: which of the firms in cohort rows `rows`
    of C (slots x reps) a uniform random subset of k firms (per rep) takes,
    as a sequence of conditional hypergeometrics.  Returns {row: taken}."""
    out = {}
    if len(rows) == 1:
        out[rows[0]] = k
        return out
    rest = C[rows].sum(axis=0)
    left = k.copy()
    for r in rows[:-1]:
        if not left.any():
            break
        rest -= C[r]
        d = rng.hypergeometric(C[r], rest, left)
        out[r] = d
        left -= d
    else:
        out[rows[-1]] = left
    return out


def cond_binomials(rng, n, probs):
    """(M_1 .. M_m, rest) ~ Multinomial(n; p_1 .. p_m, 1 - sum p) by
    conditional binomials: M_j ~ Bin(n - M_1 - .. - M_{j-1}, p_j / (1 - p_1 - .. - p_{j-1}))."""
    out = []
    left_n = n
    left_p = 1.0
    for j, p in enumerate(probs):
        if j == 0:
            q = p
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                q = np.where(left_p > 0, np.divide(p, left_p), 0.0)
            q = np.clip(q, 0.0, 1.0)
        if np.isscalar(q) and q == 0.0:
            m = np.zeros_like(n)
        else:
            m = rng.binomial(left_n, q)
        out.append(m)
        if j < len(probs) - 1:
            left_n = left_n - m
            left_p = left_p - p
    return out


class Model:
    def __init__(self, sc):
        self.sc = sc
        T = sc.tiers
        self.out_tr = {t: [i for i, tr in enumerate(sc.trans) if tr["src"] == t] for t in T}
        self.in_tr = {t: [i for i, tr in enumerate(sc.trans) if tr["dst"] == t] for t in T}
        self.exp_from = {t: [u for u in T if sc.tier[u]["expire_to"] == t] for t in T}
        ev_in = {m[1] for e in sc.events for m in e["moves"]}
        # measures that are 0 by construction (as tiersim, they cost nothing)
        self.zero = {}
        for t in T:
            td = sc.tier[t]
            z = set()
            if td["inflow"].all_const_zero():
                z.add("inflow")
            if not self.in_tr[t]:
                z.add("promoted_in")
            if "inflow" in z and "promoted_in" in z:
                z.add("new")
            if td["exit"].all_const_zero():
                z.add("exits")
            if not td["validity"]:
                z.update(("expired", "renewed"))
            if t not in ev_in and not self.exp_from[t]:
                z.add("moved_in")
            self.zero[t] = z
        nY = len(sc.years)
        self.acc = {(yi, t, m): Acc() for yi in range(nY) for t in T for m in MEASURES
                    if m != "cumulative" and m not in self.zero[t]}
        self.met = [0] * len(sc.targets)
        self.met_all = 0
        self.tacc = [Acc() if len(tg["tiers"]) > 1 else None for tg in sc.targets]
        self.n = 0
        # replications in which a tier's outgoing rates (drawn or scaled), or
        # an event's drawn fractions out of one tier, summed above 1 and were
        # scaled down to 1 ("the run reports how often that happened")
        self.capped = 0

    # -- one block of R replications --------------------------------------
    def block(self, rng, R):
        sc = self.sc
        T, years = sc.tiers, sc.years
        nY = len(years)
        i64 = np.int64

        # 1. parameters, drawn once per replication
        P = {}
        for t in T:
            td = sc.tier[t]
            st = td["stock"].draw(rng, R, NONNEG)
            P[t, "stock"] = (np.full(R, int(st), dtype=i64) if np.isscalar(st)
                             else np.rint(st).astype(i64))
            for k, rg in (("inflow", NONNEG), ("inflow_growth", GROWTH), ("inflow_dispersion", NONNEG),
                          ("inflow_quota", NONNEG), ("exit", PROB), ("renewal", PROB)):
                P[t, k] = td[k].draw_years(rng, R, years, rg)
        for i, tr in enumerate(sc.trans):
            P[i, "rate"] = tr["rate"].draw_years(rng, R, years, PROB)
            P[i, "quota"] = tr["quota"].draw_years(rng, R, years, NONNEG)
        ev_f = [[m[2].draw(rng, R, PROB) for m in e["moves"]] for e in sc.events]
        # policies: factor per (kind, key) and year
        fac = {}
        for pol in sc.policies:
            for (kind, key), v in pol["scales"]:
                f = v.draw(rng, R, NONNEG)
                for yi, y in enumerate(years):
                    if pol["from"] <= y <= pol["until"]:
                        fac[kind, key, yi] = fac.get((kind, key, yi), 1.0) * f

        # event fractions out of one tier above 1 in a replication: scaled down
        capped = np.zeros(R, dtype=bool)
        for ei, e in enumerate(sc.events):
            for a in set(m[0] for m in e["moves"]):
                idx = [j for j, m in enumerate(e["moves"]) if m[0] == a]
                if len(idx) > 1:
                    s = sum(ev_f[ei][j] for j in idx)
                    if np.any(s > 1):
                        capped |= s > 1
                        sc_ = np.where(s > 1, 1.0 / np.maximum(s, 1e-300), 1.0)
                        for j in idx:
                            ev_f[ei][j] = ev_f[ei][j] * sc_

        # effective exits, rates (scaled, capped, normalised) and inflow means
        exit_y = {}
        for t in T:
            for yi in range(nY):
                e = P[t, "exit"][yi]
                f = fac.get(("exit", t, yi))
                if f is not None:
                    e = np.minimum(e * f, 1.0)
                exit_y[t, yi] = e
        rate_y = {}
        for t in T:
            outs = self.out_tr[t]
            for yi in range(nY):
                rs = []
                for i in outs:
                    r = P[i, "rate"][yi]
                    f = fac.get(("rate", sc.trans[i]["name"], yi))
                    if f is not None:
                        r = np.minimum(r * f, 1.0)
                    rs.append(r)
                if len(rs) > 1:
                    s = sum(rs)
                    if np.any(s > 1):
                        over = s > 1
                        capped |= over
                        k = np.where(over, 1.0 / np.maximum(s, 1e-300), 1.0)
                        rs = [r * k for r in rs]
                for i, r in zip(outs, rs):
                    rate_y[i, yi] = r
        self.capped += int(np.count_nonzero(capped))
        mu_y = {}
        for t in T:
            inf, gr = P[t, "inflow"], P[t, "inflow_growth"]
            by_year = sc.tier[t]["inflow"].by_year
            mu = None
            for yi, y in enumerate(years):
                # mu(y) = v_tau * prod_{t = tau+1 .. y} (1 + g_t): restart at a value's year
                mu = inf[yi] if (yi == 0 or y in by_year) else mu * (1.0 + gr[yi])
                f = fac.get(("inflow", t, yi))
                mu_y[t, yi] = mu if f is None else mu * f

        # 2. stocks and certificate cohorts
        N = {t: P[t, "stock"].copy() for t in T}
        new = {t: np.zeros(R, dtype=i64) for t in T}
        V = {t: sc.tier[t]["validity"] for t in T}
        C = {}
        for t in T:
            v = V[t]
            if not v:
                continue
            c = np.zeros((v + 1, R), dtype=i64)
            st = N[t]
            props = sc.tier[t]["cohorts"]
            if props is None:        # split evenly, the remainder to c1
                base = st // v
                for j in range(1, v + 1):
                    c[(sc.start_year - j) % (v + 1)] = base
                c[(sc.start_year - 1) % (v + 1)] += st - base * v
            elif sc.tier[t]["stock"].is_const:
                for j in range(1, v + 1):
                    c[(sc.start_year - j) % (v + 1)] = int(props[j - 1])
            else:                    # proportions of a drawn stock: floors, the remainder to c1
                tot = sum(props)
                rest = st.copy()
                for j in range(2, v + 1):
                    cj = np.floor(st * (props[j - 1] / tot)).astype(i64)
                    c[(sc.start_year - j) % (v + 1)] = cj
                    rest -= cj
                c[(sc.start_year - 1) % (v + 1)] = rest
            C[t] = c

        zero = np.zeros(R, dtype=i64)
        for yi, y in enumerate(years):
            moved_in = {t: zero for t in T}
            # (0) events of year y, in file order; each from the stocks before it
            for ei, e in enumerate(sc.events):
                if e["year"] != y:
                    continue
                pre = {t: N[t].copy() for t in T}
                preC = {t: C[t].copy() for t in C}
                delta = {}
                for a in dict.fromkeys(m[0] for m in e["moves"]):
                    idx = [j for j, m in enumerate(e["moves"]) if m[0] == a]
                    counts = cond_binomials(rng, pre[a], [ev_f[ei][j] for j in idx])
                    if a in C:
                        rows = [r for r in range(V[a] + 1) if preC[a][r].any()]
                        avail = preC[a].copy()
                    for j, m in zip(idx, counts):
                        b = e["moves"][j][1]
                        N[a] = N[a] - m
                        delta[b] = delta.get(b, zero) + m
                        moved_in[b] = moved_in[b] + m
                        taken = None
                        if a in C and rows:
                            taken = mvhg(rng, avail, m, rows)
                            for r, d in taken.items():
                                avail[r] -= d
                                C[a][r] -= d
                        if b in C:
                            if a in C and V[a] == V[b]:
                                for r, d in (taken or {}).items():
                                    C[b][r] += d    # same validity: keeps its certificate year
                            else:
                                C[b][y % (V[b] + 1)] += m   # a certificate of year y in b
                for b, m in delta.items():
                    N[b] = N[b] + m
            # (1) exits, (2) promotions and quotas, (3) re-review, (4) inflow
            X, out_nk, prom_in, arrivals, renewed, expired, inflow = {}, {}, {}, {}, {}, {}, {}
            for t in T:
                n = N[t]
                e = exit_y[t, yi]
                if np.isscalar(e) and e == 0.0:
                    x = zero
                else:
                    x = rng.binomial(n, e)
                X[t] = x
                if t in C and x is not zero:
                    rows = [r for r in range(V[t] + 1) if C[t][r].any()]
                    if rows:
                        for r, d in mvhg(rng, C[t], x, rows).items():
                            C[t][r] -= d
                outs = self.out_tr[t]
                if outs:
                    ms = cond_binomials(rng, n - x, [rate_y[i, yi] for i in outs])
                    nk = zero
                    for i, m in zip(outs, ms):
                        q = P[i, "quota"][yi]
                        if q is not None:
                            m = np.minimum(m, np.floor(q).astype(i64) if not np.isscalar(q) else int(q))
                        b = sc.trans[i]["dst"]
                        prom_in[b] = prom_in.get(b, zero) + m
                        if not sc.trans[i]["keep"]:
                            nk = nk + m
                    out_nk[t] = nk
                    if t in C and nk is not zero and nk.any():
                        rows = [r for r in range(V[t] + 1) if C[t][r].any()]
                        for r, d in mvhg(rng, C[t], nk, rows).items():
                            C[t][r] -= d
                else:
                    out_nk[t] = zero
            for t in T:
                if t not in C:
                    renewed[t] = expired[t] = zero
                    continue
                due = (y - V[t]) % (V[t] + 1)
                c = C[t][due]
                rn = P[t, "renewal"][yi]
                if np.isscalar(rn) and rn == 0.0:
                    ren = zero
                else:
                    ren = rng.binomial(c, rn)
                renewed[t] = ren
                expired[t] = c - ren
                C[t][due] = 0
                et = sc.tier[t]["expire_to"]
                if et is not None:
                    arrivals[et] = arrivals.get(et, zero) + expired[t]
            for t in T:
                mu = mu_y[t, yi]
                if np.isscalar(mu) and mu == 0.0:
                    inflow[t] = zero
                    continue
                phi = P[t, "inflow_dispersion"][yi]
                if not (np.isscalar(phi) and phi == 0.0):
                    phia = np.broadcast_to(phi, (R,))
                    pos = phia > 0
                    g = np.ones(R)
                    if pos.all():
                        g = rng.gamma(1.0 / phia, phia)
                    elif pos.any():
                        g[pos] = rng.gamma(1.0 / phia[pos], phia[pos])
                    mu = mu * g
                i_ = rng.poisson(mu) if not np.isscalar(mu) else rng.poisson(mu, R)
                q = P[t, "inflow_quota"][yi]
                if q is not None:
                    i_ = np.minimum(i_, np.floor(q).astype(i64) if not np.isscalar(q) else int(q))
                inflow[t] = i_
            # balance; entrants of year y join its certificate cohort at its end
            for t in T:
                pin = prom_in.get(t, zero)
                arr = arrivals.get(t, zero)
                N[t] = N[t] - X[t] - out_nk[t] - expired[t] + inflow[t] + pin + arr
                new[t] = new[t] + inflow[t] + pin
                if t in C:
                    C[t][y % (V[t] + 1)] += inflow[t] + pin + renewed[t] + arr
                if arr is not zero:
                    moved_in[t] = moved_in[t] + arr
                vals = {"stock": N[t], "new": new[t], "inflow": inflow[t], "promoted_in": pin,
                        "exits": X[t], "expired": expired[t], "renewed": renewed[t], "moved_in": moved_in[t]}
                for m, a in vals.items():
                    acc = self.acc.get((yi, t, m))
                    if acc is not None:
                        acc.add(np.broadcast_to(a, (R,)))
        # targets at end_year
        allm = np.ones(R, dtype=bool)
        for ti, tg in enumerate(sc.targets):
            cnt = zero
            for t in tg["tiers"]:
                if tg["measure"] == "stock":
                    v = N[t]
                else:
                    v = new[t] + (sc.tier[t]["cumulative_start"] if tg["measure"] == "cumulative" else 0)
                cnt = cnt + v
            met = cnt >= tg["threshold"]
            self.met[ti] += int(np.count_nonzero(met))
            allm &= met
            if self.tacc[ti] is not None:
                self.tacc[ti].add(np.broadcast_to(cnt, (R,)))
        self.met_all += int(np.count_nonzero(allm))
        self.n += R

    # -- outputs ------------------------------------------------------------
    def summary(self, yi, t, m):
        """(mean, sd, [p05, p25, p50, p75, p95]) of one (year, tier, measure)."""
        cs = self.sc.tier[t]["cumulative_start"]
        if m == "cumulative":
            if "new" in self.zero[t]:
                return float(cs), 0.0, [cs] * 5
            a = self.acc[yi, t, "new"]
            return a.mean() + cs, a.sd(), [q + cs for q in a.quantiles()]
        if m in self.zero[t]:
            return 0.0, 0.0, [0] * 5
        a = self.acc[yi, t, m]
        return a.mean(), a.sd(), a.quantiles()

    def write(self, outdir, manifest):
        sc = self.sc
        rows = ["year,period_end,tier,measure,mean,sd,p05,p25,p50,p75,p95"]
        for yi, y in enumerate(sc.years):
            for t in sc.tiers:
                for m in MEASURES:
                    mean, sd, q = self.summary(yi, t, m)
                    rows.append(",".join([str(y), sc.period_end(y), t, m, fmt(mean), fmt(sd)]
                                         + [str(int(v)) for v in q]))
        trows = ["tier,measure,target,threshold,p_met,se,ci_lo,ci_hi,p05,p50,p95"]
        n = self.n
        last = len(sc.years) - 1
        for ti, tg in enumerate(sc.targets):
            p = self.met[ti] / n
            se = math.sqrt(p * (1 - p) / n)
            lo, hi = wilson(p, n)
            if self.tacc[ti] is not None:
                q = self.tacc[ti].quantiles((5, 50, 95))
            else:
                _, _, q5 = self.summary(last, tg["tiers"][0], tg["measure"])
                q = [q5[0], q5[2], q5[4]]
            trows.append(",".join([tg["name"], tg["measure"], fmt(tg["target"]), fmt(tg["threshold"]),
                                   "%.6f" % p, "%.6f" % se, "%.6f" % lo, "%.6f" % hi] + [str(int(v)) for v in q]))
        if sc.targets:
            p = self.met_all / n
            lo, hi = wilson(p, n)
            trows.append("ALL,,,,%.6f,%.6f,%.6f,%.6f,,," % (p, math.sqrt(p * (1 - p) / n), lo, hi))
        man = ["%s: %s" % kv for kv in manifest] + ["capped_replications: %d" % self.capped]
        os.makedirs(outdir, exist_ok=True)
        for fname, lines in (("projection.csv", rows), ("targets.csv", trows), ("manifest.txt", man)):
            fd, tmp = tempfile.mkstemp(dir=outdir, prefix="." + fname)
            with os.fdopen(fd, "w") as f:
                f.write("\n".join(lines) + "\n")
            os.replace(tmp, os.path.join(outdir, fname))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="numpy_model.py",
                                 description="tiersim's model, vectorised over replications with numpy")
    ap.add_argument("scenario")
    ap.add_argument("-n", type=int, default=None, help="replications (default: the scenario's)")
    ap.add_argument("-s", type=int, default=None, help="seed (default: the scenario's)")
    ap.add_argument("-o", default=None, help="output directory (default out/NAME-numpy)")
    ap.add_argument("--policy", action="append", default=[])
    ap.add_argument("--block", type=int, default=100000, help="replications per vectorised block")
    ap.add_argument("--bitgen", choices=("pcg64", "sfc64"), default="pcg64")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    try:
        sc = Scenario(a.scenario, a.policy)
        n = a.n if a.n is not None else sc.replications
        seed = a.s if a.s is not None else sc.seed
        if n < 1 or a.block < 1:
            raise InputError("-n and --block must be at least 1")
        model = Model(sc)
        bg = np.random.PCG64 if a.bitgen == "pcg64" else np.random.SFC64
        nblocks = -(-n // a.block)
        children = np.random.SeedSequence(seed).spawn(nblocks)
        t0 = time.perf_counter()
        done = 0
        for b in range(nblocks):
            r = min(a.block, n - done)
            model.block(np.random.Generator(bg(children[b])), r)
            done += r
        secs = time.perf_counter() - t0
        out = a.o or os.path.join("out", sc.name + "-numpy")
        model.write(out, [("program", "bench/numpy_model.py (numpy %s)" % np.__version__),
                          ("command", " ".join([os.path.basename(sys.argv[0])] + (argv or sys.argv[1:]))),
                          ("scenario", a.scenario), ("scenario_name", sc.name),
                          ("policies", ",".join(a.policy)), ("replications", n), ("seed", seed),
                          ("generator", "numpy Generator(%s), SeedSequence(seed).spawn(blocks)" % a.bitgen.upper()),
                          ("block", a.block), ("seconds", "%.3f" % secs)])
    except InputError as e:
        sys.stderr.write("%s\n" % e)
        return 2
    if not a.quiet:
        ry = n * len(sc.years)
        print("%s: %d replications x %d years, %s, block %d: %.2f s (%.0f replication-years/s); "
              "rates or event fractions scaled down in %d replications; results: %s/"
              % (sc.name, n, len(sc.years), a.bitgen, a.block, secs, ry / secs, model.capped, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
