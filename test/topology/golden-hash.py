"""Independent re-implementation of topologyHash (src/topology/topology-hash.ts) for the golden
value of the hand-made topology in stats-hash.test.ts. Run: python3 test/topology/golden-hash.py"""
M = 0xFFFFFFFF


def rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & M


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M
    h ^= h >> 16
    return h


def topology_hash(widths, layers):
    """layers: dicts with edges, duplicates and the five index arrays."""
    words = [0x50415448, 1, len(widths)] + list(widths)
    for c in layers:
        words += [c['edges'], c['duplicates']]
        for name in ('targetOffsets', 'sources', 'sourceOffsets', 'targets', 'edgeOf'):
            words += [len(c[name])] + c[name]
    a, b = 0x811C9DC5, 0x2545F491
    for w in words:
        w &= M
        a = ((a ^ w) * 0x01000193) & M
        k = rotl((w * 0xCC9E2D51) & M, 15)
        b = rotl(b ^ ((k * 0x1B873593) & M), 13)
        b = (b * 5 + 0xE6546B64) & M
    n = len(words)
    a = fmix32(a ^ n)
    b = fmix32(b ^ ((n * 0x9E3779B1) & M))
    return '%08x%08x' % (fmix32((a + b) & M), fmix32(a ^ rotl(b, 16)))


# paths 0->1, 2->1, 0->1, 1->0, 2->1, 0->2 between two layers of 3 units, merged.
print(topology_hash([3, 3], [{
    'edges': 4, 'duplicates': 2,
    'targetOffsets': [0, 1, 3, 4], 'sources': [1, 0, 2, 0],
    'sourceOffsets': [0, 2, 3, 4], 'targets': [1, 2, 0, 1], 'edgeOf': [1, 3, 0, 2],
}]))
