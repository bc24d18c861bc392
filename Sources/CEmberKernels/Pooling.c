// Max pooling's common case in C, where the comparisons become selects (Swift kept branching on
// them, and on activations a comparison is a coin toss): 2×2 windows at stride 2 inside the image.
#include "CEmberKernels.h"

void ember_maxpool2x2_f32(const float *src, long width, float *out, int64_t *index, long out_height,
                          long out_width) {
  for (long oy = 0; oy < out_height; oy++) {
    const float *top = src + 2 * oy * width, *bottom = top + width;
    long row = 2 * oy * width;
    for (long ox = 0; ox < out_width; ox++) {
      long x = 2 * ox;
      float candidates[4] = {top[x], top[x + 1], bottom[x], bottom[x + 1]};
      long positions[4] = {row + x, row + x + 1, row + width + x, row + width + x + 1};
      float best = candidates[0];
      long at = positions[0];
      for (int i = 1; i < 4; i++) {
        float v = candidates[i];
        // The first wins ties; NaN wins and stays.
        int take = (best == best) & !(v <= best);
        best = take ? v : best;
        at = take ? positions[i] : at;
      }
      out[oy * out_width + ox] = best;
      index[oy * out_width + ox] = at;
    }
  }
}
