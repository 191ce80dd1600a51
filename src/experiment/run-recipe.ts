/**
 * A run recipe: one training run described by flat, JSON-friendly fields (the vocabulary of
 * `sobolnet train`'s options). The CLI's `train` and every point of an experiment grid are
 * recipes, and this file is the one place that turns a recipe into a ModelSpec and a TrainConfig.
 *
 * A recipe's identity is its canonical JSON (`recipeKey`): the results file of an experiment
 * knows a run is done when a record with the same key is there.
 */
import { check, checkInt, checkNumber, SobolnetError } from '../core/errors.js';
import { AUGMENT_KINDS, DEFAULT_CROP_PADDING, type AugmentKind } from '../data/augment.js';
import type { ImageShape } from '../data/image-shape.js';
import { NORMALIZATIONS, type NormalizationKind } from '../data/normalization.js';
import type { InitSpec } from '../layers/init.js';
import type { GraphPathCount, GraphSpec } from '../model/graph-spec.js';
import { ARCHITECTURES, CONV_PRESETS, type Architecture } from '../model/presets.js';
import type { LayerSpec } from '../model/layer-spec.js';
import { DEFAULT_HIDDEN_ORDER, topologySpecOf, validateModelSpec, type MlpSpec, type ModelSpec, type PathSpec } from '../model/model-spec.js';
import { resolveTopologySpec, TOPOLOGY_DEFAULTS } from '../topology/resolve-spec.js';
import type { PathSource } from '../topology/spec.js';
import { ADAM_DEFAULTS, DEFAULT_LEARNING_RATES, type OptimizerSpec } from '../train/optimizer.js';
import { COSINE_DEFAULTS, type ScheduleSpec } from '../train/schedule.js';
import { UNIT_ORDERS, type UnitOrder } from '../topology/unit-order.js';
import type { TrainConfig } from '../train/trainer.js';

/** The path sources a recipe may name, `dense` included (no paths). */
export const RECIPE_SOURCES = ['sobol', 'sobol-shift', 'sobol-owen', 'random-walk', 'random-mask', 'dense'] as const;
/** One of RECIPE_SOURCES. */
export type RecipeSource = (typeof RECIPE_SOURCES)[number];
/** The data sets a recipe may name. */
export const RECIPE_DATASETS = ['mnist', 'fashion-mnist', 'cifar10'] as const;
/** One of RECIPE_DATASETS. */
export type RecipeDataset = (typeof RECIPE_DATASETS)[number];
export const INPUT_ORDERS = ['raster', 'hilbert', 'shuffled'] as const;
export type InputOrder = (typeof INPUT_ORDERS)[number];

/**
 * One training run in the flat vocabulary of `sobolnet train`'s options; `completeRecipe` fills in
 * the defaults and checks it.
 */
export interface RunRecipe {
  readonly dataset: RecipeDataset;
  /** The architecture: an MLP of `widths`, or a convolutional preset (model/presets.ts). */
  readonly arch: Architecture;
  /** All widths, input first, classes last (arch mlp only). */
  readonly widths?: readonly number[];
  /** Order of the input features: raster (as stored), along a Hilbert curve over the image, or shuffled by the seed. */
  readonly inputOrder: InputOrder;
  readonly source: RecipeSource;
  /** Seeds scrambling, random walks and masks, He initialisation and the shuffling. */
  readonly seed: number;
  /** Path count: exactly one of fanIn, paths, density (fraction of the dense weights) for a path network. */
  readonly fanIn?: number;
  readonly paths?: number;
  readonly density?: number;
  /** Instead of one count: paths per path-sparse layer pair; pair l keeps the edges of the first pathsPerLayer[l] paths. */
  readonly pathsPerLayer?: readonly number[];
  /**
   * How a density is spread over the layer pairs: 'uniform', one path count for all pairs, or
   * 'erdos-renyi', paths of pair l proportional to (n_l + n_(l+1)) as SET allocates its weights.
   */
  readonly allocation: 'uniform' | 'erdos-renyi';
  readonly components?: readonly number[];
  readonly order: 'natural' | 'gray';
  readonly duplicates: 'merge' | 'keep';
  /**
   * Storage order of the hidden units (an isomorphic relabelling; see topology/unit-order.ts).
   * Records written before this field existed were trained in 'natural' order.
   */
  readonly hiddenOrder: UnitOrder;
  readonly outputLayer: 'dense' | 'path';
  readonly batchNorm: boolean;
  readonly init: InitSpec['kind'];
  readonly initValue?: number;
  readonly initSign: 'positive' | 'negative';
  readonly keepSign: boolean;
  readonly optimizer: OptimizerSpec['kind'];
  /**
   * The learning rate; completeRecipe fills in DEFAULT_LEARNING_RATES[optimizer] when none is
   * given, so every recipe and record names the rate it ran with.
   */
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly schedule: ScheduleSpec['kind'];
  readonly stepEvery: number;
  readonly stepGamma: number;
  readonly epochs: number;
  readonly batch: number;
  /** Train on the first `limit` training samples only (of those left after the validation split). */
  readonly limit?: number;
  /**
   * Training samples held out for validation: the last `validation` of the training file, the same
   * for every seed (data/validation-split.ts); 0 for none. Records written before this field
   * existed held none out.
   */
  readonly validation: number;
  /**
   * Input values: 'per-channel', (pixel / 255 - mean) / std with each channel's mean and std over
   * the training samples (after the validation split and the limit); 'none', pixel / 255.
   * Default by data set (DATASET_INPUT_DEFAULTS); records written before this field used 'none'.
   */
  readonly normalization: NormalizationKind;
  /**
   * Augmentation of the training batches: 'crop-flip', a random crop of the image padded by
   * `cropPadding` zeros and a horizontal flip, drawn from the seed (data/augment.ts); or 'none'.
   * Default by data set (DATASET_INPUT_DEFAULTS); records written before this field used 'none'.
   */
  readonly augment: AugmentKind;
  readonly cropPadding: number;
}

/**
 * The defaults of every field that has one (those of `sobolnet train`). Where the library has a
 * default of its own (topology order and duplicates, hidden-unit order), this reads it, so that
 * the CLI and the library never differ.
 */
export const RECIPE_DEFAULTS = {
  dataset: 'mnist', arch: 'mlp', inputOrder: 'raster', source: 'sobol', seed: 1, allocation: 'uniform',
  order: TOPOLOGY_DEFAULTS.order, duplicates: TOPOLOGY_DEFAULTS.duplicates,
  hiddenOrder: DEFAULT_HIDDEN_ORDER, outputLayer: 'dense', batchNorm: false, init: 'he', initSign: 'positive', keepSign: false, optimizer: 'adam',
  momentum: 0.9, weightDecay: 0, schedule: 'cosine', stepEvery: 5, stepGamma: 0.1, epochs: 10, batch: 128,
  validation: 5000, cropPadding: DEFAULT_CROP_PADDING,
} as const satisfies Partial<RunRecipe>;


/** The learning rates that records without an `lr` field ran with (the defaults until issue #9). */
export const LEGACY_LEARNING_RATES = { adam: 0.003, sgd: 0.05 } as const satisfies Record<RunRecipe['optimizer'], number>;

/**
 * The defaults that are not fields of a recipe: the hidden widths when no widths are given, and
 * the fan-in of a path network given no path count (a recipe leaves its count out, so that its key
 * stays the same whichever default applies).
 */
export const NETWORK_DEFAULTS = { hidden: [1024, 1024], fanIn: 32 } as const;

/**
 * Input features, classes and image shape of each data set (its files are checked against them
 * when loaded); features = channels × height × width, the sample's bytes in x[C][H][W] order.
 */
export const DATASET_SHAPES = {
  mnist: { features: 784, classes: 10, channels: 1, height: 28, width: 28 },
  'fashion-mnist': { features: 784, classes: 10, channels: 1, height: 28, width: 28 },
  cifar10: { features: 3072, classes: 10, channels: 3, height: 32, width: 32 },
} as const satisfies Record<RecipeDataset, { features: number; classes: number } & ImageShape>;

/** The image shape of `dataset`'s samples: { channels, height, width } (1×28×28 for MNIST, 3×32×32 for CIFAR-10). */
export function datasetImageShape(dataset: RecipeDataset): ImageShape {
  const { channels, height, width } = DATASET_SHAPES[dataset];
  return { channels, height, width };
}

/**
 * The input pipeline of each data set when a recipe names none: CIFAR-10 normalised per channel,
 * cropped and flipped (the usual CIFAR recipe); MNIST-like data as pixel / 255 and unaugmented,
 * as every run before these fields.
 */
export const DATASET_INPUT_DEFAULTS = {
  mnist: { normalization: 'none', augment: 'none' },
  'fashion-mnist': { normalization: 'none', augment: 'none' },
  cifar10: { normalization: 'per-channel', augment: 'crop-flip' },
} as const satisfies Record<RecipeDataset, Pick<RunRecipe, 'normalization' | 'augment'>>;

/** The default widths on `dataset`: its features, NETWORK_DEFAULTS.hidden, its classes. */
export function defaultWidths(dataset: RecipeDataset): number[] {
  const { features, classes } = DATASET_SHAPES[dataset];
  return [features, ...NETWORK_DEFAULTS.hidden, classes];
}

/**
 * What a recorded recipe that lacks a field meant, for fields added after records existed whose
 * default is not what runs before them used: hidden units were stored in natural order, and no
 * training samples were held out for validation.
 */
export const LEGACY_RECIPE_FIELDS = {
  hiddenOrder: 'natural', validation: 0, normalization: 'none', augment: 'none',
} as const satisfies Partial<RunRecipe>;

/**
 * The fields of a recorded recipe as it ran: LEGACY_RECIPE_FIELDS and the legacy learning rate of
 * its optimizer where the record predates them, then the record's own fields.
 */
export function recordedRecipeFields(recorded: object): object {
  const optimizer = (recorded as { optimizer?: unknown }).optimizer === 'sgd' ? 'sgd' : RECIPE_DEFAULTS.optimizer;
  return { ...LEGACY_RECIPE_FIELDS, lr: LEGACY_LEARNING_RATES[optimizer], ...recorded };
}

type FieldCheck = (value: unknown, name: string) => void;

const oneOf = (choices: readonly unknown[]): FieldCheck => (v, name) =>
  check(choices.includes(v), () => `${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
const integer = (min: number, max = Number.MAX_SAFE_INTEGER): FieldCheck => (v, name) =>
  checkInt(v as number, name, min, max);
const number = (min: number, max: number): FieldCheck => (v, name) => {
  check(typeof v === 'number', () => `${name} must be a number, got ${JSON.stringify(v)}`);
  checkNumber(v as number, name, min, max);
};
const boolean: FieldCheck = (v, name) =>
  check(typeof v === 'boolean', () => `${name} must be true or false, got ${JSON.stringify(v)}`);
const integers = (min: number, max: number): FieldCheck => (v, name) => {
  check(Array.isArray(v) && v.length > 0, () => `${name} must be a non-empty list of integers, got ${JSON.stringify(v)}`);
  (v as unknown[]).forEach((x, i) => integer(min, max)(x, `${name}[${i}]`));
};

/** Every field of a recipe and the check of its value. */
const FIELDS: Record<keyof RunRecipe, FieldCheck> = {
  dataset: oneOf(RECIPE_DATASETS),
  arch: oneOf(ARCHITECTURES),
  widths: integers(1, 1 << 24),
  inputOrder: oneOf(INPUT_ORDERS),
  source: oneOf(RECIPE_SOURCES),
  seed: integer(0),
  fanIn: integer(1, 1 << 20),
  paths: integer(1),
  density: number(Number.MIN_VALUE, 1),
  pathsPerLayer: integers(1, 2 ** 30),
  allocation: oneOf(['uniform', 'erdos-renyi']),
  components: integers(0, 21_200),
  order: oneOf(['natural', 'gray']),
  duplicates: oneOf(['merge', 'keep']),
  hiddenOrder: oneOf(UNIT_ORDERS),
  outputLayer: oneOf(['dense', 'path']),
  batchNorm: boolean,
  init: oneOf(['he', 'constant', 'fixed-sign', 'qmc-normal']),
  initValue: number(-100, 100),
  initSign: oneOf(['positive', 'negative']),
  keepSign: boolean,
  optimizer: oneOf(['adam', 'sgd']),
  lr: number(Number.MIN_VALUE, 100),
  momentum: number(0, 0.9999),
  weightDecay: number(0, 1),
  schedule: oneOf(['cosine', 'step', 'constant']),
  stepEvery: integer(1),
  stepGamma: number(Number.MIN_VALUE, 1),
  epochs: integer(1, 100_000),
  batch: integer(1, 65_536),
  limit: integer(1),
  validation: integer(0),
  normalization: oneOf(NORMALIZATIONS),
  augment: oneOf(AUGMENT_KINDS),
  cropPadding: integer(0, 1 << 10),
};

export const RECIPE_FIELDS = Object.keys(FIELDS) as (keyof RunRecipe)[];

/** Whether `name` is a recipe field. */
export function isRecipeField(name: string): name is keyof RunRecipe {
  return Object.hasOwn(FIELDS, name);
}

/** How a field is named in messages: itself in a spec, its flag (`--fan-in`) on the command line. */
export type FieldLabel = (field: keyof RunRecipe) => string;

/** The command-line flag of a field: fanIn -> --fan-in. */
export const flagOf: FieldLabel = (field) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `where: ` before a message, or nothing when there is no where. */
const prefix = (where: string): string => (where === '' ? '' : `${where}: `);

/** Checks one field's value: a one-line error naming `where`, the field (by `label`) and the value. */
export function checkRecipeField(name: string, value: unknown, where: string, label: FieldLabel = (f) => f): void {
  check(isRecipeField(name), () => `${prefix(where)}unknown field "${name}" (fields: ${RECIPE_FIELDS.join(', ')})`);
  try {
    FIELDS[name](value, label(name));
  } catch (e) {
    if (e instanceof SobolnetError) throw new SobolnetError(`${prefix(where)}${e.message}`);
    throw e;
  }
}

/**
 * Fields that apply to some recipes only: [field, the field that decides, the value it must have].
 * Giving one where it does not apply is an error, so that no option is silently ignored.
 */
const APPLIES_ONLY_WITH: readonly (readonly [keyof RunRecipe, keyof RunRecipe, string])[] = [
  ['initValue', 'init', 'constant'], ['initSign', 'init', 'fixed-sign'], ['keepSign', 'init', 'fixed-sign'],
  ['momentum', 'optimizer', 'sgd'], ['widths', 'arch', 'mlp'], ['outputLayer', 'arch', 'mlp'], ['batchNorm', 'arch', 'mlp'],
  ['allocation', 'arch', 'mlp'], ['inputOrder', 'arch', 'mlp'], ['stepEvery', 'schedule', 'step'], ['stepGamma', 'schedule', 'step'],
  ['cropPadding', 'augment', 'crop-flip'],
];

/** How `completeRecipe` treats its fields. */
export interface CompleteRecipeOptions {
  /**
   * A recorded recipe holds every field, those that do not apply to it included (at their
   * defaults): skip the check that each given field applies.
   */
  readonly recorded?: boolean;
}

/**
 * Fills in the defaults and validates every field and their combination (a field given where it
 * does not apply is an error), the widths against the data set, and the model and topology specs
 * they make. `fields` are those given; `where` names the origin in errors ('' for none); `label`
 * names fields.
 */
export function completeRecipe(fields: object, where: string, label: FieldLabel = (f) => f,
  options: CompleteRecipeOptions = {}): RunRecipe {
  const at = prefix(where);
  for (const [name, value] of Object.entries(fields)) checkRecipeField(name, value, where, label);
  const dataset = (fields as { dataset?: RecipeDataset }).dataset ?? RECIPE_DEFAULTS.dataset;
  const r = { ...RECIPE_DEFAULTS, ...DATASET_INPUT_DEFAULTS[dataset], ...fields } as RunRecipe & { widths?: readonly number[] };
  if (options.recorded !== true) {
    for (const [field, by, value] of APPLIES_ONLY_WITH) {
      check(!Object.hasOwn(fields, field) || r[by] === value, () =>
        `${at}${label(field)} applies only with ${label(by)} ${value}, got ${label(by)} ${String(r[by])}`);
    }
  }
  if (r.arch === 'mlp') checkWidths(r.widths, r.dataset, at, label);
  const counts = (['fanIn', 'paths', 'density', 'pathsPerLayer'] as const).filter((k) => r[k] !== undefined);
  const given = counts.map((k) => `${label(k)} ${String(r[k])}`).join(' and ');
  if (r.source === 'dense') {
    check(counts.length === 0, () => `${at}a dense run takes no ${given}`);
  } else {
    check(counts.length <= 1, () =>
      `${at}give one of ${label('fanIn')}, ${label('paths')}, ${label('density')} or ${label('pathsPerLayer')}, got ${given}`);
    check(r.allocation === 'uniform' || r.density !== undefined, () =>
      `${at}${label('allocation')} ${r.allocation} spreads a ${label('density')}; give ${label('density')} too`);
  }
  if (r.keepSign) {
    check(r.init === 'fixed-sign', () => `${at}${label('keepSign')} needs ${label('init')} fixed-sign, got ${label('init')} ${r.init}`);
  }
  if (r.augment === 'crop-flip') {
    const image = datasetImageShape(r.dataset);
    check(r.inputOrder === 'raster', () => `${at}${label('augment')} crop-flip crops and flips images, so it needs ` +
      `${label('inputOrder')} raster, got ${label('inputOrder')} ${r.inputOrder} (give ${label('augment')} none)`);
    check(r.cropPadding < Math.min(image.height, image.width), () => `${at}${label('cropPadding')} must be less than ` +
      `the ${image.height}×${image.width} images of ${r.dataset}, got ${r.cropPadding}`);
  }
  // The model and topology specs check the rest (components per layer, path counts per pair...)
  // now, so that a bad grid point fails before a sweep starts rather than when its turn comes.
  try {
    // An MLP's density is resolved into paths later (it builds topologies); a preset's is a fraction per layer.
    const spec = modelSpecOf(r.arch === 'mlp' ? { ...r, density: undefined } : r, 1);
    validateModelSpec(spec);
    const topology = topologySpecOf(spec);
    if (topology) resolveTopologySpec(topology);
  } catch (e) {
    if (e instanceof SobolnetError) throw new SobolnetError(`${at}${e.message}`);
    throw e;
  }
  return { ...r, lr: r.lr ?? DEFAULT_LEARNING_RATES[r.optimizer] };
}

/** Checks the widths of an MLP recipe against its data set. */
function checkWidths(widths: readonly number[] | undefined, dataset: RecipeDataset, at: string, label: FieldLabel): void {
  check(widths !== undefined, () => `${at}widths is missing (e.g. "widths": [784, 1024, 1024, 10])`);
  check(widths.length >= 2, () => `${at}widths must list an input and an output width, got ${JSON.stringify(widths)}`);
  const shape = DATASET_SHAPES[dataset];
  check(widths[0] === shape.features, () =>
    `${at}${label('widths')} must start with the ${shape.features} input features of ${dataset}, got ${widths[0]}`);
  check(widths[widths.length - 1] === shape.classes, () =>
    `${at}${label('widths')} must end with the ${shape.classes} classes of ${dataset}, got ${widths[widths.length - 1]}`);
}

/** The widths of an MLP recipe (completeRecipe has checked them); an error for a convolutional one. */
export function mlpWidths(r: Pick<RunRecipe, 'arch' | 'widths'>): readonly number[] {
  check(r.arch === 'mlp' && r.widths !== undefined, () => `arch ${r.arch} has no widths (they belong to arch mlp)`);
  return r.widths as readonly number[];
}

/**
 * The identity of a recorded run: its recipe as it ran (recordedRecipeFields), completed and keyed.
 * A record of a planned run has the planned run's key, whenever the record was written.
 */
export function recordedRecipeKey(recorded: object, where: string): string {
  return recipeKey(completeRecipe(recordedRecipeFields(recorded), where, (f) => f, { recorded: true }));
}

/** The canonical JSON of a recipe (fields in the order of RECIPE_FIELDS): its identity in a results file. */
export function recipeKey(r: RunRecipe): string {
  const ordered: Record<string, unknown> = {};
  for (const name of RECIPE_FIELDS) if (r[name] !== undefined) ordered[name] = r[name];
  return JSON.stringify(ordered);
}

function pathSource(kind: Exclude<RecipeSource, 'dense'>, seed: number): PathSource {
  switch (kind) {
    case 'sobol': return { kind };
    case 'sobol-shift': case 'sobol-owen': case 'random-walk': case 'random-mask': return { kind, seed };
    default: return kind satisfies never;
  }
}

/**
 * The PathSpec of a recipe (null for dense). A density must have been resolved into a path count
 * first (experiment/density.ts); without any count, `defaultFanIn` applies.
 */
export function pathSpecOf(r: Pick<RunRecipe, 'source' | 'seed' | 'density' | 'paths' | 'fanIn' | 'pathsPerLayer' |
  'components' | 'order' | 'duplicates' | 'hiddenOrder'>, defaultFanIn: number): PathSpec | null {
  if (r.source === 'dense') return null;
  check(r.density === undefined, () => `density ${r.density} must be resolved into a path count first`);
  if (r.paths !== undefined && r.fanIn !== undefined) {
    throw new SobolnetError(`give either paths (${r.paths}) or fan-in (${r.fanIn}), not both`);
  }
  return {
    source: pathSource(r.source, r.seed),
    paths: r.pathsPerLayer !== undefined ? { perLayer: r.pathsPerLayer }
      : r.paths !== undefined ? { total: r.paths } : { fanIn: r.fanIn ?? defaultFanIn },
    ...(r.components ? { components: r.components } : {}),
    order: r.order,
    duplicates: r.duplicates,
    hiddenOrder: r.hiddenOrder,
  };
}

export function initSpecOf(r: RunRecipe): InitSpec {
  switch (r.init) {
    case 'he': return { kind: 'he', seed: r.seed };
    case 'constant': return r.initValue === undefined ? { kind: 'constant' } : { kind: 'constant', value: r.initValue };
    case 'fixed-sign': return { kind: 'fixed-sign', sign: r.initSign === 'positive' ? 1 : -1, keepSign: r.keepSign };
    case 'qmc-normal': return { kind: 'qmc-normal' };
    default: return r.init satisfies never;
  }
}

/** The MLP spec of an arch mlp recipe. */
export function mlpSpecOf(r: RunRecipe, defaultFanIn: number): MlpSpec {
  return {
    widths: mlpWidths(r), paths: pathSpecOf(r, defaultFanIn), outputLayer: r.outputLayer, batchNorm: r.batchNorm,
    init: initSpecOf(r),
  };
}

/**
 * The graph spec of a convolutional recipe: its preset on the data set's images. A density is the
 * channel fan-in of every path layer as a fraction of its input channels (C/4 is 0.25); a fan-in
 * is the same for every path layer (at most its inputs).
 */
export function graphSpecOf(r: RunRecipe, defaultFanIn: number): GraphSpec {
  check(r.arch !== 'mlp', () => 'an arch mlp recipe has an MLP spec (mlpSpecOf)');
  const preset = CONV_PRESETS[r.arch];
  const input = datasetImageShape(r.dataset);
  const layers = preset.layers(DATASET_SHAPES[r.dataset].classes);
  const pathSpec = pathSpecOf({ ...r, density: undefined }, defaultFanIn);
  if (pathSpec === null) return { input, layers: layers.map(denseLayer), paths: null, init: initSpecOf(r) };
  const paths: GraphPathCount = r.density !== undefined ? { fraction: r.density } : pathSpec.paths;
  return { input, layers, paths: { ...pathSpec, paths, hiddenOrder: r.hiddenOrder }, init: initSpecOf(r) };
}

/** A layer spec with every path layer made dense (residual blocks included): the dense counterpart. */
function denseLayer(spec: LayerSpec): LayerSpec {
  if (spec.kind === 'linear' || spec.kind === 'conv') return { ...spec, path: false };
  if (spec.kind === 'residual') return { ...spec, body: spec.body.map(denseLayer), shortcut: spec.shortcut.map(denseLayer) };
  return spec;
}

/** The model spec of a recipe. */
export function modelSpecOf(r: RunRecipe, defaultFanIn: number): ModelSpec {
  return r.arch === 'mlp' ? mlpSpecOf(r, defaultFanIn) : graphSpecOf(r, defaultFanIn);
}

function optimizerSpecOf(r: RunRecipe): OptimizerSpec {
  return r.optimizer === 'adam'
    ? { kind: 'adam', ...ADAM_DEFAULTS, weightDecay: r.weightDecay }
    : { kind: 'sgd', momentum: r.momentum, weightDecay: r.weightDecay };
}

function scheduleSpecOf(r: RunRecipe): ScheduleSpec {
  switch (r.schedule) {
    case 'cosine': return { kind: 'cosine', ...COSINE_DEFAULTS };
    case 'step': return { kind: 'step', every: r.stepEvery, gamma: r.stepGamma };
    case 'constant': return { kind: 'constant' };
    default: return r.schedule satisfies never;
  }
}

/** The training configuration of a recipe. */
export function trainConfigOf(r: RunRecipe): TrainConfig {
  return {
    epochs: r.epochs, batchSize: r.batch, learningRate: r.lr,
    optimizer: optimizerSpecOf(r), schedule: scheduleSpecOf(r), seed: r.seed,
    ...(r.limit !== undefined ? { limit: r.limit } : {}),
    ...(r.augment === 'crop-flip' ? { augment: { kind: 'crop-flip', padding: r.cropPadding } } : {}),
  };
}
