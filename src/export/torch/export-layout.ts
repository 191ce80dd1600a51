/**
 * How a model appears in its PyTorch export (docs/scaling-out.md): every array of
 * `model.namedArrays()` with its natural shape, its role and its optimiser flags, and every path
 * layer with its gather index. The exporter writes this layout and the importer checks a file
 * against the layout of the model it regenerates, so the two can never disagree.
 *
 * Natural shapes are PyTorch's for the same layer: path linear W[E] (gather order), path
 * convolution W[E][k][k], dense linear W[O][I] (nn.Linear), convolution W[Co][Ci][k][k]
 * (nn.Conv2d), biases and batch-norm arrays [U]. sobolnet stores each in that order already, so
 * the shape is only a view of the same floats.
 *
 * Shape legend: E edges, I inputs, O outputs, Ci/Co channels, k kernel, U units.
 */
import type { Floats } from '../../core/floats.js';
import type { SparseIndex } from '../../kernels/kernels.js';
import type { Param } from '../../layers/layer.js';
import { unitsOf, walkLayers, type LayerPath, type PlacedLayer } from '../../model/layer-spec.js';
import type { Model } from '../../model/model.js';
import { layersOf } from '../../model/model-spec.js';

/** One exported array. role 'param' is trained; 'state' is saved but not trained (running statistics). */
export interface ExportArray {
  readonly name: string;
  readonly value: Floats;
  readonly shape: readonly number[];
  readonly role: 'param' | 'state';
  /** The optimiser's clamp after each step (Param.signConstraint); 0 for state. */
  readonly signConstraint: -1 | 0 | 1;
  /** Whether weight decay applies (Param.decay); false for state. */
  readonly decay: boolean;
}

/** One path layer: its name in the model, its units (channels for a convolution) and its gather index. */
export interface ExportPathLayer {
  readonly where: LayerPath;
  readonly kind: 'path' | 'path-conv';
  readonly inputs: number;
  readonly outputs: number;
  readonly edges: number;
  /** k of a path convolution's k×k edges; 1 for a path linear layer. */
  readonly kernel: number;
  readonly index: SparseIndex;
}

export interface ExportLayout {
  readonly arrays: readonly ExportArray[];
  readonly pathLayers: readonly ExportPathLayer[];
}

/** The layout of `model`: arrays in namedArrays() order, path layers in chain order. */
export function exportLayout(model: Model): ExportLayout {
  const { input, layers } = layersOf(model.spec);
  const placedAt = new Map<LayerPath, PlacedLayer>();
  const pathLayers: ExportPathLayer[] = [];
  walkLayers(layers, input, '', (placed, where) => {
    placedAt.set(where, placed);
    const s = placed.spec;
    if ((s.kind !== 'linear' && s.kind !== 'conv') || !s.path) return;
    // Path layers take the topology's layer pairs in execution order (model/build-layers.ts).
    const index = model.topology?.layers[pathLayers.length];
    if (index === undefined) throw new Error(`layer ${where}: a path layer without a topology layer`);
    pathLayers.push({
      where, kind: s.kind === 'conv' ? 'path-conv' : 'path', inputs: index.inputs, outputs: index.outputs,
      edges: index.sources.length, kernel: s.kind === 'conv' ? s.kernel : 1, index,
    });
  });
  const params = new Map<Floats, Param>(model.params().map((p) => [p.value, p]));
  const arrays = model.namedArrays().map(({ name, value }): ExportArray => {
    const p = params.get(value);
    const where = name.split('.').slice(0, -2).join('.');
    const placed = placedAt.get(where);
    if (placed === undefined) throw new Error(`array ${name}: no layer ${where}`);
    const shape = name.endsWith('.weight') ? weightShape(placed, value.length) : [value.length];
    return { name, value, shape, role: p ? 'param' : 'state', signConstraint: p?.signConstraint ?? 0, decay: p?.decay ?? false };
  });
  return { arrays, pathLayers };
}

/** The natural shape of the N weights of a linear or convolution layer (see the file comment). */
function weightShape(placed: PlacedLayer, N: number): number[] {
  const s = placed.spec;
  switch (s.kind) {
    case 'linear':
      return s.path ? [N] : [s.outputs, unitsOf(placed.input)];
    case 'conv':
      return s.path ? [N / (s.kernel * s.kernel), s.kernel, s.kernel] : [s.outputs, placed.input.channels, s.kernel, s.kernel];
    default:
      throw new Error(`a ${s.kind} layer has no weight`);
  }
}
