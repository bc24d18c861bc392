import CEmberImage
import EmberBackend
import EmberCore
import Foundation

/// An 8-bit image decoded from JPEG, PNG or GIF (the format recognized from the bytes, not the
/// file name) through libjpeg-turbo, libpng and giflib, which are loaded at run time: a machine
/// without them builds and runs everything else, and decoding says which library to install.
///
/// Pixels are interleaved, row by row: `pixels[(y·width + x)·channels + c]`.
public struct Image: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// 1 (gray) or 3 (RGB).
  public let channels: Int
  public let pixels: [UInt8]

  /// An image of `pixels` (`height·width·channels` bytes, interleaved).
  public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0 && [1, 3].contains(channels) && pixels.count == width * height * channels,
                 "Image: \(pixels.count) bytes do not make \(width)×\(height)×\(channels)")
    (self.width, self.height, self.channels, self.pixels) = (width, height, channels, pixels)
  }

  /// The image format `bytes` start with, or `nil`.
  public enum Format: String, Sendable { case jpeg, png, gif }

  public static func format(of bytes: [UInt8]) -> Format? {
    switch bytes.withUnsafeBufferPointer({ ember_image_sniff($0.baseAddress, $0.count) }) {
    case 1: return .jpeg
    case 2: return .png
    case 3: return .gif
    default: return nil
    }
  }

  /// Decodes `bytes` (a GIF's first frame) into `channels` channels (a PNG's alpha dropped, as
  /// PIL's `convert("RGB")` and so torchvision's `ImageFolder` do).
  ///
  /// - Parameter source: the file name for error messages.
  /// - Throws: `DataError.corrupt` naming `source` and the codec's reason (a truncated JPEG, a
  ///   PNG with a bad checksum, bytes of no known format), or `.unreadable` when the codec's
  ///   library is not installed.
  public init(decoding bytes: [UInt8], channels: Int = 3, source: String = "image") throws(DataError) {
    precondition(channels == 1 || channels == 3, "Image: channels \(channels) must be 1 or 3")
    var pixels: UnsafeMutablePointer<UInt8>?
    var width: Int32 = 0, height: Int32 = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = bytes.withUnsafeBufferPointer { buffer in
      ember_image_decode(buffer.baseAddress, buffer.count, Int32(channels), &pixels, &width, &height,
                         &message, message.count)
    }
    guard status == Int32(EMBER_IMAGE_OK), let pixels else {
      let reason = String(cString: message)
      if status == Int32(EMBER_IMAGE_LIBRARY_MISSING) { throw .unreadable(file: source, reason: reason) }
      throw .corrupt(file: source, reason: reason)
    }
    defer { ember_image_free(pixels) }
    let count = Int(width) * Int(height) * channels
    self.init(width: Int(width), height: Int(height), channels: channels,
              pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
  }

  /// Reads and decodes the file at `url`.
  public init(contentsOf url: URL, channels: Int = 3) throws(DataError) {
    try self.init(decoding: readBytes(of: url), channels: channels, source: url.path)
  }

  /// The image as PNG bytes.
  public func pngData() throws(DataError) -> [UInt8] {
    var png: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = pixels.withUnsafeBufferPointer { buffer in
      ember_image_encode_png(buffer.baseAddress, Int32(width), Int32(height), Int32(channels), &png, &size,
                             &message, message.count)
    }
    guard status == Int32(EMBER_IMAGE_OK), let png else {
      throw .invalidArgument("PNG encoding failed: \(String(cString: message))")
    }
    defer { ember_image_free(png) }
    return Array(UnsafeBufferPointer(start: png, count: size))
  }

  /// Writes the image as a PNG file, through a temporary file renamed into place.
  public func writePNG(to url: URL) throws(DataError) {
    let bytes = try pngData()
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    do {
      try Data(bytes).write(to: temporary)
    } catch {
      throw .unreadable(file: url.path, reason: "cannot write: \(error.localizedDescription)")
    }
    // rename(2) replaces an existing file in one step.
    if rename(temporary.path, url.path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw .unreadable(file: url.path, reason: "cannot write: \(reason)")
    }
  }

  /// The pixels as a float32 `[channels, height, width]` tensor in `[0, 1]` (channels first, as
  /// the convolution layers take them).
  public func tensor(on device: Device = .default) -> Tensor {
    var values = [Float](repeating: 0, count: pixels.count)
    let plane = width * height
    pixels.withUnsafeBufferPointer { source in
      values.withUnsafeMutableBufferPointer { target in
        for p in 0..<plane {
          for c in 0..<channels { target[c * plane + p] = Float(source[p * channels + c]) / 255 }
        }
      }
    }
    return Tensor(values, shape: [channels, height, width], on: device)
  }
}
