// Image codecs through the libraries every image stack uses, loaded with dlopen (CEmberImage.h).
// Only the few functions and structs used here are declared, as the libraries' stable ABIs define
// them: TurboJPEG (libjpeg-turbo ≥ 1.4), libpng ≥ 1.6's simplified API, giflib 5.
#include "CEmberImage.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: Loading

static void *ember_open(const char *const names[]) {
  for (int i = 0; names[i]; i++) {
    void *handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (handle) return handle;
  }
  return NULL;
}

// TurboJPEG.
typedef void *tjhandle;
static struct {
  tjhandle (*init_decompress)(void);
  int (*decompress_header3)(tjhandle, const unsigned char *, unsigned long, int *, int *, int *, int *);
  int (*decompress2)(tjhandle, const unsigned char *, unsigned long, unsigned char *, int, int, int, int, int);
  char *(*error_string2)(tjhandle);
  int (*destroy)(tjhandle);
} tj;
enum { TJPF_RGB = 0, TJPF_GRAY = 6, TJFLAG_STOPONWARNING = 8192 };

// libpng's simplified API.
typedef struct {
  void *opaque;
  uint32_t version, width, height, format, flags, colormap_entries, warning_or_error;
  char message[64];
} png_image;
typedef struct { uint8_t red, green, blue; } png_color;
static struct {
  int (*begin_read_from_memory)(png_image *, const void *, size_t);
  int (*finish_read)(png_image *, const png_color *, void *, int32_t, void *);
  void (*free_image)(png_image *);
  int (*write_to_memory)(png_image *, void *, size_t *, int, const void *, int32_t, const void *);
} png;
enum { PNG_IMAGE_VERSION = 1, PNG_FORMAT_GRAY = 0, PNG_FORMAT_GA = 1, PNG_FORMAT_RGB = 2, PNG_FORMAT_RGBA = 3 };

// giflib 5.
typedef unsigned char GifByteType;
typedef struct { GifByteType Red, Green, Blue; } GifColorType;
typedef struct { int ColorCount, BitsPerPixel; bool SortFlag; GifColorType *Colors; } ColorMapObject;
typedef struct { int Left, Top, Width, Height; bool Interlace; ColorMapObject *ColorMap; } GifImageDesc;
typedef struct { int ByteCount; GifByteType *Bytes; int Function; } ExtensionBlock;
typedef struct {
  GifImageDesc ImageDesc;
  GifByteType *RasterBits;
  int ExtensionBlockCount;
  ExtensionBlock *ExtensionBlocks;
} SavedImage;
typedef struct GifFileType {
  int SWidth, SHeight, SColorResolution, SBackGroundColor;
  GifByteType AspectByte;
  ColorMapObject *SColorMap;
  int ImageCount;
  GifImageDesc Image;
  SavedImage *SavedImages;
  int ExtensionBlockCount;
  ExtensionBlock *ExtensionBlocks;
  int Error;
  void *UserData;
  void *Private;
} GifFileType;
typedef int (*GifInputFunc)(GifFileType *, GifByteType *, int);
static struct {
  GifFileType *(*open)(void *, GifInputFunc, int *);
  int (*slurp)(GifFileType *);
  int (*close)(GifFileType *, int *);
  const char *(*error_string)(int);
} gif;

static pthread_once_t ember_codecs_once = PTHREAD_ONCE_INIT;
static bool have_jpeg, have_png, have_gif;

static void ember_load_codecs(void) {
  static const char *const jpeg_names[] = {"libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib",
                                           "libturbojpeg.dylib", "/opt/homebrew/lib/libturbojpeg.dylib", NULL};
  static const char *const png_names[] = {"libpng16.so.16", "libpng16.so", "libpng.so", "libpng16.16.dylib",
                                          "libpng16.dylib", "/opt/homebrew/lib/libpng16.dylib", NULL};
  static const char *const gif_names[] = {"libgif.so.7", "libgif.so", "libgif.7.dylib", "libgif.dylib",
                                          "/opt/homebrew/lib/libgif.dylib", NULL};
  void *h = ember_open(jpeg_names);
  if (h) {
    *(void **)&tj.init_decompress = dlsym(h, "tjInitDecompress");
    *(void **)&tj.decompress_header3 = dlsym(h, "tjDecompressHeader3");
    *(void **)&tj.decompress2 = dlsym(h, "tjDecompress2");
    *(void **)&tj.error_string2 = dlsym(h, "tjGetErrorStr2");
    *(void **)&tj.destroy = dlsym(h, "tjDestroy");
    have_jpeg = tj.init_decompress && tj.decompress_header3 && tj.decompress2 && tj.error_string2 && tj.destroy;
  }
  h = ember_open(png_names);
  if (h) {
    *(void **)&png.begin_read_from_memory = dlsym(h, "png_image_begin_read_from_memory");
    *(void **)&png.finish_read = dlsym(h, "png_image_finish_read");
    *(void **)&png.free_image = dlsym(h, "png_image_free");
    *(void **)&png.write_to_memory = dlsym(h, "png_image_write_to_memory");
    have_png = png.begin_read_from_memory && png.finish_read && png.free_image && png.write_to_memory;
  }
  h = ember_open(gif_names);
  if (h) {
    *(void **)&gif.open = dlsym(h, "DGifOpen");
    *(void **)&gif.slurp = dlsym(h, "DGifSlurp");
    *(void **)&gif.close = dlsym(h, "DGifCloseFile");
    *(void **)&gif.error_string = dlsym(h, "GifErrorString");
    have_gif = gif.open && gif.slurp && gif.close && gif.error_string;
  }
}

static int ember_fail(int status, char *message, size_t size, const char *text) {
  if (message && size) snprintf(message, size, "%s", text ? text : "unknown error");
  return status;
}

// MARK: Decoding

int ember_image_sniff(const uint8_t *d, size_t n) {
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return 1;
  if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return 2;
  if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) return 3;
  return 0;
}

static int decode_jpeg(const uint8_t *data, size_t size, int channels, uint8_t **pixels, int *width,
                       int *height, char *message, size_t message_size) {
  if (!have_jpeg)
    return ember_fail(EMBER_IMAGE_LIBRARY_MISSING, message, message_size,
                      "libturbojpeg (libjpeg-turbo) is not installed (Debian: apt-get install libturbojpeg0)");
  tjhandle handle = tj.init_decompress();
  if (!handle) return ember_fail(EMBER_IMAGE_NO_MEMORY, message, message_size, "tjInitDecompress failed");
  int w, h, subsampling, colorspace;
  if (tj.decompress_header3(handle, data, (unsigned long)size, &w, &h, &subsampling, &colorspace) != 0) {
    int status = ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, tj.error_string2(handle));
    tj.destroy(handle);
    return status;
  }
  uint8_t *out = malloc((size_t)w * h * channels);
  if (!out) {
    tj.destroy(handle);
    return ember_fail(EMBER_IMAGE_NO_MEMORY, message, message_size, "out of memory");
  }
  // A warning (a truncated file's "Premature end of JPEG file") is an error too: the pixels are
  // not the image's.
  if (tj.decompress2(handle, data, (unsigned long)size, out, w, w * channels, h,
                     channels == 1 ? TJPF_GRAY : TJPF_RGB, TJFLAG_STOPONWARNING) != 0) {
    int status = ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, tj.error_string2(handle));
    tj.destroy(handle);
    free(out);
    return status;
  }
  tj.destroy(handle);
  *pixels = out, *width = w, *height = h;
  return EMBER_IMAGE_OK;
}

static int decode_png(const uint8_t *data, size_t size, int channels, uint8_t **pixels, int *width,
                      int *height, char *message, size_t message_size) {
  if (!have_png)
    return ember_fail(EMBER_IMAGE_LIBRARY_MISSING, message, message_size,
                      "libpng16 is not installed (Debian: apt-get install libpng16-16)");
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png.begin_read_from_memory(&image, data, size))
    return ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, image.message);
  // Read with alpha, then drop it: the color values stay as stored, as PIL's convert("RGB") (and
  // so torchvision's ImageFolder) leaves them, instead of libpng composing them onto a background.
  image.format = channels == 1 ? PNG_FORMAT_GA : PNG_FORMAT_RGBA;
  size_t count = (size_t)image.width * image.height;
  uint8_t *out = malloc(count * (channels + 1));
  if (!out) {
    png.free_image(&image);
    return ember_fail(EMBER_IMAGE_NO_MEMORY, message, message_size, "out of memory");
  }
  if (!png.finish_read(&image, NULL, out, 0, NULL)) {
    free(out);
    png.free_image(&image);
    return ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, image.message);
  }
  for (size_t p = 0; p < count; p++) {
    for (int c = 0; c < channels; c++) out[p * channels + c] = out[p * (channels + 1) + c];
  }
  *pixels = out, *width = (int)image.width, *height = (int)image.height;
  png.free_image(&image);
  return EMBER_IMAGE_OK;
}

typedef struct { const uint8_t *data; size_t size, position; } gif_reader;

static int gif_read(GifFileType *file, GifByteType *buffer, int count) {
  gif_reader *reader = file->UserData;
  size_t left = reader->size - reader->position;
  size_t n = (size_t)count < left ? (size_t)count : left;
  memcpy(buffer, reader->data + reader->position, n);
  reader->position += n;
  return (int)n;
}

static int decode_gif(const uint8_t *data, size_t size, int channels, uint8_t **pixels, int *width,
                      int *height, char *message, size_t message_size) {
  if (!have_gif)
    return ember_fail(EMBER_IMAGE_LIBRARY_MISSING, message, message_size,
                      "giflib is not installed (Debian: apt-get install libgif7)");
  gif_reader reader = {data, size, 0};
  int error = 0;
  GifFileType *file = gif.open(&reader, gif_read, &error);
  if (!file) return ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, gif.error_string(error));
  if (gif.slurp(file) != 1 || file->ImageCount < 1) {
    int status = ember_fail(EMBER_IMAGE_CORRUPT, message, message_size,
                            file->ImageCount < 1 ? "no image in the file" : gif.error_string(file->Error));
    gif.close(file, &error);
    return status;
  }
  int w = file->SWidth, h = file->SHeight;
  SavedImage *frame = &file->SavedImages[0];
  ColorMapObject *map = frame->ImageDesc.ColorMap ? frame->ImageDesc.ColorMap : file->SColorMap;
  if (w <= 0 || h <= 0 || !map) {
    gif.close(file, &error);
    return ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, "no size or no color map");
  }
  int transparent = -1;  // from the frame's graphics control extension
  for (int i = 0; i < frame->ExtensionBlockCount; i++) {
    ExtensionBlock *block = &frame->ExtensionBlocks[i];
    if (block->Function == 0xF9 && block->ByteCount >= 4 && (block->Bytes[0] & 1)) transparent = block->Bytes[3];
  }
  uint8_t background[3] = {0, 0, 0};
  if (file->SColorMap && file->SBackGroundColor < file->SColorMap->ColorCount) {
    GifColorType c = file->SColorMap->Colors[file->SBackGroundColor];
    background[0] = c.Red, background[1] = c.Green, background[2] = c.Blue;
  }
  uint8_t *out = malloc((size_t)w * h * channels);
  if (!out) {
    gif.close(file, &error);
    return ember_fail(EMBER_IMAGE_NO_MEMORY, message, message_size, "out of memory");
  }
  for (long p = 0; p < (long)w * h; p++) {
    uint8_t *px = out + p * channels;
    if (channels == 1) px[0] = (uint8_t)((299 * background[0] + 587 * background[1] + 114 * background[2] + 500) / 1000);
    else memcpy(px, background, 3);
  }
  GifImageDesc *d = &frame->ImageDesc;
  for (int y = 0; y < d->Height; y++) {
    int cy = d->Top + y;
    if (cy < 0 || cy >= h) continue;
    for (int x = 0; x < d->Width; x++) {
      int cx = d->Left + x;
      if (cx < 0 || cx >= w) continue;
      int index = frame->RasterBits[(long)y * d->Width + x];
      if (index == transparent || index >= map->ColorCount) continue;
      GifColorType c = map->Colors[index];
      uint8_t *px = out + ((long)cy * w + cx) * channels;
      if (channels == 1) px[0] = (uint8_t)((299 * c.Red + 587 * c.Green + 114 * c.Blue + 500) / 1000);
      else px[0] = c.Red, px[1] = c.Green, px[2] = c.Blue;
    }
  }
  gif.close(file, &error);
  *pixels = out, *width = w, *height = h;
  return EMBER_IMAGE_OK;
}

int ember_image_decode(const uint8_t *data, size_t size, int channels, uint8_t **pixels, int *width,
                       int *height, char *message, size_t message_size) {
  pthread_once(&ember_codecs_once, ember_load_codecs);
  if (channels != 1 && channels != 3)
    return ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, "channels must be 1 or 3");
  switch (ember_image_sniff(data, size)) {
  case 1: return decode_jpeg(data, size, channels, pixels, width, height, message, message_size);
  case 2: return decode_png(data, size, channels, pixels, width, height, message, message_size);
  case 3: return decode_gif(data, size, channels, pixels, width, height, message, message_size);
  default:
    return ember_fail(EMBER_IMAGE_UNKNOWN_FORMAT, message, message_size,
                      "not a JPEG, PNG or GIF file (its first bytes match none of them)");
  }
}

int ember_image_encode_png(const uint8_t *pixels, int width, int height, int channels, uint8_t **out,
                           size_t *size, char *message, size_t message_size) {
  pthread_once(&ember_codecs_once, ember_load_codecs);
  if (!have_png)
    return ember_fail(EMBER_IMAGE_LIBRARY_MISSING, message, message_size,
                      "libpng16 is not installed (Debian: apt-get install libpng16-16)");
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = (uint32_t)width, image.height = (uint32_t)height;
  image.format = channels == 1 ? PNG_FORMAT_GRAY : channels == 2 ? PNG_FORMAT_GA
               : channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_RGBA;
  size_t bytes = 0;
  if (!png.write_to_memory(&image, NULL, &bytes, 0, pixels, 0, NULL))
    return ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, image.message);
  uint8_t *buffer = malloc(bytes);
  if (!buffer) return ember_fail(EMBER_IMAGE_NO_MEMORY, message, message_size, "out of memory");
  if (!png.write_to_memory(&image, buffer, &bytes, 0, pixels, 0, NULL)) {
    free(buffer);
    return ember_fail(EMBER_IMAGE_CORRUPT, message, message_size, image.message);
  }
  *out = buffer, *size = bytes;
  return EMBER_IMAGE_OK;
}

void ember_image_free(void *pointer) { free(pointer); }
