/// Resize in nearest mode, on an 8-bit tensor (QOperator, or ONNX Runtime's own uint8/int8 Resize after it
/// drops a QDQ pair) or inside a QDQ group (`importDataMovement`): each output row and column copies one
/// input row and column, chosen as ONNX Runtime 1.32's `UpsampleBase` chooses them in float32. It becomes a
/// RESIZE_BILINEAR whose taps have weight 0 and no fraction bits (a copy).
extension ONNXGraphBuilder {
    /// The input index ONNX Runtime reads for each of `resized` outputs along an axis of `length` inputs
    /// (when the output shape differs from the input's; an equal shape is a copy). Nil for a mode DSCFlow
    /// does not reproduce.
    static func nearestIndices(length: Int, resized: Int, scale: Float, transform: String, nearest: String) -> [Int32]? {
        let l = Float(length), r = Float(resized)
        var out: [Int32] = []
        out.reserveCapacity(resized)
        for i in 0..<resized {
            let x = Float(i)
            let original: Float
            switch transform {
            case "asymmetric": original = x / scale
            case "half_pixel": original = ((x + 0.5) / scale) - 0.5
            case "pytorch_half_pixel": original = r > 1 ? (x + 0.5) / scale - 0.5 : 0
            case "tf_half_pixel_for_nn": original = (x + 0.5) / scale
            case "align_corners": original = r == 1 ? 0 : x * (l - 1) / (r - 1)
            default: return nil
            }
            var index: Float
            switch nearest {
            case "round_prefer_floor":
                // ONNX Runtime: halfway (x == trunc(x) + 0.5) prefers floor, else std::round (half away from 0).
                index = original == original.rounded(.towardZero) + 0.5 ? original.rounded(.down)
                                                                       : original.rounded(.toNearestOrAwayFromZero)
            // round_prefer_ceil is not reproduced: ONNX Runtime 1.32 rounds some coordinates a float32 step
            // below k + ½ up (15 of the 870 round_prefer_ceil axes of resize_nearest.tsv), which std::round
            // on the float32 coordinate does not; refused rather than guessed.
            case "floor": index = original.rounded(.down)
            case "ceil": index = original.rounded(.up)
            case "": index = scale < 1 ? original.rounded(.up) : original.rounded(.towardZero)  // Resize-10
            default: return nil
            }
            guard index.isFinite else { return nil }
            index = min(max(index, 0), l - 1)
            out.append(Int32(index))
        }
        return out
    }

    /// The nearest Resize of the current node from `x` (NCHW shape `s`) into `y`.
    mutating func emitResize(_ x: ONNXQuantized, _ y: ONNXQuantized, shape s: [Int]) throws(DSCError) {
        let n = node
        guard s.count == 4 else { throw unsupported("Resize of a rank-\(s.count) tensor (4-D NCHW only)") }
        let mode = string("mode", default: "nearest")
        guard mode == "nearest" else { throw unsupported("Resize mode '\(mode)' (nearest only)") }
        let transform = opset >= 11 ? string("coordinate_transformation_mode", default: "half_pixel") : "asymmetric"
        let nearest = opset >= 11 ? string("nearest_mode", default: "round_prefer_floor") : ""
        guard ["asymmetric", "half_pixel", "pytorch_half_pixel", "tf_half_pixel_for_nn", "align_corners"].contains(transform) else {
            throw unsupported("Resize coordinate_transformation_mode '\(transform)'")
        }
        guard ["round_prefer_floor", "floor", "ceil", ""].contains(nearest) else {
            throw unsupported("Resize nearest_mode '\(nearest)' (ONNX Runtime's rounding of it is not reproduced)")
        }
        guard attribute("axes") == nil, string("keep_aspect_ratio_policy", default: "stretch") == "stretch" else {
            throw unsupported("Resize with axes or keep_aspect_ratio_policy")
        }
        // Resize-10: X, scales. Resize-11+: X, roi, scales, sizes (roi only read by tf_crop_and_resize).
        let scalesName = opset >= 11 ? (n.inputs.count > 2 ? n.inputs[2] : "") : (n.inputs.count > 1 ? n.inputs[1] : "")
        let sizesName = opset >= 11 && n.inputs.count > 3 ? n.inputs[3] : ""
        let scaleValues = scalesName.isEmpty ? [] : try floats(try constant(scalesName, "scales"))
        var scales: [Float], sizes: [Int]
        if !scaleValues.isEmpty {
            guard scaleValues.count == 4, scaleValues.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw unsupported("Resize scales \(scaleValues)")
            }
            scales = scaleValues
            // ONNX Runtime: output dim = int64(scale * input dim) in float32.
            sizes = []
            for d in 0..<4 {
                let v = scales[d] * Float(s[d])
                guard v >= 1, v < 1_048_576 else { throw unsupported("Resize output dimension \(v)") }
                sizes.append(Int(v))
            }
        } else {
            guard !sizesName.isEmpty else { throw malformed("Resize without scales or sizes") }
            let v = try integers(try constant(sizesName, "sizes"))
            guard v.count == 4, v.allSatisfy({ $0 >= 1 && $0 < 1 << 20 }) else { throw unsupported("Resize sizes \(v)") }
            sizes = v.map { Int($0) }
            scales = (0..<4).map { Float(sizes[$0]) / Float(s[$0]) }
        }
        guard sizes[0] == s[0], sizes[1] == s[1] else {
            throw unsupported("Resize of the batch or channel axis (sizes \(sizes) of \(s))")
        }
        // ONNX Runtime copies the input when the output shape equals it, whatever the scales.
        let same = sizes == s
        guard let rows = same ? Array(0..<Int32(s[2])) : Self.nearestIndices(length: s[2], resized: sizes[2], scale: scales[2], transform: transform, nearest: nearest),
              let columns = same ? Array(0..<Int32(s[3])) : Self.nearestIndices(length: s[3], resized: sizes[3], scale: scales[3], transform: transform, nearest: nearest) else {
            throw unsupported("Resize index out of range")
        }
        let p = ResizeBilinearParameters(rowFractionBits: 0, columnFractionBits: 0,
                                         rows: rows.map { ResizeTap(low: $0, high: $0, weight: 0) },
                                         columns: columns.map { ResizeTap(low: $0, high: $0, weight: 0) })
        let input = try tensor(x.name, .nhwc)
        let out = addTensor(y.name, y.type, [s[0], sizes[2], sizes[3], s[1]])
        emit(.resizeBilinear(p), [input], out)
        bind(y.name, out, .nhwc, y)
    }
}
