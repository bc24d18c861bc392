public func _emberPlaceholder() {}
