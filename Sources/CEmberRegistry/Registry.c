#include "CEmberRegistry.h"
#include <stddef.h>

static ember_backend_loader loaders[32];
static long loader_count = 0;

void ember_backend_add_loader(ember_backend_loader loader) {
  if (loader_count < (long)(sizeof loaders / sizeof loaders[0])) loaders[loader_count++] = loader;
}

long ember_backend_loader_count(void) { return loader_count; }

ember_backend_loader ember_backend_loader_at(long index) { return loaders[index]; }
