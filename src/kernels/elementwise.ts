/** Shared sizing for kernels that run one invocation per element over a 2D grid of workgroups. */
import { grid } from '../gpu/recorder';

export const ELEMENTWISE_WORKGROUP = 64;

export function elementwiseGrid(count: number, workgroupSize: number, maxPerDimension: number): [number, number] {
  return grid(Math.ceil(count / workgroupSize), maxPerDimension);
}
