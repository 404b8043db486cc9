import DSCFlow
/// The DAC-SDC contest's box file format and score: lines `NAME [x1, x2, y1, y2]` (xmin, xmax, ymin,
/// ymax in pixels) and the IoU of SkrSkr's `Deploy/IoU.py` (width = x2 − x1 with no +1, overlap from
/// the min/max extents, 0 for boxes that do not overlap).
public enum DACSDCScore {
    /// One line of a ground-truth or prediction file.
    public struct Entry: Sendable, Equatable {
        /// The image's name as the file gives it (e.g. `000.jpg`).
        public var name: String
        /// The box in whole pixels: x1, x2, y1, y2 of the contest's format.
        public var xmin: Int, xmax: Int, ymin: Int, ymax: Int

        /// An entry with the given name and box.
        public init(name: String, xmin: Int, xmax: Int, ymin: Int, ymax: Int) {
            self.name = name
            self.xmin = xmin
            self.xmax = xmax
            self.ymin = ymin
            self.ymax = ymax
        }

        /// The line as the contest's files write it: `NAME [x1, x2, y1, y2]`.
        public var line: String { "\(name) [\(xmin), \(xmax), \(ymin), \(ymax)]" }
    }

    /// Parses a box file; blank lines are skipped, any other malformed line is an error naming it.
    public static func parse(_ text: String, name: String) throws -> [Entry] {
        var entries: [Entry] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingSpaces()
            if line.isEmpty { continue }
            guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"), open < close else {
                throw DSCError.invalidArgument("\(name) line \(n + 1): '\(line)' is not 'NAME [x1, x2, y1, y2]'")
            }
            let file = line[..<open].trimmingSpaces()
            let numbers = line[line.index(after: open)..<close].split(separator: ",").map { Int($0.trimmingSpaces()) }
            guard !file.isEmpty, numbers.count == 4, let x1 = numbers[0], let x2 = numbers[1], let y1 = numbers[2],
                  let y2 = numbers[3] else {
                throw DSCError.invalidArgument("\(name) line \(n + 1): '\(line)' is not 'NAME [x1, x2, y1, y2]'")
            }
            entries.append(Entry(name: file, xmin: x1, xmax: x2, ymin: y1, ymax: y2))
        }
        return entries
    }

    /// Intersection over union as the contest computes it (float64).
    public static func iou(_ a: Entry, _ b: Entry) -> Double {
        let aw = Double(a.xmax) - Double(a.xmin), ah = Double(a.ymax) - Double(a.ymin)
        let bw = Double(b.xmax) - Double(b.xmin), bh = Double(b.ymax) - Double(b.ymin)
        let unionW = Double(max(a.xmax, b.xmax)) - Double(min(a.xmin, b.xmin))
        let unionH = Double(max(a.ymax, b.ymax)) - Double(min(a.ymin, b.ymin))
        let cw = aw + bw - unionW, ch = ah + bh - unionH
        if cw <= 0 || ch <= 0 { return 0 }
        let inter = cw * ch
        return inter / (aw * ah + bw * bh - inter)
    }
}
