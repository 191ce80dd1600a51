/**
 * The 128-bit SIMD ceiling of this machine, measured: a hand-assembled wasm function that runs
 * `chains` independent accumulators through acc = acc * m + a (f32x4.mul then f32x4.add, 8 FLOPs
 * per chain and step) entirely in registers, `unroll` steps per loop iteration. Nothing touches
 * memory, so the time is bounded by the vector multiply/add throughput that wasm can use on one
 * core. Several chain counts are tried; the fastest median is the ceiling. With `fma`, each step is
 * one f32x4.relaxed_madd instead (the ceiling of the FMA build; needs relaxed SIMD).
 *
 * m and a come in as parameters (no constant folding); with m < 1 the accumulators converge to
 * a / (1 - m), so no overflow and no denormals. The result is checked against a scalar
 * Math.fround simulation before anything is timed.
 */
import { timeCases, type Timing } from './timing.js';

const V128 = 0x7b, F32 = 0x7d, I32 = 0x7f;
const SIMD = 0xfd;
const F32X4_SPLAT = 0x13, F32X4_EXTRACT_LANE = 0x1f, F32X4_ADD = 0xe4, F32X4_MUL = 0xe6, F32X4_RELAXED_MADD = 0x105;
const V128_LOAD = 0x00, V128_LOAD32_SPLAT = 0x09, V128_CONST = 0x0c;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BR_IF = 0x0d, END = 0x0b,
  I32_CONST = 0x41, I32_EQZ = 0x45, I32_SUB = 0x6b, VOID = 0x40;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const simdOp = (op: number): number[] => [SIMD, ...uleb(op)];
const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => vec([...text].map((c) => [c.charCodeAt(0)]));

/** `body` run while local `n` (an i32) is not 0, n decremented after each pass. */
const countedLoop = (n: number, body: readonly number[]): number[] => [BLOCK, VOID, LOOP, VOID, LOCAL_GET, n, I32_EQZ, BR_IF, 1,
  ...body, LOCAL_GET, n, I32_CONST, 1, I32_SUB, LOCAL_SET, n, BR, 0, END, END];

/** Lane 0 of the sum of the v128 locals acc(0) .. acc(chains - 1), left on the stack. */
function sumLane0(chains: number, acc: (i: number) => number): number[] {
  const code = [LOCAL_GET, ...uleb(acc(0))];
  for (let i = 1; i < chains; i++) code.push(LOCAL_GET, ...uleb(acc(i)), ...simdOp(F32X4_ADD));
  return [...code, ...simdOp(F32X4_EXTRACT_LANE), 0];
}

/**
 * A module of one function `run`(params) -> f32 with `v128Locals` v128 locals and the body `code`,
 * and with `memory` one exported page of memory "mem".
 */
function moduleBytes(params: readonly number[], v128Locals: number, code: readonly number[], memory: boolean): Uint8Array {
  const body = [...vec([[...uleb(v128Locals), V128]]), ...code, END];
  const exports = [[...name('run'), 0x00, 0], ...(memory ? [[...name('mem'), 0x02, 0]] : [])];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(params.map((t) => [t])), ...vec([[F32]])]])),
    ...section(3, vec([uleb(0)])),
    ...(memory ? section(5, vec([[0x00, 1]])) : []),
    ...section(7, vec(exports)),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

/** Module exporting run(m: f32, a: f32, steps: i32) -> f32 (lane 0 of the sum of the accumulators). */
export function ceilingModuleBytes(chains: number, unroll: number, fma = false): Uint8Array {
  const M = 0, A = 1, N = 2;                  // parameters
  const acc = (i: number): number => 3 + i;   // v128 locals
  const mv = 3 + chains, av = 4 + chains;
  const code: number[] = [];
  code.push(LOCAL_GET, M, ...simdOp(F32X4_SPLAT), LOCAL_SET, ...uleb(mv));
  code.push(LOCAL_GET, A, ...simdOp(F32X4_SPLAT), LOCAL_SET, ...uleb(av));
  for (let i = 0; i < chains; i++) code.push(LOCAL_GET, ...uleb(av), LOCAL_SET, ...uleb(acc(i)));
  const step: number[] = [];
  for (let u = 0; u < unroll; u++) {
    for (let i = 0; i < chains; i++) {
      step.push(...(fma
        ? [LOCAL_GET, ...uleb(acc(i)), LOCAL_GET, ...uleb(mv), LOCAL_GET, ...uleb(av), ...simdOp(F32X4_RELAXED_MADD)]
        : [LOCAL_GET, ...uleb(acc(i)), LOCAL_GET, ...uleb(mv), ...simdOp(F32X4_MUL), LOCAL_GET, ...uleb(av), ...simdOp(F32X4_ADD)]),
      LOCAL_SET, ...uleb(acc(i)));
    }
  }
  code.push(...countedLoop(N, step), ...sumLane0(chains, acc));
  return moduleBytes([F32, F32, I32], chains + 2, code, false);
}

/**
 * The sparse gather's inner loop with the gather taken out, as a module exporting run(steps: i32)
 * -> f32 and its memory "mem". Each step: one weight splat from memory, then `chains` vector loads,
 * each feeding one multiply-add (f32x4.relaxed_madd) into its own accumulator. That is
 * assembly/gather-rows.ts's chunk6 (chains = 6) without the row index load and the address
 * arithmetic: every address is a constant, so every load hits L1. One vector load per multiply-add
 * is what a gather over batch lanes cannot avoid (each x vector of a source row meets one weight per
 * target), so this loop's rate is the most the kernel's loop structure gets from the engine on
 * this core, whatever the schedule does to the caches. The `unroll` steps of an iteration read
 * their own weights and x vectors (chains × unroll vectors from byte 0, weights from byte 4096).
 */
export function loadFedModuleBytes(chains: number, unroll: number): Uint8Array {
  if (16 * chains * unroll > LOAD_FED_WEIGHTS) throw new Error(`load-fed loop: ${chains} × ${unroll} vectors pass the weights at ${LOAD_FED_WEIGHTS}`);
  const N = 0;
  const acc = (i: number): number => 1 + i;
  const w = 1 + chains;
  const memarg = (alignLog2: number, offset: number): number[] => [...uleb(alignLog2), ...uleb(offset)];
  const code: number[] = [...simdOp(V128_CONST), ...new Array<number>(16).fill(0), LOCAL_SET, ...uleb(acc(0))];
  for (let i = 1; i < chains; i++) code.push(LOCAL_GET, ...uleb(acc(0)), LOCAL_SET, ...uleb(acc(i)));
  const step: number[] = [];
  for (let u = 0; u < unroll; u++) {
    step.push(I32_CONST, 0, ...simdOp(V128_LOAD32_SPLAT), ...memarg(2, LOAD_FED_WEIGHTS + 4 * u), LOCAL_SET, ...uleb(w));
    for (let i = 0; i < chains; i++) {
      step.push(LOCAL_GET, ...uleb(w), I32_CONST, 0, ...simdOp(V128_LOAD), ...memarg(4, 16 * (i + chains * u)),
        LOCAL_GET, ...uleb(acc(i)), ...simdOp(F32X4_RELAXED_MADD), LOCAL_SET, ...uleb(acc(i)));
    }
  }
  code.push(...countedLoop(N, step), ...sumLane0(chains, acc));
  return moduleBytes([I32], chains + 1, code, true);
}

/** Byte offset of the load-fed loop's weights in its memory. */
const LOAD_FED_WEIGHTS = 4096;

/**
 * The load-fed loop (`loadFedModuleBytes`, 6 chains as chunk6, one step per iteration: with 3
 * steps an iteration, TurboFan hoists all 18 loads and spills, 40-45 % of the ceiling against
 * 64-73 %) as a call of about `callMs` and its FLOPs, to time beside other cases in one
 * round-robin group. Its result is checked first against float32 arithmetic (to 1e-5: one rounding
 * per step where the CPU fuses).
 */
export function loadFedCall(chains = 6, unroll = 1, callMs = 5): { call: () => void; flop: number } {
  const instance = new wasmApi.Instance(new wasmApi.Module(loadFedModuleBytes(chains, unroll)), {});
  const run = instance.exports.run as (steps: number) => number;
  const mem = new Float32Array((instance.exports.mem as { buffer: ArrayBuffer }).buffer);
  for (let v = 0; v < chains * unroll * 4; v++) mem[v] = 0.5 + ((v * 37) % 101) / 101;   // never zeros
  for (let u = 0; u < unroll; u++) mem[LOAD_FED_WEIGHTS / 4 + u] = 0.001 * (u + 1);
  const f = Math.fround, steps50 = 50;
  let want = 0;
  for (let i = 0; i < chains; i++) {
    let a = 0;
    for (let s = 0; s < steps50; s++) for (let u = 0; u < unroll; u++) a = f(a + f(mem[LOAD_FED_WEIGHTS / 4 + u] * mem[4 * (i + chains * u)]));
    want = f(want + a);
  }
  const got = run(steps50);
  if (!(Math.abs(got - want) <= 1e-5 * Math.abs(want))) throw new Error(`load-fed loop computed ${got}, expected ${want}`);
  return timedCall(run, callMs, unroll * chains * 8);
}

type RunFn = (m: number, a: number, steps: number) => number;

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it as a value). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function instantiate(chains: number, unroll: number, fma: boolean): RunFn {
  const module = new wasmApi.Module(ceilingModuleBytes(chains, unroll, fma));
  const instance = new wasmApi.Instance(module, {});
  return instance.exports.run as RunFn;
}

/** What run(m, a, steps) must return, in float32 arithmetic. */
function expected(m: number, a: number, steps: number, chains: number, unroll: number): number {
  const f = Math.fround;
  let x = f(a);
  for (let s = 0; s < steps * unroll; s++) x = f(f(x * f(m)) + f(a));
  let sum = x;
  for (let i = 1; i < chains; i++) sum = f(sum + x);
  return sum;
}

/** Steps of `run` that make one call last about `callMs`. */
function calibrateSteps(run: RunFn, m: number, a: number, callMs: number): number {
  let n = 1 << 16;
  for (;;) {
    const t0 = performance.now();
    run(m, a, n);
    const ms = performance.now() - t0;
    if (ms >= callMs / 4 || n >= 1 << 30) return Math.max(1, Math.round(n * callMs / Math.max(ms, 1e-3)));
    n *= 4;
  }
}

/**
 * One variant of the ceiling kernel as a call of about `callMs` and its FLOPs, to time beside
 * other cases in one round-robin group: its GFLOP/s then see the same machine load as theirs.
 */
export function ceilingCall(chains: number, unroll: number, fma: boolean, callMs = 5): { call: () => void; flop: number } {
  const run = instantiate(chains, unroll, fma);
  return timedCall((steps) => run(0.999, 0.001, steps), callMs, unroll * chains * 8);
}

/** `run` as a call of about `callMs` (its step count calibrated) and the FLOPs of that call, `flopPerStep` a step. */
function timedCall(run: (steps: number) => number, callMs: number, flopPerStep: number): { call: () => void; flop: number } {
  const steps = calibrateSteps((_m, _a, n) => run(n), 0, 0, callMs);
  let sink = 0;
  return {
    call: () => {
      sink += run(steps);
      if (Number.isNaN(sink)) throw new Error('unreachable');
    },
    flop: steps * flopPerStep,
  };
}

export interface CeilingResult {
  /** GFLOP/s per core, the best median over the variants. */
  readonly gflops: number;
  readonly variants: readonly { chains: number; unroll: number; gflops: number; minGflops: number; maxGflops: number; timing: Timing }[];
}

/**
 * Measures the ceiling with timing options `o` (a call lasts about `callMs`); `fma`: of fused
 * multiply-adds, whose result is checked to 1e-5 (one rounding per step where the CPU fuses).
 */
export async function measureSimdCeiling(o: { repeats: number; warmup: number; minSampleMs: number }, callMs = 20,
  fma = false): Promise<CeilingResult> {
  const variants = [[8, 2], [10, 2], [11, 2], [12, 1], [12, 2]];   // 13+ chains spill registers (V8 keeps 15 xmm)
  const m = 0.999, a = 0.001;
  const fns = variants.map(([chains, unroll]) => {
    const run = instantiate(chains, unroll, fma);
    const want = expected(m, a, 50, chains, unroll);
    const got = run(m, a, 50);
    if (fma ? !(Math.abs(got - want) <= 1e-5 * Math.abs(want)) : got !== want) {
      throw new Error(`SIMD ceiling kernel (${chains} chains${fma ? ', fma' : ''}) computed ${got}, expected ${want}`);
    }
    return run;
  });
  // Calibrate steps so that one call lasts about callMs.
  const steps = fns.map((run) => calibrateSteps(run, m, a, callMs));
  let sink = 0;
  const timings = await timeCases(variants.map((_, i) => ({
    key: String(i),
    call: () => { sink += fns[i](m, a, steps[i]); },
  })), { ...o, minSampleMs: Math.max(o.minSampleMs, 0) });
  if (Number.isNaN(sink)) throw new Error('unreachable');
  const results = variants.map(([chains, unroll], i) => {
    const t = timings.get(String(i))!;
    const flop = steps[i] * unroll * chains * 8;
    return { chains, unroll, gflops: flop / t.medianMs / 1e6, minGflops: flop / t.maxMs / 1e6, maxGflops: flop / t.minMs / 1e6, timing: t };
  });
  return { gflops: Math.max(...results.map((r) => r.gflops)), variants: results };
}
