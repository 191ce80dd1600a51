/** Learning-rate schedules, as a function of progress through training. */
export type ScheduleSpec =
  | { readonly kind: 'constant' }
  | { readonly kind: 'cosine'; readonly finalFraction: number }          // lr0 → lr0·finalFraction along half a cosine, per step
  | { readonly kind: 'step'; readonly every: number; readonly gamma: number }; // lr0·gamma^floor(epoch/every)

export const SCHEDULE_KINDS = ['constant', 'cosine', 'step'] as const;

/** The cosine schedule of `sobolnet train`: down to 0 at the last step (the recipe reads it from here). */
export const COSINE_DEFAULTS = { finalFraction: 0 } as const;

/** Learning rate at `step` (0-based) of `totalSteps`, in epoch `epoch` (0-based). */
export function learningRate(spec: ScheduleSpec, lr0: number, step: number, totalSteps: number, epoch: number): number {
  switch (spec.kind) {
    case 'constant':
      return lr0;
    case 'cosine': {
      const t = totalSteps <= 1 ? 0 : step / (totalSteps - 1);
      const f = spec.finalFraction + (1 - spec.finalFraction) * 0.5 * (1 + Math.cos(Math.PI * t));
      return lr0 * f;
    }
    case 'step':
      return lr0 * Math.pow(spec.gamma, Math.floor(epoch / spec.every));
    default:
      return spec satisfies never;
  }
}
