/// Where each activation tensor lives inside the session's single arena.
public struct ArenaPlan: Sendable {
    /// Byte offset of each tensor in the arena; −1 for constants and unused tensors.
    public let offsets: [Int]
    /// Bytes the arena needs (a multiple of `alignment`).
    public let size: Int
    /// Alignment of every buffer and of the arena itself.
    public static let alignment = 64
}

/// Tensor lifetimes → offsets in one arena, greedy by size (the scheme of TFLite Micro's
/// `GreedyMemoryPlanner`): biggest buffers first, each at the lowest offset that does not overlap a
/// buffer already placed whose lifetime intersects its own.
public enum ArenaPlanner {
    /// The arena plan of `model`; with `preserveAll` every activation keeps its own bytes (for reading
    /// any operator's output after a run), otherwise buffers whose lifetimes do not meet share bytes.
    public static func plan(_ model: Model, preserveAll: Bool) throws(DSCError) -> ArenaPlan {
        try plan(tensors: model.tensors, operations: model.operations, inputs: model.inputs, outputs: model.outputs,
                 preserveAll: preserveAll)
    }

    /// The arena plan of a graph given by its parts (see `plan(_:preserveAll:)`). `aliases` maps a
    /// tensor to a tensor it lives inside and its byte offset there (an input of a concatenation laid
    /// directly into the concatenated tensor): it gets no bytes of its own, and its host lives from the
    /// first time either is written.
    package static func plan(tensors: [Tensor], operations: [Operator], inputs: [Int], outputs: [Int],
                             preserveAll: Bool, aliases: [Int: (into: Int, offset: Int)] = [:]) throws(DSCError) -> ArenaPlan {
        let n = tensors.count
        let end = operations.count
        var first = [Int](repeating: Int.max, count: n)
        var last = [Int](repeating: -1, count: n)
        for t in inputs { first[t] = -1; last[t] = max(last[t], -1) }
        for (i, op) in operations.enumerated() {
            for t in op.outputs where !tensors[t].isConstant {
                first[t] = min(first[t], i)
                last[t] = max(last[t], i)
            }
            for t in op.inputs where t >= 0 && !tensors[t].isConstant {
                last[t] = max(last[t], i)
            }
        }
        for t in outputs { last[t] = end }
        for (t, host) in aliases {
            first[host.into] = min(first[host.into], first[t])
            last[host.into] = max(last[host.into], last[t])
        }
        var live: [Int] = []
        for t in 0..<n where !tensors[t].isConstant && first[t] != Int.max && aliases[t] == nil {
            if preserveAll { first[t] = -1; last[t] = end }
            live.append(t)
        }
        let align = ArenaPlan.alignment
        func aligned(_ bytes: Int) throws(DSCError) -> Int {
            let padded = try checkedAdd(bytes, align - 1, "arena size")
            return padded / align * align
        }
        var sizes = [Int](repeating: 0, count: n)
        for t in live { sizes[t] = try aligned(max(tensors[t].byteCount, 1)) }
        // Biggest first; ties by first use, then index, so plans are deterministic.
        live.sort { a, b in
            if sizes[a] != sizes[b] { return sizes[a] > sizes[b] }
            if first[a] != first[b] { return first[a] < first[b] }
            return a < b
        }
        var offsets = [Int](repeating: -1, count: n)
        var placed: [(offset: Int, end: Int, first: Int, last: Int)] = []
        var total = 0
        for t in live {
            let conflicts = placed
                .filter { $0.first <= last[t] && first[t] <= $0.last }
                .sorted { $0.offset < $1.offset }
            var candidate = 0
            for c in conflicts {
                if candidate + sizes[t] <= c.offset { break }
                candidate = max(candidate, c.end)
            }
            let e = try checkedAdd(candidate, sizes[t], "arena size")
            offsets[t] = candidate
            placed.append((candidate, e, first[t], last[t]))
            total = max(total, e)
        }
        for (t, host) in aliases { offsets[t] = offsets[host.into] + host.offset }
        return ArenaPlan(offsets: offsets, size: total)
    }
}
