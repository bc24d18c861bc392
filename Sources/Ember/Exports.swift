// Users write `import Ember` and get every layer of the framework.
@_exported import EmberBackend
@_exported import EmberCore
@_exported import EmberData
@_exported import EmberNN
@_exported import EmberOptim
@_exported import EmberTrain
