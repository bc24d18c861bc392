// Philox 4×32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC 2011) — the one cuRAND, JAX and PyTorch's CUDA path use.
// A 128-bit counter and a 64-bit key give four 32-bit words with no state, so any element of a
// stream can be computed on its own: the same seed gives the same numbers on any thread count.
#include "CEmberKernels.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static inline __attribute__((always_inline)) void philox_block(uint32_t c0, uint32_t c1, uint32_t c2,
                                                                uint32_t c3, uint32_t k0, uint32_t k1,
                                                                uint32_t out[4]) {
  for (int round = 0; round < 10; round++) {
    uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
    uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c1 = (uint32_t)p1;
    c3 = (uint32_t)p0;
    c0 = n0;
    c2 = n2;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

void ember_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]) {
  philox_block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
}

// Whole blocks, written as a plain loop the compiler vectorizes across blocks.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void philox_blocks(uint64_t key, uint64_t stream, uint64_t first, uint32_t *out, long blocks) {
  uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
  uint32_t c2 = (uint32_t)stream, c3 = (uint32_t)(stream >> 32);
  for (long b = 0; b < blocks; b++) {
    uint64_t counter = first + (uint64_t)b;
    uint32_t words[4];
    philox_block((uint32_t)counter, (uint32_t)(counter >> 32), c2, c3, k0, k1, words);
    out[4 * b] = words[0];
    out[4 * b + 1] = words[1];
    out[4 * b + 2] = words[2];
    out[4 * b + 3] = words[3];
  }
}

void ember_philox_u32(uint64_t key, uint64_t stream, uint64_t word, uint32_t *out, long n) {
  long done = 0;
  uint32_t words[4];
  // A head up to the next block boundary.
  while (done < n && ((word + (uint64_t)done) & 3) != 0) {
    uint64_t w = word + (uint64_t)done;
    uint64_t block = w >> 2;
    philox_block((uint32_t)block, (uint32_t)(block >> 32), (uint32_t)stream,
                 (uint32_t)(stream >> 32), (uint32_t)key, (uint32_t)(key >> 32), words);
    out[done++] = words[w & 3];
  }
  long blocks = (n - done) / 4;
  if (blocks > 0) {
    philox_blocks(key, stream, (word + (uint64_t)done) >> 2, out + done, blocks);
    done += 4 * blocks;
  }
  if (done < n) {
    uint64_t block = (word + (uint64_t)done) >> 2;
    philox_block((uint32_t)block, (uint32_t)(block >> 32), (uint32_t)stream,
                 (uint32_t)(stream >> 32), (uint32_t)key, (uint32_t)(key >> 32), words);
    for (int i = 0; done < n; i++) out[done++] = words[i];
  }
}
