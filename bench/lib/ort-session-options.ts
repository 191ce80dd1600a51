/**
 * The onnxruntime-node session options of every bench: `threads` intra-op threads, one inter-op
 * thread, sequential execution, full graph optimisation, and intra-op threads that sleep after a
 * run instead of spinning. Spinning threads keep burning a core for about 50 ms after each
 * `session.run`, which slows whatever case of a round-robin is timed next (measured in the
 * engines bench before this option). The Node binding flattens `extra` to
 * session.intra_op.allow_spinning.
 */
import type * as ort from 'onnxruntime-node';

export const ORT_SESSION_DESCRIPTION = "inter-op 1, sequential, graph optimisation 'all', session.intra_op.allow_spinning 0";

export function ortSessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}
