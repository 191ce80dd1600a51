/**
 * Optimisers over a model's parameters. State (momentum, Adam moments) lives in typed arrays of
 * the parameters' precision; the arithmetic is the kernels' update step.
 */
import { precisionOf, type Floats } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Param } from '../layers/layer.js';

/** An optimiser and its constants: SGD with momentum, or Adam (ADAM_DEFAULTS are the CLI's). */
export type OptimizerSpec =
  | { readonly kind: 'sgd'; readonly momentum: number; readonly weightDecay: number }
  | { readonly kind: 'adam'; readonly beta1: number; readonly beta2: number; readonly eps: number; readonly weightDecay: number };

export const OPTIMIZER_KINDS = ['sgd', 'adam'] as const;

/** Adam's moment decays and epsilon as `sobolnet train` uses them (Kingma & Ba's values); the recipe reads them from here. */
export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/**
 * The learning rate of each optimizer that `sobolnet train` uses when none is given. Adam's 0.01
 * was chosen on the validation accuracy of the default network (experiments/adam-lr.json,
 * docs/RESULTS.md); before issue #9 it was 0.003, chosen on test accuracy (the recipe's
 * LEGACY_LEARNING_RATES).
 */
export const DEFAULT_LEARNING_RATES = { adam: 0.01, sgd: 0.05 } as const satisfies Record<OptimizerSpec['kind'], number>;

/** Updates a model's parameters from their gradients, its state (momentum, Adam moments) in typed arrays. */
export class Optimizer {
  private readonly first: Floats[];
  private readonly second: Floats[];
  private steps = 0;

  constructor(private readonly kernels: Kernels, private readonly params: readonly Param[], readonly spec: OptimizerSpec) {
    this.first = params.map((p) => kernels.alloc(precisionOf(p.value), p.value.length));
    this.second = spec.kind === 'adam' ? params.map((p) => kernels.alloc(precisionOf(p.value), p.value.length)) : [];
  }

  /** One update of every parameter from its gradient, at learning rate `lr`. */
  step(lr: number): void {
    this.steps++;
    const spec = this.spec;
    this.params.forEach((p, i) => {
      const decay = p.decay ? spec.weightDecay : 0;
      const N = p.value.length;
      switch (spec.kind) {
        case 'sgd':
          this.kernels.sgdMomentumStep(p.value, p.grad, this.first[i], lr, spec.momentum, decay, N);
          break;
        case 'adam':
          this.kernels.adamStep(p.value, p.grad, this.first[i], this.second[i], lr, spec.beta1, spec.beta2,
            spec.eps, decay, this.steps, N);
          break;
        default:
          spec satisfies never;
      }
      if (p.signConstraint !== 0) this.kernels.clampSign(p.value, p.signConstraint, N);
    });
  }
}
