// Rotary position embedding (rotate-half) as a matmul epilogue, concatenated in front of matmul.wgsl
// for the q|k|v projection. At upload the q and k rows of W (and of the bias) are reordered
// (model/rope.ts, rotaryPairOrder) so that output columns 2i and 2i+1 of a head hold the rotate-half
// pair (i, i + head_dim / 2); q.k is unchanged by the same reordering of both, and v is not reordered.
//   rotary_positions: [tokens] u32, the position of row m's token within its own sequence
//   rotary_table: [max_position, head_dim / 2] vec2f of (cos, sin), computed in float64 on the CPU
// rotary(m, col, v) takes the bias-added values of columns col..col+3 of row m (col a multiple of 4, so
// two whole pairs) and returns them rotated: (a, b) -> (a cos - b sin, b cos + a sin). Columns from
// ROTARY_COLUMNS on (the v heads) pass through.
@group(0) @binding(5) var<storage, read> rotary_positions: array<u32>;
@group(0) @binding(6) var<storage, read> rotary_table: array<vec2f>;

override ROTARY_HEAD_DIM: u32;
override ROTARY_COLUMNS: u32;

fn rotary(m: u32, col: u32, v: vec4f) -> vec4f {
  if (col >= ROTARY_COLUMNS) {
    return v;
  }
  let half = ROTARY_HEAD_DIM / 2u;
  let entry = rotary_positions[m] * half + (col % ROTARY_HEAD_DIM) / 2u;
  let first = rotary_table[entry];
  let second = rotary_table[entry + 1u];
  return vec4f(
    v.x * first.x - v.y * first.y,
    v.y * first.x + v.x * first.y,
    v.z * second.x - v.w * second.y,
    v.w * second.x + v.z * second.y,
  );
}
