import EmberBackend
import Foundation

/// An element type the CPU kernels compute in: `Float`, `Double`, `Int32`, `Int64`, and `UInt8`
/// for `bool` (one byte, 0 or 1).
protocol KernelElement {
  /// `true` for `Float` and `Double`.
  static var isFloat: Bool { get }
  /// The value as a `Double` (exact for everything but large `Int64`s).
  var doubleValue: Double { get }
  /// The value as an `Int64`; only used for integer and bool elements.
  var int64Value: Int64 { get }
  /// `value` converted as PyTorch's `to(dtype)` does (to bool: nonzero is true).
  init<S: KernelElement>(converting value: S)
  /// `value` (a fill value) converted to this type.
  init(filling value: Double)
}

/// A number type with arithmetic that never traps: `Float`, `Double`, `Int32`, `Int64`.
protocol KernelNumber: KernelElement, Comparable {
  static var zero: Self { get }
  static var one: Self { get }
  /// The identity of `maximum` (−∞ or the smallest integer).
  static var lowest: Self { get }
  /// The identity of `minimum` (+∞ or the largest integer).
  static var highest: Self { get }
  /// `a + b`, wrapping on integer overflow.
  static func plus(_ a: Self, _ b: Self) -> Self
  /// `a − b`, wrapping on integer overflow.
  static func minus(_ a: Self, _ b: Self) -> Self
  /// `a · b`, wrapping on integer overflow.
  static func times(_ a: Self, _ b: Self) -> Self
  /// `true` for NaN.
  var isNaNValue: Bool { get }
}

extension KernelNumber {
  /// The larger of `a` and `b`, NaN when either is NaN (PyTorch's `maximum`).
  @inline(__always)
  static func maxPropagatingNaN(_ a: Self, _ b: Self) -> Self { b > a || b != b ? b : a }

  /// The smaller of `a` and `b`, NaN when either is NaN (PyTorch's `minimum`).
  @inline(__always)
  static func minPropagatingNaN(_ a: Self, _ b: Self) -> Self { b < a || b != b ? b : a }
}

/// `Float` or `Double`, with the libm functions the kernels need.
protocol KernelFloat: KernelNumber, BinaryFloatingPoint {
  static func exp(_ x: Self) -> Self
  static func expm1(_ x: Self) -> Self
  static func log(_ x: Self) -> Self
  static func log1p(_ x: Self) -> Self
  static func sin(_ x: Self) -> Self
  static func cos(_ x: Self) -> Self
  static func tanh(_ x: Self) -> Self
  static func erf(_ x: Self) -> Self
  static func pow(_ x: Self, _ y: Self) -> Self
}

/// `Int32` or `Int64`.
protocol KernelInteger: KernelNumber, FixedWidthInteger, SignedInteger {}

/// A float converted to an integer without trapping: NaN gives 0, out-of-range values saturate.
@inline(__always)
func saturatingInt64(_ x: Double) -> Int64 {
  if x != x { return 0 }
  if x >= 9.223372036854775807e18 { return .max }
  if x <= -9.223372036854775808e18 { return .min }
  return Int64(x)
}

extension Float: KernelFloat {
  static var isFloat: Bool { true }
  var doubleValue: Double { Double(self) }
  var int64Value: Int64 { saturatingInt64(Double(self)) }
  @inline(__always)
  init<S: KernelElement>(converting value: S) {
    if S.self == Float.self {
      self = unsafeBitCast(value, to: Float.self)
    } else {
      self = S.isFloat ? Float(value.doubleValue) : Float(value.int64Value)
    }
  }
  init(filling value: Double) { self = Float(value) }
  static var one: Float { 1 }
  static var lowest: Float { -.infinity }
  static var highest: Float { .infinity }
  @inline(__always) static func plus(_ a: Float, _ b: Float) -> Float { a + b }
  @inline(__always) static func minus(_ a: Float, _ b: Float) -> Float { a - b }
  @inline(__always) static func times(_ a: Float, _ b: Float) -> Float { a * b }
  var isNaNValue: Bool { isNaN }
  @inline(__always) static func exp(_ x: Float) -> Float { Foundation.expf(x) }
  @inline(__always) static func expm1(_ x: Float) -> Float { Foundation.expm1f(x) }
  @inline(__always) static func log(_ x: Float) -> Float { Foundation.logf(x) }
  @inline(__always) static func log1p(_ x: Float) -> Float { Foundation.log1pf(x) }
  @inline(__always) static func sin(_ x: Float) -> Float { Foundation.sinf(x) }
  @inline(__always) static func cos(_ x: Float) -> Float { Foundation.cosf(x) }
  @inline(__always) static func tanh(_ x: Float) -> Float { Foundation.tanhf(x) }
  @inline(__always) static func erf(_ x: Float) -> Float { Foundation.erff(x) }
  @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
}

extension Double: KernelFloat {
  static var isFloat: Bool { true }
  var doubleValue: Double { self }
  var int64Value: Int64 { saturatingInt64(self) }
  @inline(__always)
  init<S: KernelElement>(converting value: S) {
    self = S.isFloat ? value.doubleValue : Double(value.int64Value)
  }
  init(filling value: Double) { self = value }
  static var one: Double { 1 }
  static var lowest: Double { -.infinity }
  static var highest: Double { .infinity }
  @inline(__always) static func plus(_ a: Double, _ b: Double) -> Double { a + b }
  @inline(__always) static func minus(_ a: Double, _ b: Double) -> Double { a - b }
  @inline(__always) static func times(_ a: Double, _ b: Double) -> Double { a * b }
  var isNaNValue: Bool { isNaN }
  @inline(__always) static func exp(_ x: Double) -> Double { Foundation.exp(x) }
  @inline(__always) static func expm1(_ x: Double) -> Double { Foundation.expm1(x) }
  @inline(__always) static func log(_ x: Double) -> Double { Foundation.log(x) }
  @inline(__always) static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
  @inline(__always) static func sin(_ x: Double) -> Double { Foundation.sin(x) }
  @inline(__always) static func cos(_ x: Double) -> Double { Foundation.cos(x) }
  @inline(__always) static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
  @inline(__always) static func erf(_ x: Double) -> Double { Foundation.erf(x) }
  @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
}

extension Int32: KernelInteger {
  static var isFloat: Bool { false }
  var doubleValue: Double { Double(self) }
  var int64Value: Int64 { Int64(self) }
  @inline(__always)
  init<S: KernelElement>(converting value: S) {
    let wide = S.isFloat ? saturatingInt64(value.doubleValue) : value.int64Value
    self = Int32(truncatingIfNeeded: wide)
  }
  init(filling value: Double) { self = Int32(truncatingIfNeeded: saturatingInt64(value)) }
  static var one: Int32 { 1 }
  static var lowest: Int32 { .min }
  static var highest: Int32 { .max }
  @inline(__always) static func plus(_ a: Int32, _ b: Int32) -> Int32 { a &+ b }
  @inline(__always) static func minus(_ a: Int32, _ b: Int32) -> Int32 { a &- b }
  @inline(__always) static func times(_ a: Int32, _ b: Int32) -> Int32 { a &* b }
  var isNaNValue: Bool { false }
}

extension Int64: KernelInteger {
  static var isFloat: Bool { false }
  var doubleValue: Double { Double(self) }
  var int64Value: Int64 { self }
  @inline(__always)
  init<S: KernelElement>(converting value: S) {
    self = S.isFloat ? saturatingInt64(value.doubleValue) : value.int64Value
  }
  init(filling value: Double) { self = saturatingInt64(value) }
  static var one: Int64 { 1 }
  static var lowest: Int64 { .min }
  static var highest: Int64 { .max }
  @inline(__always) static func plus(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
  @inline(__always) static func minus(_ a: Int64, _ b: Int64) -> Int64 { a &- b }
  @inline(__always) static func times(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
  var isNaNValue: Bool { false }
}

extension UInt8: KernelElement {
  static var isFloat: Bool { false }
  var doubleValue: Double { Double(self) }
  var int64Value: Int64 { Int64(self) }
  @inline(__always)
  init<S: KernelElement>(converting value: S) {
    if S.isFloat {
      self = value.doubleValue != 0 ? 1 : 0
    } else {
      self = value.int64Value != 0 ? 1 : 0
    }
  }
  init(filling value: Double) { self = value != 0 ? 1 : 0 }
}
