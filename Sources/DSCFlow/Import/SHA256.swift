import CDSCFlowSupport

/// SHA-256 (FIPS 180-4) of a byte buffer, for provenance records (`dscflow.source`): a model
/// records the digest of the files it was imported from instead of their local paths. The hashing
/// is `dsc_sha256` in CDSCFlowSupport (see sha256.c for why it is C).
package enum SHA256 {
    /// The 32-byte digest of `bytes`.
    package static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            dsc_sha256(bytes.baseAddress, bytes.count, out.baseAddress!)
            count = 32
        }
    }

    /// The digest as 64 lowercase hexadecimal digits.
    package static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef")
        return String(digest(bytes).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
