#ifndef CEMBER_REGISTRY_H
#define CEMBER_REGISTRY_H
// The load-time half of the backend registry. A backend target carries a C constructor that adds
// its loader here when the program (or library) that links it starts; `Backends` (EmberBackend)
// calls every loader once, on first use, after `main` has begun. A loader returns a retained
// `BackendList` (an opaque pointer) or NULL when its device is not usable on this machine.
typedef void *_Nullable (*ember_backend_loader)(void);
/// Adds a loader (called from constructors; at most 32).
void ember_backend_add_loader(ember_backend_loader _Nonnull loader);
/// How many loaders were added.
long ember_backend_loader_count(void);
/// The loader at `index` (0 ..< count).
ember_backend_loader _Nonnull ember_backend_loader_at(long index);
#endif
