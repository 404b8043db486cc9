/// Xilinx `ap_fixed<W,I,AP_RND,AP_SAT>` arithmetic on raw codes (two's-complement integers; value =
/// code / 2^(W−I)), as the iSmart3 SkyNet accelerator (DAC-SDC 2019) computes it. Every assignment
/// into a typed variable forms the exact result and then rounds half up (ties towards +∞, also for
/// negative values: −½ LSB becomes 0) and saturates to the type's range (../shared/ismart3/FACTS.md §2).
///
/// These are the scalar definitions; the accelerator model's kernels (C, SIMD) are tested against them.
public enum APFixed {
    /// One `ap_fixed<width, integerBits>` type.
    public struct Format: Sendable, Equatable {
        /// Total bits W, sign included.
        public let width: Int
        /// Integer bits I, sign included.
        public let integerBits: Int

        /// `ap_fixed<width, integerBits>`; width 1...32.
        public init(width: Int, integerBits: Int) {
            self.width = width
            self.integerBits = integerBits
        }

        /// Fraction bits W − I (the code's scale is 2^−fractionBits).
        public var fractionBits: Int { width - integerBits }
        /// The smallest code, −2^(W−1).
        public var minCode: Int32 { -(Int32(1) << Int32(width - 1)) }
        /// The largest code, 2^(W−1) − 1.
        public var maxCode: Int32 { (Int32(1) << Int32(width - 1)) - 1 }
        /// `ap_fixed<W,I>` as text.
        public var name: String { "ap_fixed<\(width),\(integerBits)>" }

        /// The code saturated to this type's range (AP_SAT).
        @inlinable public func saturate(_ code: Int64) -> Int32 {
            Int32(min(max(code, Int64(minCode)), Int64(maxCode)))
        }
    }

    /// iSmart3's feature-map type (also the depthwise accumulator): codes −256…255, value code/64.
    public static let fm = Format(width: 9, integerBits: 3)
    /// iSmart3's pointwise accumulator and head output: codes −2048…2047, value code/256.
    public static let acc = Format(width: 12, integerBits: 4)
    /// iSmart3's weights and biases: codes −1024…1023, value code/128.
    public static let wt = Format(width: 11, integerBits: 4)

    /// ⌊x / 2^s + ½⌋ (AP_RND: round half up), s ≥ 1; s ≤ 0 multiplies exactly.
    @inlinable public static func roundHalfUp(_ x: Int64, shift s: Int) -> Int64 {
        s <= 0 ? x << Int64(-s) : (x + (Int64(1) << Int64(s - 1))) >> Int64(s)
    }

    /// A value with `fractionBits` fraction bits assigned to `format`: rounded half up, saturated.
    @inlinable public static func assign(_ x: Int64, fractionBits: Int, to format: Format) -> Int32 {
        format.saturate(roundHalfUp(x, shift: fractionBits - format.fractionBits))
    }

    /// A code of `from` assigned to `to` (e.g. WT → FM: clamp(rnd(wt, 1)); ACC → FM: clamp(rnd(acc, 2))).
    @inlinable public static func convert(_ code: Int32, from: Format, to: Format) -> Int32 {
        assign(Int64(code), fractionBits: from.fractionBits, to: to)
    }

    /// One depthwise tap of iSmart3's `DW_CONV_3x3`: `acc += w·x` in the FM type,
    /// clamp(rnd(128·acc + w·x, 7), −256, 255) (FM + WT×FM product with 13 fraction bits).
    @inlinable public static func depthwiseTap(_ acc: Int32, weight w: Int32, input x: Int32) -> Int32 {
        let product = Int64(w) * Int64(x)
        // acc (6 fraction bits) aligned to the product's 13.
        return assign((Int64(acc) << Int64(wt.fractionBits)) + product,
                      fractionBits: wt.fractionBits + fm.fractionBits, to: fm)
    }

    /// One 16-input block of iSmart3's `compute_engine_16`: `acc += Σ w·x` in the ACC type,
    /// clamp(rnd(32·acc + S, 5), −2048, 2047), S the exact sum of the block's 16 products.
    @inlinable public static func pointwiseBlock(_ acc: Int32, sum s: Int64) -> Int32 {
        let f = wt.fractionBits + fm.fractionBits
        return assign((Int64(acc) << Int64(f - APFixed.acc.fractionBits)) + s, fractionBits: f, to: APFixed.acc)
    }

    /// The low `bits` bits of `code`, sign-extended: an assignment of a wider register's bits into a
    /// narrower one (`ap_int<bits>` = x.range(bits−1, 0)).
    @inlinable public static func signExtend(_ code: Int32, bits: Int) -> Int32 {
        let up = Int32(32 - bits)
        return (code << up) >> up
    }

    /// A weight-file lane as a WT code: bits 10…0 are the code (bit 10 the sign); the accelerator
    /// ignores bits 15…11 (FACTS §3: negative codes are stored zero-extended, so reading the lane as
    /// int16 would be wrong).
    @inlinable public static func weightCode(lane: UInt16) -> Int32 {
        signExtend(Int32(lane), bits: wt.width)
    }

    /// iSmart3's input normalisation (`img_norm_ch`): the table of (v/255 − 0.5)/0.25 converted to FM
    /// with AP_RND is v − 128 for v ≤ 127 and v − 127 for v ≥ 128 (there is no code 0; the gray
    /// border byte 127 becomes −1).
    @inlinable public static func inputCode(_ v: UInt8) -> Int32 {
        v <= 127 ? Int32(v) - 128 : Int32(v) - 127
    }
}
