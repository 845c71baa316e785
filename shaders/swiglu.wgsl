// SwiGLU gating of the fused gate|up projection:
//   gate_up: [rows, 2 * width] f32 (gate in columns 0..width-1, up in width..2*width-1)
//   out:     [rows, width] f32,  out[r, i] = silu(gate[r, i]) * up[r, i],  silu(g) = g / (1 + exp(-g))
// One invocation per output element, spread over a 2D grid of workgroups.
struct Params {
  rows: u32,
  width: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> gate_up: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let index = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (index >= params.rows * params.width) {
    return;
  }
  let r = index / params.width;
  let i = index % params.width;
  let g = gate_up[r * 2u * params.width + i];
  let u = gate_up[r * 2u * params.width + params.width + i];
  out[index] = g / (1.0 + exp(-g)) * u;
}
