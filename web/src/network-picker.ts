/**
 * The network picker: widths, path source, fan-in, initialisation and the output layer -> the
 * MlpSpec that the drawing shows and the worker trains. Presets include small networks whose
 * every path can be drawn.
 */
import { DEFAULT_HIDDEN_ORDER, type InitSpec, type MlpSpec, type PathSource } from '../../src/index.js';

export const PRESETS: Record<string, { widths: string; fanIn: number }> = {
  'MNIST 784-1024-1024-10 (fan-in 32)': { widths: '784-1024-1024-10', fanIn: 32 },
  'MNIST small 784-128-10 (fan-in 8)': { widths: '784-128-10', fanIn: 8 },
  'drawing 16-16-16 (fan-in 4)': { widths: '16-16-16', fanIn: 4 },
  'drawing 8-32-32-8 (fan-in 2)': { widths: '8-32-32-8', fanIn: 2 },
};

const SOURCES = { 'sobol': 'Sobol\'', 'sobol-owen': 'Sobol\', Owen-scrambled', 'random-walk': 'random walk' } as const;
const INITS = { 'he': 'He (seeded normal)', 'qmc-normal': 'QMC normal (Sobol\')', 'constant': 'constant 1/√fan-in' } as const;

function field(id: string): HTMLInputElement & HTMLSelectElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page lacks #${id}`);
  return el as HTMLInputElement & HTMLSelectElement;
}

function options(select: HTMLSelectElement, entries: Record<string, string>): void {
  for (const [value, label] of Object.entries(entries)) select.add(new Option(label, value));
}

/** Parses "784-128-10" -> [784, 128, 10], with a one-line error. */
export function parseWidths(text: string): number[] {
  const widths = text.split(/[-,\s]+/).filter((s) => s !== '').map(Number);
  if (widths.length < 2 || widths.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`widths must be two or more positive integers such as 784-128-10, got "${text}"`);
  }
  return widths;
}

/** Reads the form as a model spec. */
export function readSpec(): MlpSpec {
  const seed = Number(field('seed').value) | 0;
  const kind = field('source').value as keyof typeof SOURCES;
  const source: PathSource = kind === 'sobol' ? { kind } : { kind, seed };
  const initKind = field('init').value as keyof typeof INITS;
  const init: InitSpec = initKind === 'he' ? { kind: 'he', seed } : { kind: initKind };
  const fanIn = Number(field('fan-in').value);
  if (!Number.isInteger(fanIn) || fanIn < 1) throw new Error(`fan-in must be a positive integer, got "${field('fan-in').value}"`);
  return {
    widths: parseWidths(field('widths').value),
    paths: { source, paths: { fanIn }, hiddenOrder: DEFAULT_HIDDEN_ORDER },
    outputLayer: field('output-layer').value === 'path' ? 'path' : 'dense',
    batchNorm: false,
    init,
  };
}

/** Fills the picker's choices and calls `changed` whenever a setting changes. */
export function setUpPicker(changed: () => void): void {
  const preset = field('preset');
  options(preset, Object.fromEntries(Object.keys(PRESETS).map((k) => [k, k])));
  options(field('source'), SOURCES);
  options(field('init'), INITS);
  options(field('output-layer'), { dense: 'dense', path: 'path-sparse' });
  preset.addEventListener('change', () => {
    const p = PRESETS[preset.value];
    field('widths').value = p.widths;
    field('fan-in').value = String(p.fanIn);
    changed();
  });
  for (const id of ['widths', 'fan-in', 'source', 'init', 'output-layer', 'seed']) field(id).addEventListener('change', changed);
}
