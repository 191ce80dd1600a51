#!/usr/bin/env python3
"""Golden values for src/sequences, computed independently of the TypeScript code.

    python3 scripts/golden-sobol.py [path/to/new-joe-kuo-6.21201]

Standard library only. Reads the raw Joe-Kuo text file (default ../shared/data/sobol/new-joe-kuo-6.21201
relative to the repository root) and writes

  test/sequences/golden-sobol.json     Sobol' points (Joe & Kuo's algorithm as described for sobol.cc:
                                       m_i recurrence on Python integers, V_i = m_i * 2^(32-i),
                                       natural order by the bits of i, Gray order by the sobol.cc
                                       recurrence X_i = X_(i-1) ^ V_(c_(i-1)), c = rightmost zero bit)
                                       and a checksum over the direction numbers of all 21201 components
  test/sequences/golden-scramble.json  digitalShift / owenScramble, written digit by digit
  test/sequences/golden-rng.json       Rng (xoshiro128** with our seeding) and inverseNormalCdf
                                       (Newton's method on math.erfc, independent of AS241)
"""
import json
import math
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT_DIR = os.path.join(ROOT, 'test', 'sequences')
MASK = 0xFFFFFFFF
BITS = 32

# ------------------------------------------------------------------------------------------------
# Sobol'


def read_joe_kuo(path):
    """List of (s, a, [m_1..m_s]) for dimensions 2, 3, ... (index 0 = dimension 2)."""
    rows = []
    with open(path) as f:
        next(f)  # header "d s a m_i"
        for line in f:
            t = line.split()
            if not t:
                continue
            d, s, a = int(t[0]), int(t[1]), int(t[2])
            assert d == len(rows) + 2
            rows.append((s, a, [int(x) for x in t[3:]]))
    return rows


def direction_numbers(rows, component):
    """V_1..V_32 as Python ints. Component 0 = van der Corput, component k = dimension k+1."""
    if component == 0:
        m = [1] * BITS
    else:
        s, a, m0 = rows[component - 1]
        m = list(m0)
        for i in range(s, BITS):  # m[i] is m_(i+1)
            new = m[i - s] ^ (m[i - s] << s)
            for k in range(1, s):
                a_k = (a >> (s - 1 - k)) & 1
                new ^= (a_k * m[i - k]) << k
            m.append(new)
    return [m[i] << (BITS - 1 - i) for i in range(BITS)]


def natural_point(V, i):
    x = 0
    j = 0
    while i:
        if i & 1:
            x ^= V[j]
        i >>= 1
        j += 1
    return x


def gray_points(V, count):
    """Points in sobol.cc's Gray-code order: X_0 = 0, X_i = X_(i-1) ^ V_(c+1), c = rightmost zero bit of i-1."""
    X = [0]
    for i in range(1, count):
        c = 0
        value = i - 1
        while value & 1:
            value >>= 1
            c += 1
        X.append(X[-1] ^ V[c])
    return X


COMPONENTS = [0, 1, 2, 3, 10, 100, 1000, 21200]
LARGE_INDICES = [1000, 65535, 65536, 2**20 + 7, 2**31 - 1, 2**31, 2**32 - 1]


def direction_checksum(rows):
    """h = (h * 31 + V_j) mod 2^32 over components 0..21200 and j = 1..32 in order."""
    h = 0
    for c in range(len(rows) + 1):
        for v in direction_numbers(rows, c):
            h = (h * 31 + v) & MASK
    return h


# ------------------------------------------------------------------------------------------------
# 32-bit hashing, seeds, scrambles, Rng (mirrors the specification comments in src/sequences).


def fmix32(h):
    h &= MASK
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h


def hash_step(h, w):
    return fmix32(((h ^ w) + 0x9E3779B9) & MASK)


def seed_words(seed):
    return seed & MASK, (seed >> 32) & MASK


def derive_key(tag, seed, component):
    lo, hi = seed_words(seed)
    return hash_step(hash_step(hash_step(tag, lo), hi), component)


SHIFT_TAG = 0x53484654
OWEN_TAG = 0x4F57454E


def digital_shift(values, seed, component):
    shift = derive_key(SHIFT_TAG, seed, component)
    return [v ^ shift for v in values]


def owen_scramble(values, seed, component):
    """Digit k (k = 0 most significant) is flipped by bit (2^t - 1 + digits 5g..k-1) of the hash of
    the group's prefix, g = k // 5, t = k - 5g."""
    k1 = derive_key(OWEN_TAG, seed, component)
    k2 = hash_step(k1, OWEN_TAG)
    out = []
    for x in values:
        y = 0
        for k in range(BITS):
            d = 5 * (k // 5)
            t = k - d
            prefix = x >> (BITS - d)  # digits 0..d-1
            u = (1 << d) | prefix
            h = fmix32(fmix32(u ^ k1) ^ k2)
            within = (x >> (BITS - k)) & ((1 << t) - 1) if t > 0 else 0  # digits d..k-1
            flip = (h >> ((1 << t) - 1 + within)) & 1
            digit = (x >> (BITS - 1 - k)) & 1
            y = (y << 1) | (digit ^ flip)
        out.append(y)
    return out


class Xoshiro128StarStar:
    def __init__(self, seed):
        lo, hi = seed_words(seed)
        x, y = lo, hi
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & MASK
            y = (y + 0x7F4A7C15) & MASK
            s.append(fmix32(x ^ fmix32(y)))
        if s == [0, 0, 0, 0]:
            s[0] = 1
        self.s = s

    def next_u32(self):
        s = self.s
        rotl = lambda v, r: ((v << r) | (v >> (32 - r))) & MASK
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 9) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def next_float(self):
        a = self.next_u32() >> 5
        b = self.next_u32() >> 6
        return (a * 67108864 + b) / 9007199254740992.0


def normal_quantile(p):
    """Phi^-1(p) by bisection to a bracket, then Newton on Phi(x) = erfc(-x/sqrt2)/2 (lower tail form)."""
    if p == 0.5:
        return 0.0
    if p > 0.5:
        return -normal_quantile(1.0 - p)  # 1 - p is exact for p >= 1/2 (Sterbenz)
    cdf = lambda x: 0.5 * math.erfc(-x / math.sqrt(2.0))
    lo, hi = -40.0, 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    x = 0.5 * (lo + hi)
    for _ in range(5):  # Newton polishes the last bits (relative accuracy of erfc in the tail)
        pdf = math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
        if pdf == 0.0:
            break
        x -= (cdf(x) - p) / pdf
    return x


# ------------------------------------------------------------------------------------------------


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '..', 'shared', 'data', 'sobol', 'new-joe-kuo-6.21201')
    rows = read_joe_kuo(src)
    os.makedirs(OUT_DIR, exist_ok=True)

    components = []
    for c in COMPONENTS:
        V = direction_numbers(rows, c)
        components.append({
            'component': c,
            'directionNumbers': V,
            'natural': [natural_point(V, i) for i in range(64)],
            'gray': gray_points(V, 64),
            'largeIndices': LARGE_INDICES,
            'naturalAtLargeIndices': [natural_point(V, i) for i in LARGE_INDICES],
        })
    sobol = {
        'generator': 'scripts/golden-sobol.py',
        'source': 'new-joe-kuo-6.21201',
        'components': len(rows) + 1,
        'directionChecksum': direction_checksum(rows),
        'directionChecksumRule': 'h = (h * 31 + v_j) mod 2^32 over components 0..21200, j = 1..32',
        'points': components,
    }

    scramble_cases = []
    for seed in [1, 12345, -7, 2**40 + 3]:
        for c in [0, 1, 5, 21200]:
            V = direction_numbers(rows, c)
            pts = [natural_point(V, i) for i in range(16)]
            scramble_cases.append({
                'seed': seed,
                'component': c,
                'natural': pts,
                'digitalShift': digital_shift(pts, seed, c),
                'owenScramble': owen_scramble(pts, seed, c),
            })
    scramble = {'generator': 'scripts/golden-sobol.py', 'cases': scramble_cases}

    rng_cases = []
    for seed in [0, 1, -1, 42, 2**40 + 5, 2**53 - 1, -(2**53 - 1)]:
        g = Xoshiro128StarStar(seed)
        u32 = [g.next_u32() for _ in range(8)]
        g = Xoshiro128StarStar(seed)
        floats = [g.next_float() for _ in range(4)]
        rng_cases.append({'seed': seed, 'nextU32': u32, 'nextFloat': floats})
    ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5,
          0.6, 0.75, 0.9, 0.975, 0.999, 1 - 1e-10]
    normal = [{'p': p, 'x': normal_quantile(p)} for p in ps]
    rng = {'generator': 'scripts/golden-sobol.py', 'rng': rng_cases, 'inverseNormalCdf': normal}

    for name, data in [('golden-sobol.json', sobol), ('golden-scramble.json', scramble), ('golden-rng.json', rng)]:
        path = os.path.join(OUT_DIR, name)
        with open(path, 'w') as f:
            json.dump(data, f, indent=1)
            f.write('\n')
        print('wrote', os.path.relpath(path, ROOT))


if __name__ == '__main__':
    main()
