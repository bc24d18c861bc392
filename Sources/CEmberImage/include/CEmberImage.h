#ifndef CEMBER_IMAGE_H
#define CEMBER_IMAGE_H
// Image codecs loaded at run time (ImageCodecs.c): libjpeg-turbo's TurboJPEG API, libpng's
// simplified API and giflib, each opened with dlopen on first use, so a machine without them still
// builds and runs everything else.
#include <stddef.h>
#include <stdint.h>

// What `ember_image_decode` and `ember_image_encode_png` return.
enum {
  EMBER_IMAGE_OK = 0,
  EMBER_IMAGE_UNKNOWN_FORMAT = 1,  // the bytes start like no JPEG, PNG or GIF
  EMBER_IMAGE_LIBRARY_MISSING = 2, // the codec's library could not be loaded (message names it)
  EMBER_IMAGE_CORRUPT = 3,         // the codec rejected the data (message says why)
  EMBER_IMAGE_NO_MEMORY = 4,
};

// The format the bytes start with: 1 JPEG, 2 PNG, 3 GIF, 0 none of them.
int ember_image_sniff(const uint8_t *data, size_t size);

// Decodes a JPEG, PNG or GIF (its first frame) into 8-bit interleaved pixels with `channels` (1:
// gray, 3: RGB; a PNG's alpha is dropped, as PIL's convert does; a GIF's transparent pixels are its
// background color).
// On success `*pixels` is malloc'ed (free it with `ember_image_free`); on failure `message` holds
// a NUL-terminated reason.
int ember_image_decode(const uint8_t *data, size_t size, int channels, uint8_t **pixels, int *width,
                       int *height, char *message, size_t message_size);

// Encodes 8-bit interleaved pixels (1, 3 or 4 channels) as PNG; `*png` is malloc'ed.
int ember_image_encode_png(const uint8_t *pixels, int width, int height, int channels, uint8_t **png,
                           size_t *size, char *message, size_t message_size);

void ember_image_free(void *pointer);
#endif
