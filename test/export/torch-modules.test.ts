/**
 * python/sobolnet_torch's PathLinear and PathConv2d on their own, in float64: equal to the dense
 * masked layer (output and every gradient) and confirmed by torch.autograd.gradcheck, for variable
 * and constant fan-in and strided, padded convolutions (python/tests/check_modules.py).
 */
import { describe, expect, it } from 'vitest';
import { python, TORCH_MISSING } from './torch-python.js';

describe.skipIf(TORCH_MISSING !== null)('PathLinear and PathConv2d (python, float64)', () => {
  it('match dense masked layers and pass gradcheck', () => {
    const lines = python('python/tests/check_modules.py', []).trim().split('\n');
    expect(lines).toHaveLength(16);
    for (const line of lines) expect(line).toMatch(/^ok {3}/);
  });
});
