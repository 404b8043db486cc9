import DSCFlow

/// The per-layer tensors of one accelerator batch, in the formats of ../shared/ismart3/blobs and
/// canvas000 (FACTS §11): per image ("blobs": channel-major (C, H, W), uint8 FM codes, the head int16
/// little-endian ACC codes) and per 20×40 layer the whole 44×84 canvases as the accelerator leaves
/// them, ring cells included. Pass one to `ISmart3Accelerator.run(stitched:dump:)`; it copies the
/// buffers it needs while the program runs (pw3 before pw6 overwrites part of it, the rest at the end).
public final class ISmart3Dump {
    /// Blob layers in FACTS §11.1's order.
    public static let blobLayers = ["input", "pool1", "pool2", "pw3", "pool3", "dw4", "pw4", "dw5", "pw5", "cat", "dw6", "pw6", "head"]
    /// Canvas layers (FACTS §11.2) and their BUF ids; `head` is the ACC buffer E.
    public static let canvasLayers: [(name: String, ids: Range<Int>)] = [
        ("pool3", 6..<12), ("dw4", 12..<18), ("pw4", 18..<30), ("dw5", 30..<42), ("pw5", 42..<58), ("dw6", 58..<98),
        ("pw6", 98..<101), ("head", 0..<1),
    ]

    private var pw3: [Int16] = []
    private var input: [UInt8] = []
    private var p1: [Int16] = [], p2: [Int16] = [], buf: [Int16] = [], e: [Int16] = []
    private let canvas = ISmart3Schedule.rows * ISmart3Schedule.cols * 32

    /// An empty dump.
    public init() {}

    func capturePW3(_ m: ProgramMachine) {
        pw3 = Array(UnsafeBufferPointer(start: m.canvas(BufferRef(ISmart3Schedule.buf, 100))!.baseAddress, count: 24 * canvas))
    }

    func captureEnd(_ m: ProgramMachine) {
        input = Array(UnsafeRawBufferPointer(m.input))
        func all(_ b: Int) -> [Int16] {
            Array(UnsafeBufferPointer(start: m.canvas(BufferRef(b))!.baseAddress, count: m.program.buffers[b].elements))
        }
        p1 = all(ISmart3Schedule.p1)
        p2 = all(ISmart3Schedule.p2)
        buf = all(ISmart3Schedule.buf)
        e = all(ISmart3Schedule.e)
    }

    /// Channel-major bytes of `h`×`w` cells at (r0, c0) of consecutive 32-lane canvases of `cols`
    /// columns (`groups` of them, `stride` codes apart, starting at `start`), as uint8 (or int16 LE).
    private func gather(_ codes: [Int16], start: Int, stride: Int, groups: Int, cols: Int, r0: Int, c0: Int, h: Int, w: Int,
                        channels: Int? = nil, int16: Bool = false) -> [UInt8] {
        let n = channels ?? groups * 32
        var out = [UInt8](repeating: 0, count: n * h * w * (int16 ? 2 : 1))
        codes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for ch in 0..<n {
                    let base = start + (ch / 32) * stride + ch % 32
                    for y in 0..<h {
                        for x in 0..<w {
                            let v = src[base + ((r0 + y) * cols + c0 + x) * 32]
                            let i = (ch * h + y) * w + x
                            if int16 {
                                dst[2 * i] = UInt8(truncatingIfNeeded: v)
                                dst[2 * i + 1] = UInt8(truncatingIfNeeded: v >> 8)
                            } else {
                                dst[i] = UInt8(truncatingIfNeeded: v)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Image `slot`'s tensor of blob layer `layer` (FACTS §11.1), or nil for an unknown layer or an
    /// empty dump.
    public func blob(_ layer: String, slot q: Int) -> [UInt8]? {
        guard !buf.isEmpty, (0..<4).contains(q) else { return nil }
        let (r, c) = ISmart3Schedule.origin(slot: q)
        func canvases(_ ids: Range<Int>) -> [UInt8] {
            gather(buf, start: ids.lowerBound * canvas, stride: canvas, groups: ids.count, cols: ISmart3Schedule.cols, r0: r, c0: c, h: 20, w: 40)
        }
        switch layer {
        case "input":
            let h = ISmart3Schedule.canvasHeight, w = ISmart3Schedule.canvasWidth
            var out = [UInt8](repeating: 0, count: 3 * 160 * 320)
            for p in 0..<3 {
                for y in 0..<160 {
                    let from = p * h * w + (1 + 162 * (q / 2) + y) * w + 1 + 322 * (q % 2)
                    for x in 0..<320 { out[(p * 160 + y) * 320 + x] = input[from + x] }
                }
            }
            return out
        case "pool1":
            return gather(p1, start: 0, stride: 164 * 324 * 32, groups: 2, cols: 324, r0: 1 + 82 * (q / 2), c0: 1 + 162 * (q % 2), h: 80, w: 160)
        case "pool2":
            return gather(p2, start: 0, stride: 84 * 164 * 32, groups: 3, cols: 164, r0: 1 + 42 * (q / 2), c0: 1 + 82 * (q % 2), h: 40, w: 80)
        case "pw3":
            guard !pw3.isEmpty else { return nil }
            return gather(pw3, start: 6 * q * canvas, stride: canvas, groups: 6, cols: ISmart3Schedule.cols, r0: 1, c0: 1, h: 40, w: 80)
        case "cat":
            guard let s2d = blob("pw3", slot: q) else { return nil }
            var out = [UInt8](repeating: 0, count: 1280 * 800)
            // cat channel 4s + 2dy + dx at (y, x) = pw3 channel s at (2y + dy, 2x + dx) (FACTS §8).
            for s in 0..<192 {
                for dy in 0..<2 {
                    for dx in 0..<2 {
                        for y in 0..<20 {
                            for x in 0..<40 { out[((4 * s + 2 * dy + dx) * 20 + y) * 40 + x] = s2d[(s * 40 + 2 * y + dy) * 80 + 2 * x + dx] }
                        }
                    }
                }
            }
            let pw5 = canvases(42..<58)
            out.replaceSubrange((768 * 800)..<(1280 * 800), with: pw5)
            return out
        case "head":
            return gather(e, start: 0, stride: canvas, groups: 1, cols: ISmart3Schedule.cols, r0: r, c0: c, h: 20, w: 40, channels: 10, int16: true)
        default:
            guard let l = Self.canvasLayers.first(where: { $0.name == layer && $0.name != "head" }) else { return nil }
            return canvases(l.ids)
        }
    }

    /// The whole canvases of a 20×40 layer (FACTS §11.2): (C, 44, 84) uint8 FM codes, or for `head`
    /// E's (32, 44, 84) int16 LE ACC codes; nil for an unknown layer or an empty dump.
    public func canvas(_ layer: String) -> [UInt8]? {
        guard !buf.isEmpty, let l = Self.canvasLayers.first(where: { $0.name == layer }) else { return nil }
        let (rows, cols) = (ISmart3Schedule.rows, ISmart3Schedule.cols)
        if layer == "head" { return gather(e, start: 0, stride: canvas, groups: 1, cols: cols, r0: 0, c0: 0, h: rows, w: cols, int16: true) }
        return gather(buf, start: l.ids.lowerBound * canvas, stride: canvas, groups: l.ids.count, cols: cols, r0: 0, c0: 0, h: rows, w: cols)
    }
}
