import Foundation

/// A progress bar on stderr, redrawn in place with \r. It draws only when enabled — the command
/// passes "stderr is a terminal and --quiet was not given" — so logs and pipes never receive \r frames.
final class ProgressBar {
    let total: Int
    let enabled: Bool
    private let start = Date()
    private var done = 0

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    /// One more item is done: redraws the bar with the elapsed time and an estimate of the rest.
    func advance() {
        done += 1
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = min(done, total) * width / total
        let elapsed = Date().timeIntervalSince(start)
        let eta = elapsed / Double(done) * Double(max(total - done, 0))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\r[\(bar)] \(done)/\(total)  \(String(format: "%.1f", elapsed)) s, ETA \(String(format: "%.0f", eta)) s "
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the bar's line.
    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
