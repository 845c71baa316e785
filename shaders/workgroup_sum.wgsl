// Workgroup-wide sum, concatenated in front of the row kernels (rmsnorm, layernorm) that use one
// workgroup per row. Each invocation passes its partial sum; every invocation gets the total. A tree
// reduction in workgroup memory: WORKGROUP_SIZE must be a power of two. Call in uniform control flow.
override WORKGROUP_SIZE: u32 = 64u;
var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

fn workgroup_sum(lid: u32, value: f32) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}
