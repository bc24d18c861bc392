@_exported import EmberCore
@_exported import EmberBackend
