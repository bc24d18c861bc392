import EmberCore
