// Winograd F(2×2, 3×3) transforms for 3×3 convolutions at stride 1 (Lavin & Gray, 2015): each
// 2×2 output tile is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A from a 4×4 input tile d, so the 36 multiplies of a
// tile per channel pair become 16, done as 16 matrix products between the transforms.
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
#include "CEmberKernels.h"
#include <string.h>

#define EMBER_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

// Both transforms run along a row of tiles with the tiles as vector lanes: the input rows are first
// copied into a zero-padded row buffer (so padding needs no tests in the loop), the outputs go
// through a row buffer as wide as the tiles (so an odd last column needs none either).
enum { EMBER_WINOGRAD_MAX_TILES = 512 };

EMBER_CLONES void ember_winograd_input_f32(const float *x, long channels, long height, long width,
                                           long pad_top, long pad_left, long tiles_h, long tiles_w,
                                           float *v, long ldv) {
  long span = 2 * tiles_w + 2;
  float rows[4][2 * EMBER_WINOGRAD_MAX_TILES + 2];
  long plane_stride = channels * ldv;
  for (long c = 0; c < channels; c++) {
    const float *plane = x + c * height * width;
    for (long ty = 0; ty < tiles_h; ty++) {
      long y0 = 2 * ty - pad_top;
      for (int i = 0; i < 4; i++) {
        long yy = y0 + i;
        float *row = rows[i];
        if (yy < 0 || yy >= height) {
          for (long j = 0; j < span; j++) row[j] = 0.0f;
          continue;
        }
        // Columns pad_left … pad_left + width − 1 of the buffer hold the row, the rest zeros.
        long inside = width < span - pad_left ? width : span - pad_left;
        for (long j = 0; j < pad_left; j++) row[j] = 0.0f;
        memcpy(row + pad_left, plane + yy * width, (size_t)inside * sizeof(float));
        for (long j = pad_left + inside; j < span; j++) row[j] = 0.0f;
      }
      float *out = v + c * ldv + ty * tiles_w;
      for (long tx = 0; tx < tiles_w; tx++) {
        float d[4][4];
        for (int i = 0; i < 4; i++)
          for (int j = 0; j < 4; j++) d[i][j] = rows[i][2 * tx + j];
        // t = Bᵀ·d (rows), then t·B (columns).
        float t[4][4];
        for (int j = 0; j < 4; j++) {
          t[0][j] = d[0][j] - d[2][j];
          t[1][j] = d[1][j] + d[2][j];
          t[2][j] = d[2][j] - d[1][j];
          t[3][j] = d[1][j] - d[3][j];
        }
        for (int i = 0; i < 4; i++) {
          float *o = out + (long)(i * 4) * plane_stride + tx;
          o[0] = t[i][0] - t[i][2];
          o[plane_stride] = t[i][1] + t[i][2];
          o[2 * plane_stride] = t[i][2] - t[i][1];
          o[3 * plane_stride] = t[i][1] - t[i][3];
        }
      }
    }
  }
}

EMBER_CLONES void ember_winograd_output_f32(const float *m, long channels, long ldm, long tiles_h,
                                            long tiles_w, float *y, long out_h, long out_w,
                                            const float *bias) {
  float rows[2][2 * EMBER_WINOGRAD_MAX_TILES];
  long plane_stride = channels * ldm;
  for (long o = 0; o < channels; o++) {
    float b = bias ? bias[o] : 0.0f;
    float *plane = y + o * out_h * out_w;
    for (long ty = 0; ty < tiles_h; ty++) {
      const float *src = m + o * ldm + ty * tiles_w;
      for (long tx = 0; tx < tiles_w; tx++) {
        float s[4][4];
        for (int k = 0; k < 16; k++) s[k / 4][k % 4] = src[(long)k * plane_stride + tx];
        // r = Aᵀ·s (2×4), then r·A (2×2).
        float r[2][4];
        for (int j = 0; j < 4; j++) {
          r[0][j] = s[0][j] + s[1][j] + s[2][j];
          r[1][j] = s[1][j] - s[2][j] - s[3][j];
        }
        for (int i = 0; i < 2; i++) {
          rows[i][2 * tx] = r[i][0] + r[i][1] + r[i][2] + b;
          rows[i][2 * tx + 1] = r[i][1] - r[i][2] - r[i][3] + b;
        }
      }
      for (int i = 0; i < 2 && 2 * ty + i < out_h; i++)
        memcpy(plane + (2 * ty + i) * out_w, rows[i], (size_t)out_w * sizeof(float));
    }
  }
}

EMBER_CLONES void ember_winograd_gradient_f32(const float *dy, long channels, long out_h, long out_w,
                                              long tiles_h, long tiles_w, float *m, long ldm) {
  float rows[2][2 * EMBER_WINOGRAD_MAX_TILES + 2];
  long plane_stride = channels * ldm;
  long span = 2 * tiles_w;
  for (long o = 0; o < channels; o++) {
    const float *plane = dy + o * out_h * out_w;
    for (long ty = 0; ty < tiles_h; ty++) {
      for (int i = 0; i < 2; i++) {
        long yy = 2 * ty + i;
        if (yy >= out_h) {
          for (long j = 0; j < span; j++) rows[i][j] = 0.0f;
          continue;
        }
        memcpy(rows[i], plane + yy * out_w, (size_t)out_w * sizeof(float));
        for (long j = out_w; j < span; j++) rows[i][j] = 0.0f;
      }
      float *out = m + o * ldm + ty * tiles_w;
      for (long tx = 0; tx < tiles_w; tx++) {
        float g00 = rows[0][2 * tx], g01 = rows[0][2 * tx + 1];
        float g10 = rows[1][2 * tx], g11 = rows[1][2 * tx + 1];
        // r = A·g (4×2) with A = [1 0; 1 1; 1 −1; 0 −1], then r·Aᵀ (4×4).
        float r[4][2] = {{g00, g01}, {g00 + g10, g01 + g11}, {g00 - g10, g01 - g11}, {-g10, -g11}};
        for (int i = 0; i < 4; i++) {
          float *o4 = out + (long)(i * 4) * plane_stride + tx;
          o4[0] = r[i][0];
          o4[plane_stride] = r[i][0] + r[i][1];
          o4[2 * plane_stride] = r[i][0] - r[i][1];
          o4[3 * plane_stride] = -r[i][1];
        }
      }
    }
  }
}
