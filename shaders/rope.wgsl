// Rotary position embedding (rotate-half convention), in place on the q and k heads of the fused
// qkv activations:
//   qkv: [tokens, row_stride] f32; heads 0..rotated_heads-1 (all q heads, then all k heads) are
//        rotated, each head_dim wide and starting at column head * head_dim
//   positions: [tokens] u32, the position of each token within its own sequence
//   table: [max_position, head_dim / 2] vec2f of (cos, sin), computed in float64 on the CPU
// For pair i < head_dim/2: (a, b) = (x[i], x[i + half]) -> (a cos - b sin, b cos + a sin).
// One invocation per (token, head, pair), spread over a 2D grid of workgroups.
struct Params {
  tokens: u32,
  rotated_heads: u32,
  head_dim: u32,
  row_stride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> positions: array<u32>;
@group(0) @binding(2) var<storage, read> table: array<vec2f>;
@group(0) @binding(3) var<storage, read_write> qkv: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let half = params.head_dim / 2u;
  let index = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (index >= params.tokens * params.rotated_heads * half) {
    return;
  }
  let i = index % half;
  let head = (index / half) % params.rotated_heads;
  let token = index / (half * params.rotated_heads);
  let cos_sin = table[positions[token] * half + i];
  let a_index = token * params.row_stride + head * params.head_dim + i;
  let a = qkv[a_index];
  let b = qkv[a_index + half];
  qkv[a_index] = a * cos_sin.x - b * cos_sin.y;
  qkv[a_index + half] = b * cos_sin.x + a * cos_sin.y;
}
