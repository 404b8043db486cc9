extension AcceleratorConfig {
    /// A streaming design's folding (FINN-style, UltraNet `config.h`): every compute layer, in model
    /// order, has its own engine of `simd[k]` input lanes × `pe[k]` output lanes (1 × 1 past the end
    /// of the lists). `StreamFolding` prices it.
    public struct Streaming: Sendable, Equatable {
        /// Per compute layer: input lanes (SIMD) of its engine.
        public var simd: [Int]
        /// Per compute layer: output lanes (PE) of its engine; as many entries as `simd`.
        public var pe: [Int]

        /// Folding lists (empty: every engine 1 × 1).
        public init(simd: [Int] = [], pe: [Int] = []) {
            self.simd = simd
            self.pe = pe
        }
    }

    /// A layer pipeline's settings (Paper A): every compute layer has its own engine, folded by
    /// `StreamFolding.fold` to keep up with the stream within the multiplier budget.
    public struct LayerPipeline: Sendable, Equatable {
        /// Multipliers available to all the engines together (DSPs × `Resources.multipliersPerDSP`).
        public var multipliers: Int
        /// PW→DW pairs are chained through data reorderers: a layer starts after its producer has
        /// filled K rows instead of a whole frame (it changes the latency, not the frame interval).
        public var dataReorderers: Bool

        /// Settings (the default 0 multipliers must be replaced: validation asks for at least one).
        public init(multipliers: Int = 0, dataReorderers: Bool = false) {
            self.multipliers = multipliers
            self.dataReorderers = dataReorderers
        }
    }
}
