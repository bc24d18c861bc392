// Registers the CPU backend's loader when a program that links EmberCPU starts (the same way every
// backend joins the registry). The loader itself is Swift (`CPUBackend.load`, exported as
// `ember_cpu_backend_load`) and runs only when `Backends` is first used, after `main` has begun.
#include "CEmberRegistry.h"

void *ember_cpu_backend_load(void);

__attribute__((constructor)) static void ember_register_cpu_backend(void) {
  ember_backend_add_loader(ember_cpu_backend_load);
}
